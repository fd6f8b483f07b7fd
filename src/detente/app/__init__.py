"""The analyst's workbench: ``detente app``, a local web application.

A second face beside the command line, written with Shiny for Python.  It presents
what the library computes and holds no model logic: the scenario's stances in an
editable grid (every edit validated as ``detente validate`` validates a file), every
model's forecast redrawn as soon as an edit is committed, intervals, trajectories,
explanations and sweeps, the strategy lab, "Analyze" into a run store, and the data
behind the case.

Modules: :mod:`~detente.app.state` (a session's scenario and its edits, no Shiny),
:mod:`~detente.app.jobs` (long work in separate processes, with progress and
cancelling), :mod:`~detente.app.warmup` (models compiled in the background),
:mod:`~detente.app.workspace` (what the app may read and write),
:mod:`~detente.app.views` (HTML), :mod:`~detente.app.page` and
:mod:`~detente.app.server` (the Shiny app) and :mod:`~detente.app.web` (serving).
"""

from detente.app.web import create_app, serve

__all__ = ["create_app", "serve"]
