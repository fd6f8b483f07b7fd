"""Test helper: read a KTAB reference folder (inputs and recorded outputs).

Inputs are read with detente's own KTAB readers when they are available; until then a
minimal parser of KTAB's CSV and XML inputs is used (tests only).
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


@dataclass
class KtabCase:
    folder: Path
    actors: list[str]
    positions: np.ndarray  # (n, d) on [0, 1]
    saliences: np.ndarray  # (n, d) on [0, 1]
    capabilities: np.ndarray
    accommodation: np.ndarray | None
    params: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)

    def positions_ref(self) -> np.ndarray:
        return _read_tidy(self.folder / "positions.csv", self.actors, "position")

    def ideals_ref(self) -> np.ndarray:
        return _read_tidy(self.folder / "ideals.csv", self.actors, "ideal")

    def probabilities_ref(self) -> np.ndarray:
        rows = list(csv.DictReader(open(self.folder / "probabilities.csv")))
        t = max(int(r["turn"]) for r in rows) + 1
        out = np.full((t, len(self.actors)), np.nan)
        idx = {a: i for i, a in enumerate(self.actors)}
        for r in rows:
            out[int(r["turn"]), idx[r["actor"]]] = float(r["probability"])
        return out

    def posprob_ref(self) -> np.ndarray | None:
        path = self.folder / "posprob.csv"
        if not path.exists():
            return None
        rows = list(csv.DictReader(open(path)))
        t = max(int(r["turn"]) for r in rows) + 1
        n = len(self.actors)
        out = np.full((t, n, n), np.nan)
        idx = {a: i for i, a in enumerate(self.actors)}
        for r in rows:
            out[int(r["turn"]), idx[r["estimator"]], idx[r["actor"]]] = float(r["probability"])
        return out


def _read_tidy(path: Path, actors: list[str], col: str) -> np.ndarray:
    rows = list(csv.DictReader(open(path)))
    t = max(int(r["turn"]) for r in rows) + 1
    d = max(int(r["dimension"]) for r in rows) + 1
    out = np.full((t, len(actors), d), np.nan)
    idx = {a: i for i, a in enumerate(actors)}
    for r in rows:
        out[int(r["turn"]), idx[r["actor"]], int(r["dimension"])] = float(r[col])
    return out


def _split(line: str) -> list[str]:
    return [c.strip().strip('"') for c in next(csv.reader([line]))]


def read_case(folder: Path) -> KtabCase:
    meta = json.loads((folder / "meta.json").read_text())
    if (folder / "input.xml").exists():
        return _read_xml(folder, meta)
    return _read_csv(folder, meta)


def _read_csv(folder: Path, meta: dict[str, Any]) -> KtabCase:
    lines = (folder / "input.csv").read_text().splitlines()
    head = _split(lines[0])
    n, d = int(head[2]), int(head[3])
    names, caps, pos, sal = [], [], [], []
    for line in lines[2 : 2 + n]:
        cells = _split(line)
        names.append(cells[0])
        caps.append(float(cells[2]))
        pos.append([float(cells[3 + 2 * k]) for k in range(d)])
        sal.append([float(cells[4 + 2 * k]) for k in range(d)])
    return KtabCase(
        folder,
        names,
        np.array(pos) / 100.0,
        np.array(sal) / 100.0,
        np.array(caps),
        None,
        {},
        meta,
    )


def _read_xml(folder: Path, meta: dict[str, Any]) -> KtabCase:
    root = ET.fromstring((folder / "input.xml").read_bytes())
    params = {}
    mp = root.find("ModelParameters")
    if mp is not None:
        params = {c.tag: (c.text or "").strip() for c in mp}
    names, caps, pos, sal = [], [], [], []
    for a in root.find("Actors").findall("Actor"):
        names.append(a.findtext("name").strip())
        caps.append(float(a.findtext("capability")))
        pos.append([float(x.text) for x in a.find("Position").findall("dCoord")])
        sal.append([float(x.text) for x in a.find("Salience").findall("dSal")])
    n = len(names)
    acc = np.eye(n)
    idx = {nm: i for i, nm in enumerate(names)}
    for pair in root.find("IdealAdjustment").findall("iaPair"):
        acc[
            idx[pair.findtext("adjustingIdeal").strip()], idx[pair.findtext("referencePos").strip()]
        ] = float(pair.findtext("adjust"))
    return KtabCase(
        folder,
        names,
        np.array(pos) / 100.0,
        np.array(sal) / 100.0,
        np.array(caps),
        acc,
        params,
        meta,
    )
