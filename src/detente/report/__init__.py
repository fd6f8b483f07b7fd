"""Reports: one command from a scenario file to a self-contained HTML report.

:func:`~detente.report.analyze.analyze` runs every engine on a scenario and writes
``report.html`` (self-contained, offline), ``summary.md`` (the findings, for a memo)
and ``results.duckdb`` (the run store: inputs, parameters, seeds, versions, timings
and every table behind every chart).  :mod:`~detente.report.runs` lists and compares
runs.

Modules: :mod:`~detente.report.figures` (figures, panels, sections, findings),
:mod:`~detente.report.charts` (Vega-Lite chart builders), one module per report
section (:mod:`~detente.report.case`, :mod:`~detente.report.capabilities`,
:mod:`~detente.report.claims`, :mod:`~detente.report.negotiation`,
:mod:`~detente.report.strategy`), :mod:`~detente.report.findings`,
:mod:`~detente.report.html`, :mod:`~detente.report.summary`,
:mod:`~detente.report.store`.  The engines are run by :mod:`detente.pipeline`; this
package only renders what they produce.
"""

from detente.report.analyze import AnalyzeResult, analyze
from detente.report.runs import RunComparison, compare_runs, list_runs
from detente.report.store import read_run

__all__ = ["AnalyzeResult", "RunComparison", "analyze", "compare_runs", "list_runs", "read_run"]
