"""Command groups of the ``detente`` CLI (see :mod:`detente.cli`)."""
