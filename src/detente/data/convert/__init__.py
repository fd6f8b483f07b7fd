"""Converters: raw source files -> tidy tables (one module per source).

Each converter reads the publisher's own file format, maps every country label through
:mod:`detente.data.identity` (stopping on a label it cannot map or exclude) and returns
tidy pandas frames.  :mod:`detente.data.build` writes them to Parquet; the SIPRI
importers (:mod:`detente.data.importers`) write them to the user's store.
"""
