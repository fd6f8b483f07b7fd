"""Where the workbench may read and write: the workspace folder and the run store.

Every path the app touches goes through here.  A name that comes from the page (a
file picked from a list, a name typed to save under, a run folder in a download
link) is checked to be a plain name of a file that is really inside the workspace
(or the run store): no ``..``, no absolute path, no symbolic link leading out.
Uploads are limited in size and read, from a private temporary copy, by the same
readers as the command line.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from detente.errors import InputError, Problem

__all__ = [
    "MAX_UPLOAD_BYTES",
    "SCENARIO_SUFFIXES",
    "Workspace",
    "example_files",
    "read_upload",
]

#: Uploads larger than this are refused (10 MB).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: The file names the workbench offers to open (what detente's readers read).
SCENARIO_SUFFIXES = (".toml", ".csv", ".xml", ".tsv", ".tab")
#: Files of a run folder that may be downloaded or opened.
RUN_FILES = ("report.html", "summary.md", "results.duckdb")

_SAVE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,98}$")
_RUN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")


def example_files() -> dict[str, Path]:
    """The example scenarios that ship with detente, by name.

    Installed from a wheel they are package data (``detente/examples``); in a source
    checkout they are the repository's ``examples/`` folder.
    """
    found: dict[str, Path] = {}
    candidates: list[Path] = []
    try:
        packaged = resources.files("detente") / "examples"
        candidates.append(Path(str(packaged)))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - odd installs
        pass
    candidates.append(Path(__file__).resolve().parents[3] / "examples")
    for folder in candidates:
        if folder.is_dir():
            for p in sorted(folder.iterdir()):
                if p.is_file() and p.suffix.lower() in SCENARIO_SUFFIXES:
                    found.setdefault(p.name, p)
    return found


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


@dataclass
class Workspace:
    """The folder the app reads scenarios from and saves them to, and its run store.

    Parameters
    ----------
    root
        The workspace folder.
    initial
        The scenario file to open first (inside ``root``), if any.
    runs
        The run store: a folder of run folders (default ``root/runs``).
    """

    root: Path
    initial: Path | None = None
    runs: Path = field(default=Path())

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        if self.runs == Path():
            self.runs = self.root / "runs"
        self.runs = Path(self.runs).resolve()

    @classmethod
    def from_path(cls, path: Path | None, runs: Path | None = None) -> Workspace:
        """A workspace from the command line's PATH: a scenario file or a folder.

        Raises
        ------
        InputError
            If the path does not exist, or is a file detente does not read.
        """
        if path is None:
            path = Path.cwd()
        path = Path(path)
        if not path.exists():
            raise InputError(
                "no such file or folder", file=path, fix="give a scenario file or a folder."
            )
        if path.is_dir():
            return cls(path, None, runs or Path())
        if path.suffix.lower() not in SCENARIO_SUFFIXES:
            raise InputError(
                f"{path.name} is not a scenario file detente reads",
                file=path,
                fix=f"give a file ending in {', '.join(SCENARIO_SUFFIXES)}, or a folder.",
            )
        return cls(path.resolve().parent, path.resolve(), runs or Path())

    # -- scenario files -------------------------------------------------------------
    def scenario_files(self, limit: int = 500) -> list[str]:
        """Scenario files in the workspace (two folders deep), as relative names."""
        out: list[str] = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            here = Path(dirpath)
            depth = len(here.relative_to(self.root).parts)
            dirnames[:] = sorted(
                d
                for d in dirnames
                if not d.startswith(".") and depth < 2 and (here / d) != self.runs
            )
            for name in sorted(filenames):
                p = here / name
                if (
                    p.suffix.lower() in SCENARIO_SUFFIXES
                    and not name.startswith(".")
                    and _inside(p, self.root)
                ):
                    out.append(p.relative_to(self.root).as_posix())
                    if len(out) >= limit:
                        return out
        return out

    def scenario_path(self, name: str) -> Path:
        """The file behind a name from :meth:`scenario_files`.

        Raises
        ------
        InputError
            If the name is not one of the workspace's scenario files.
        """
        if name not in self.scenario_files():
            raise InputError(
                f"{name!r} is not a scenario file of the workspace",
                field="file",
                fix="pick a file from the list.",
            )
        path = self.root / name
        if not _inside(path, self.root):  # pragma: no cover - the listing checks it
            raise InputError(
                "the file lies outside the workspace", field="file", fix="pick another."
            )
        return path

    def save_path(self, name: str) -> Path:
        """Where a scenario saved under ``name`` goes (``.toml`` added if missing).

        Raises
        ------
        InputError
            If the name is not a plain file name.
        """
        name = name.strip()
        if not name.lower().endswith(".toml"):
            name += ".toml"
        if not _SAVE_NAME.match(name) or ".." in name:
            raise InputError(
                f"{name!r} is not a plain file name",
                field="save as",
                fix="use letters, digits, '.', '_', '-' and spaces, e.g. my_scenario.toml.",
            )
        path = self.root / name
        if not _inside(path.parent, self.root) or path.is_dir():
            raise InputError("that name cannot be used", field="save as", fix="choose another.")
        return path

    # -- the run store --------------------------------------------------------------
    def new_run(self, scenario_id: str) -> tuple[str, Path, Path]:
        """A fresh run folder name, its path and where its input scenario is written.

        Names are unique even for runs started in the same second by two sessions.
        """
        safe = re.sub(r"[^A-Za-z0-9_-]+", "_", scenario_id).strip("_")[:60] or "scenario"
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        name = f"{safe}-{stamp}-{secrets.token_hex(3)}"
        self.runs.mkdir(parents=True, exist_ok=True)
        inputs = self.runs / ".inputs"
        inputs.mkdir(exist_ok=True)
        return name, self.runs / name, inputs / f"{name}.toml"

    def run_folders(self) -> list[Path]:
        """Run folders of the store that hold a results store, newest first."""
        if not self.runs.is_dir():
            return []
        out = [
            p
            for p in self.runs.iterdir()
            if p.is_dir() and _RUN_NAME.match(p.name) and (p / "results.duckdb").is_file()
        ]
        return sorted(out, key=lambda p: p.stat().st_mtime, reverse=True)

    def run_file(self, run: str, name: str) -> Path:
        """A file of a run folder, for opening or downloading.

        Raises
        ------
        InputError
            If ``run`` is not a run folder's name or ``name`` not one of its files.
        """
        if not _RUN_NAME.match(run) or name not in RUN_FILES:
            raise InputError("no such run file", field="run", fix="pick a run from the list.")
        path = self.runs / run / name
        if not _inside(path, self.runs) or not path.is_file():
            raise InputError("no such run file", field="run", fix="pick a run from the list.")
        return path

    def run_folder(self, run: str) -> Path:
        """A run folder by name (see :meth:`run_file`)."""
        return self.run_file(run, "results.duckdb").parent


def read_upload(name: str, size: int, datapath: str | Path) -> list[object]:
    """Read an uploaded scenario file with the command line's readers.

    The server keeps the upload under a temporary name with the file's extension
    (which tells the reader the format); problems name the user's file instead.

    Returns
    -------
    list of Scenario
        Every scenario in the file (DEU tables hold several).

    Raises
    ------
    InputError
        If the file is too large, of a kind detente does not read, or invalid (every
        problem, located by line where the format allows).
    """
    from detente.scenario import load_scenarios

    if size > MAX_UPLOAD_BYTES:
        raise InputError(
            f"the file is {size / 1e6:.1f} MB, more than the {MAX_UPLOAD_BYTES // 2**20} MB "
            "the workbench accepts",
            file=name,
            fix="open it from the workspace folder instead (start `detente app FOLDER`).",
        )
    suffix = Path(name).suffix.lower()
    if suffix not in (*SCENARIO_SUFFIXES, ".txt"):
        raise InputError(
            f"{Path(name).name!r} is not a scenario file detente reads",
            file=name,
            fix=f"upload a file ending in {', '.join(SCENARIO_SUFFIXES)}.",
        )
    src = Path(datapath)
    if src.suffix.lower() != suffix or src.stat().st_size > MAX_UPLOAD_BYTES:
        raise InputError("the upload cannot be read", file=name, fix="upload the file again.")
    try:
        return list(load_scenarios(src))
    except InputError as err:
        # name the user's file, not the server's temporary copy of it
        probs = [Problem(p.message, Path(name).name, p.line, p.field, p.fix) for p in err.problems]
        raise InputError(probs) from None
