"""Rebuild the shipped Parquet datasets from the raw source files in ``data/raw``.

Usage (from the repository root)::

    .venv/bin/python tools/build_data.py
    .venv/bin/python tools/build_data.py --sipri-milex SIPRI-Milex-data-1949-2024.xlsx \\
        --sipri-arms trade-register.csv       # also rebuild the small SIPRI extract

A new NATO, WDI, UNHCR or UNGA release is a new file in ``data/raw/<source>/`` (replace
the old one and update its PROVENANCE.md), then a re-run of this script; never a hand
edit of the Parquet files.  Equivalent to ``detente data build``.
"""

from __future__ import annotations

import sys

from detente.cli import main

if __name__ == "__main__":
    sys.exit(main(["data", "build", *sys.argv[1:]]))
