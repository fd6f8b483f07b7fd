"""``--help`` answers at once and prints every help text as written.

* Rendering the help of the root and of every command and sub-command (found by
  walking the click command tree, so a command added later is covered) loads none of
  the heavy libraries nor detente's library modules: ``cli.py`` and ``commands/``
  import those inside the commands.
* ``cli.py`` and ``commands/*.py`` import only typer, rich, the standard library and
  detente's standard-library-only modules at module level.
* Every help text that holds ``[...]`` (a TOML table, an optional part) prints it:
  typer's "rich" markup mode would read it as a style tag and drop it.
* The names that help texts list without importing the library match the library.

Nothing here is timed: ``benchmarks/bench_cli.py`` measures the speed.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
import typer.testing
import typer.utils

from detente.cli import app, main
from detente.commands._help import FastHelpGroup, help_as_written

SRC = Path(__file__).resolve().parents[2] / "src" / "detente"

#: What ``--help`` must not load (top-level packages and detente's library parts).
HEAVY = (
    "numpy",
    "pandas",
    "scipy",
    "numba",
    "llvmlite",
    "duckdb",
    "pyarrow",
    "pydantic",
    "altair",
    "dask",
    "distributed",
    "sklearn",
    "SALib",
    "statsmodels",
    "defusedxml",
    "detente.scenario",
    "detente.data",
    "detente.bargaining",
    "detente.explore",
    "detente.partnership",
    "detente.backtest",
    "detente.pipeline",
    "detente.report",
    "detente.app",
)

#: Modules of detente that use only the standard library: module-level imports allowed.
LIGHT_DETENTE = ("detente", "detente.errors", "detente._version")


def command_paths(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The path of ``command`` and of every command under it (click groups have ``commands``)."""
    yield path
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from command_paths(sub, (*path, name))


_PROBE = r"""
import json, sys

import typer.main
import typer.testing

from detente.cli import app, main

HEAVY = {heavy!r}


def paths(command, path=()):
    yield list(path)
    for name, sub in sorted(getattr(command, "commands", {{}}).items()):
        yield from paths(sub, (*path, name))


found = list(paths(typer.main.get_command(app)))
codes = {{}}
for path in found:
    codes[" ".join(path)] = main([*path, "--help"])
codes["--version"] = main(["--version"])
# the same pages through typer's own entry point (a test runner, a library caller)
runner = typer.testing.CliRunner()
for path in found:
    codes["runner: " + " ".join(path)] = runner.invoke(app, [*path, "--help"]).exit_code
codes["runner: --version"] = runner.invoke(app, ["--version"]).exit_code
loaded = sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in HEAVY))
print("\n@@PROBE@@" + json.dumps({{"paths": found, "codes": codes, "loaded": loaded}}))
"""


def test_every_help_page_loads_no_heavy_module() -> None:
    probe = _PROBE.format(heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.rsplit("@@PROBE@@", 1)[1])
    paths = {" ".join(p) for p in result["paths"]}
    # the walk found the tree: the root, commands, groups and sub-commands of groups
    assert {"", "forecast", "explore", "data", "data show", "data import sipri-milex"} <= paths
    assert {"runs compare", "runs list", "validate", "backtest", "analyze"} <= paths
    assert all(code == 0 for code in result["codes"].values()), result["codes"]
    assert result["loaded"] == [], (
        "rendering --help imported library modules; import them inside the command "
        f"functions instead: {result['loaded']}"
    )


def test_the_probe_sees_a_heavy_import() -> None:
    # the check above can fail: the same walk after a command's body ran finds its imports
    code = (
        "import sys\nfrom detente.cli import main\n"
        "main(['data', 'sources', '--format', 'json'])\n"
        "print('pandas' in sys.modules or 'duckdb' in sys.modules or 'pyarrow' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "True"


# -- the import rule, read from the source -----------------------------------------------


def _cli_modules() -> list[Path]:
    return [SRC / "cli.py", *sorted((SRC / "commands").glob("*.py"))]


def _module_level_imports(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """``(line, module)`` of each import run when the module is imported.

    Imports inside functions and classes, and under ``if TYPE_CHECKING:``, are not.
    """

    def walk(body: list[ast.stmt]) -> Iterator[tuple[int, str]]:
        for node in body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield node.lineno, alias.name
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    yield node.lineno, "detente.commands." + (node.module or "")
                else:
                    yield node.lineno, node.module or ""
            elif isinstance(node, ast.If):
                test = ast.unparse(node.test)
                if test not in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
                    yield from walk(node.body)
                yield from walk(node.orelse)
            elif isinstance(node, ast.Try | ast.With):
                yield from walk(node.body)
                for handler in getattr(node, "handlers", []):
                    yield from walk(handler.body)
                yield from walk(getattr(node, "orelse", []))
                yield from walk(getattr(node, "finalbody", []))

    yield from walk(tree.body)


def _allowed(module: str) -> bool:
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or top in ("__future__", "typer", "rich"):
        return True
    return module in LIGHT_DETENTE or module.startswith("detente.commands")


def test_cli_modules_import_only_light_modules_at_module_level() -> None:
    offenders = []
    for path in _cli_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [
            f"{path.relative_to(SRC.parent)}:{line}: {module}"
            for line, module in _module_level_imports(tree)
            if not _allowed(module)
        ]
    assert not offenders, (
        "cli.py and commands/ import only typer, rich, the standard library and "
        f"{', '.join(LIGHT_DETENTE)} at module level; move these into the commands: "
        f"{offenders}"
    )


def test_the_import_rule_check_can_fail() -> None:
    source = (
        "from __future__ import annotations\nimport json\nfrom typing import TYPE_CHECKING\n"
        "import typer\nfrom rich.table import Table\nfrom detente.errors import InputError\n"
        "from detente.commands._common import console\nfrom . import _help\n"
        "import numpy as np\nfrom detente.scenario import Scenario\n"
        "if TYPE_CHECKING:\n    import pandas as pd\n"
        "try:\n    import duckdb\nexcept ImportError:\n    pass\n"
        "def f():\n    import scipy\n"
    )
    bad = [m for _, m in _module_level_imports(ast.parse(source)) if not _allowed(m)]
    assert bad == ["numpy", "detente.scenario", "duckdb"]


def test_the_light_detente_modules_are_light() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in LIGHT_DETENTE)
        + f"print(sorted(m for m in sys.modules if any(m == h or m.startswith(h + '.') "
        f"for h in {HEAVY!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# -- help texts print as written ---------------------------------------------------------


def _raw_help_texts(typer_app: typer.Typer) -> Iterator[str]:
    """Every help text of a typer app as written in the source, recursively.

    A command's help (its ``help=`` or its docstring up to ``\\f``), its parameters'
    ``help=``, a group's help, and the root callback's.
    """
    infos: list[Any] = [typer_app.info]
    if typer_app.registered_callback is not None:
        infos.append(typer_app.registered_callback)
    for info in infos:
        if isinstance(info.help, str):
            yield info.help
        callback = getattr(info, "callback", None)
        if callable(callback):
            yield from _callback_texts(callback, explicit=isinstance(info.help, str))
    for command in typer_app.registered_commands:
        if isinstance(command.help, str):
            yield command.help
        if command.callback is not None:
            yield from _callback_texts(command.callback, explicit=isinstance(command.help, str))
    for group in typer_app.registered_groups:
        if isinstance(group.help, str):
            yield group.help
        if group.typer_instance is not None:
            yield from _raw_help_texts(group.typer_instance)


def _callback_texts(callback: Any, *, explicit: bool) -> Iterator[str]:
    doc = inspect.getdoc(callback)
    if doc and not explicit:
        yield doc.partition("\f")[0]
    for meta in typer.utils.get_params_from_function(callback).values():
        text = getattr(meta.default, "help", None)
        if isinstance(text, str):
            yield text


_FRAME = re.compile(r"[│╭╮╰╯─]")


def _flat(text: str) -> str:
    """Text with the help panels' frames removed and all white space collapsed."""
    return " ".join(_FRAME.sub(" ", text).split())


def _all_help(capsys: pytest.CaptureFixture[str]) -> str:
    """Every help page of the CLI (found by walking the command tree), flattened."""
    pages = []
    for path in command_paths(typer.main.get_command(app)):
        assert main([*path, "--help"]) == 0
        pages.append(capsys.readouterr().out)
    return _flat("\n".join(pages))


def test_every_bracketed_help_text_prints_as_written(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # no wrapping inside a word or a name
    shown = _all_help(capsys)
    bracketed = [t for t in _raw_help_texts(app) if re.search(r"\[[^\]]*\]", t)]
    # the case that was eaten: explore's "a [partnership] table"
    assert any("[partnership]" in t for t in bracketed)
    missing = [t for t in bracketed if _flat(t) not in shown]
    assert not missing, f"help texts that do not print as written: {missing}"


HOSTILE = [
    "a [partnership] table and the [models.NAME] tables",
    "[bold]not bold[/bold], a closing [/] tag, [/x] and [red on blue]",
    "escaped already? \\[x] and a trailing backslash \\",
    "an optional part: detente backtest [--json OUT.json] [--predictions P.csv]",
    "a link? [link=https://example.org]here[/link] and [[double]]",
]


def _hostile_app() -> typer.Typer:
    hostile = typer.Typer(
        rich_markup_mode="rich", cls=FastHelpGroup, add_completion=False, help=HOSTILE[0]
    )

    @hostile.command("one")
    def one(
        x: str = typer.Option("a", "--x", help=HOSTILE[1]),
        y: int = typer.Argument(1, help=HOSTILE[2]),
    ) -> None:
        """Summary with [brackets] over
        two lines.

        Second paragraph: [tables.*] and [x]\f
        hidden [after] the form feed
        """

    sub = typer.Typer(help=HOSTILE[3])
    hostile.add_typer(sub, name="grp")

    @sub.command("two", help=HOSTILE[4], epilog="epilog [kept]")
    def two() -> None:
        """Never shown: help= wins."""

    return hostile


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ((), [HOSTILE[0], "Summary with [brackets] over two lines."]),
        (("one",), [HOSTILE[1], HOSTILE[2], "Second paragraph: [tables.*] and [x]"]),
        (("grp",), [HOSTILE[3], HOSTILE[4]]),
        (("grp", "two"), [HOSTILE[4], "epilog [kept]"]),
    ],
)
def test_hostile_help_texts_print_as_written(
    monkeypatch: pytest.MonkeyPatch, path: tuple[str, ...], expected: list[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    result = typer.testing.CliRunner().invoke(_hostile_app(), [*path, "--help"])
    assert result.exit_code == 0, result.output
    shown = _flat(result.output)
    for text in expected:
        assert _flat(text) in shown, (text, result.output)
    assert "hidden [after]" not in shown


def test_hostile_help_texts_are_eaten_without_escaping(monkeypatch: pytest.MonkeyPatch) -> None:
    # the test above can fail: the same texts under a plain typer group lose their tags
    monkeypatch.setenv("COLUMNS", "300")
    plain = typer.Typer(rich_markup_mode="rich", add_completion=False)

    @plain.command()
    def one(x: str = typer.Option("a", "--x", help=HOSTILE[1])) -> None:
        """Summary with [brackets]."""

    shown = _flat(typer.testing.CliRunner().invoke(plain, ["--help"]).output)
    assert _flat(HOSTILE[1]) not in shown
    assert "Summary with [brackets]." not in shown


def test_help_texts_are_kept_as_written_and_walked_once() -> None:
    command = typer.main.get_command(app)
    help_as_written(command)  # a second walk changes nothing
    explore = command.commands["explore"]  # type: ignore[attr-defined]
    file_help = next(p.help for p in explore.params if p.name == "file")
    # plain help: nothing is read as markup, so nothing is escaped
    assert file_help.count("[partnership]") == 1
    assert "\\[" not in file_help
    seed = next(p for p in explore.params if p.name == "seed")
    assert seed.metavar == "INTEGER"  # click's words, not typer's "<int>"


def test_command_list_shows_the_whole_first_paragraph(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    assert main(["--help"]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("  explore "))
    entry = [lines[start]]
    for ln in lines[start + 1 :]:
        if not ln.startswith("    "):  # the next command, or the end of the list
            break
        entry.append(ln)
    text = " ".join(part.strip() for part in entry)
    assert "(PRIM)" in text and "summary.json" in text  # not cut short with "..."


# -- version ---------------------------------------------------------------------------


def test_version_fast_path_prints_what_the_option_prints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from detente import __version__

    assert main(["--version"]) == 0
    fast = capsys.readouterr().out
    result = typer.testing.CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert fast == result.output == f"detente {__version__}\n"


def test_version_loads_neither_typer_nor_the_commands() -> None:
    code = (
        "import sys\nfrom detente.cli import main\nmain(['--version'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'rich', 'click')"
        " or m.startswith('detente.commands')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    version, loaded = done.stdout.strip().splitlines()
    assert version.startswith("detente ")
    assert loaded == "[]"


# -- names listed by help texts ----------------------------------------------------------


def test_help_names_match_the_library() -> None:
    from detente.backtest.forecasts import BARGAINING, BASELINES, DEFAULT_MODELS
    from detente.bargaining import list_models
    from detente.commands import _help

    assert list(_help.BARGAINING_MODELS) == list_models()
    assert tuple(DEFAULT_MODELS) == _help.BACKTEST_DEFAULT_MODELS
    assert (*BASELINES, *BARGAINING) == _help.BACKTEST_MODELS


def test_forecast_help_lists_every_model(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from detente.bargaining import list_models

    monkeypatch.setenv("COLUMNS", "300")
    for command in ("forecast", "sweep", "sensitivity"):
        assert main([command, "--help"]) == 0
        assert "|".join([*list_models(), "all"]) in capsys.readouterr().out
