"""Large scenarios: `detente validate` and `show` on 10,000 actors, and the memory check.

Writes a TOML scenario of ``--actors`` actors on 6 issues (every actor on every issue,
about 5 MB for 10,000 actors), then times, as fresh commands:

* ``detente validate FILE`` and ``detente show FILE`` (target: near-linear, a few
  seconds of CPU for 10,000 actors; they took 68 s and 214 s of CPU when lookups were
  linear inside loops over actors);
* ``detente forecast FILE --model smp`` and ``--model eum``, which must be refused
  (exit 2) by the memory check before they start, instead of dying with MemoryError
  or after minutes at 7.6 GB.

Run: ``.venv/bin/python benchmarks/bench_scenario_size.py [--actors 10000]``.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DETENTE = Path(sys.executable).with_name("detente")


def write_scenario(path: Path, n: int, k: int = 6) -> None:
    """A valid scenario of ``n`` actors on ``k`` issues (deterministic numbers)."""
    parts = ['[scenario]\nid = "big"\n']
    parts += [f'[[actors]]\nid = "A{a}"\ncapability = {1 + a % 97}\n' for a in range(n)]
    parts += [f'[[issues]]\nid = "i{j}"\n' for j in range(k)]
    parts += [
        f'[[stances]]\nactor = "A{a}"\nissue = "i{j}"\nposition = {(a * 37 + j * 11) % 101}\n'
        f"salience = {1 + (a + j) % 16}\n"
        for a in range(n)
        for j in range(k)
    ]
    path.write_text("\n".join(parts), encoding="utf-8")


def timed(argv: list[str]) -> tuple[int, float, float]:
    """Exit code, wall seconds and CPU seconds of a fresh command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    code = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return code, wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--actors", type=int, default=10_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "big.toml"
        write_scenario(f, args.actors)
        size = f.stat().st_size / 2**20
        print(f"{args.actors:,} actors x 6 issues ({size:.1f} MiB of TOML)")
        for argv, want in (
            (["validate", str(f)], 0),
            (["show", str(f)], 0),
            (["forecast", str(f), "--model", "smp"], 2),
            (["forecast", str(f), "--model", "eum"], 2),
        ):
            code, wall, cpu = timed([str(DETENTE), *argv])
            ok = "ok" if code == want else f"UNEXPECTED exit {code}"
            print(f"  detente {' '.join(argv[:1] + argv[2:])}: exit {code} ({ok}), "
                  f"{wall:.1f} s wall, {cpu:.1f} s CPU")  # fmt: skip


if __name__ == "__main__":
    main()
