"""Shared plumbing for CLI commands: consoles, error reporting, output safety."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape

from detente.errors import DetenteError, EnvironmentFailure, InputError, Problem

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "EXIT_ENVIRONMENT",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "about_file",
    "check_output_path",
    "check_output_paths",
    "console",
    "console_err",
    "load_for_models",
    "parse_params",
    "run_app",
    "table_problems",
    "unknown_model_tables",
]

EXIT_INTERNAL = 1
EXIT_INPUT = 2
#: Something outside detente failed (a Dask cluster without workers): not a bug.
EXIT_ENVIRONMENT = 3

# Wide enough for scenario tables when output is piped (rich defaults to 80 columns).
# No markup by default: ids, names and paths from the user's files reach tables and
# messages, and "[/x]" in an issue id must print as itself, not crash rich.  Messages
# that style text pass markup=True and escape() what they interpolate.
console = Console(
    highlight=False,
    soft_wrap=False,
    emoji=False,
    markup=False,
    width=None if sys.stdout.isatty() else 160,
)
console_err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False, markup=False)


def _report_input_error(err: InputError) -> None:
    console_err.print(f"[bold red]error:[/] {escape(str(err))}", markup=True, highlight=False)


def run_app(app: typer.Typer, argv: Sequence[str] | None, *, debug: bool = False) -> int:
    """Run a typer app and map exceptions to exit codes without tracebacks.

    Parameters
    ----------
    app
        The typer application.
    argv
        Arguments (``None`` means ``sys.argv[1:]``).
    debug
        Show the traceback of internal errors.

    Returns
    -------
    int
        0 on success, 1 for an internal error (a bug), 2 for bad input, 3 when
        something outside detente failed (a Dask cluster or scheduler), 130 when
        interrupted.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    command = typer.main.get_command(app)
    try:
        result = command.main(args=args, prog_name="detente", standalone_mode=False)
    except InputError as err:
        _report_input_error(err)
        return EXIT_INPUT
    except typer.Exit as ex:
        return int(ex.exit_code or 0)
    except typer.TyperException as ex:
        # usage errors from the parser: unknown option, missing argument, bad value
        show = getattr(ex, "show", None)
        if callable(show):
            show(file=sys.stderr)
        else:
            console_err.print(f"error: {ex.format_message()}")
        return EXIT_INPUT if ex.exit_code == 2 else int(ex.exit_code)
    except typer.Abort:
        console_err.print("aborted")
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        console_err.print("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except OSError as err:
        if not _about_a_user_path(err):
            return _internal(err, debug)
        from detente._paths import os_error_message

        _report_input_error(
            InputError(
                f"cannot write or read this path: {os_error_message(err)}",
                file=str(err.filename),
                fix="check the path, its folder's permissions and the free space.",
            )
        )
        return EXIT_INPUT
    except EnvironmentFailure as err:
        console_err.print(f"[bold red]error:[/] {escape(str(err))}", markup=True)
        return EXIT_ENVIRONMENT
    except DetenteError as err:
        console_err.print(f"[bold red]error:[/] {escape(str(err))}", markup=True)
        return EXIT_INTERNAL
    except Exception as err:  # an internal error: say so, and how to get details
        return _internal(err, debug)
    return result if isinstance(result, int) else 0


#: ``OSError`` numbers that say something about a path the user gave (a read-only
#: folder, a path through a file, a full disk), not about detente.
_USER_ERRNOS = {
    errno.EACCES,
    errno.EPERM,
    errno.EROFS,
    errno.ENOTDIR,
    errno.EISDIR,
    errno.ENOSPC,
    errno.ENAMETOOLONG,
    errno.ELOOP,
    getattr(errno, "EDQUOT", errno.ENOSPC),
}


def _about_a_user_path(err: OSError) -> bool:
    """True for an ``OSError`` on a path outside detente's own package files."""
    if err.errno not in _USER_ERRNOS or not err.filename:
        return False
    package = Path(__file__).resolve().parents[1]
    try:
        Path(os.fsdecode(err.filename)).resolve().relative_to(package)
    except (ValueError, OSError, TypeError):
        return True
    return False


def _internal(err: BaseException, debug: bool) -> int:
    console_err.print(
        f"[bold red]internal error:[/] {type(err).__name__}: {escape(str(err))}\n"
        "This is a bug in detente, not in your input. Re-run with DETENTE_DEBUG=1 "
        "for the traceback and report it.",
        markup=True,
    )
    if debug:
        traceback.print_exc()
    return EXIT_INTERNAL


def check_output_path(path: Path, *, force: bool, inputs: Sequence[Path] = ()) -> None:
    """Refuse to overwrite an existing file or an input without ``--force``.

    Raises
    ------
    InputError
        If ``path`` exists (and ``force`` is false), is a directory or a device, is
        one of the inputs, lies under a regular file, or its folder is missing or
        cannot be written.
    """
    resolved = path.resolve()
    for inp in inputs:
        if inp.exists() and resolved == inp.resolve():
            raise InputError(
                "the output would overwrite the input file",
                file=path,
                fix="choose another output path.",
            )
    if path.is_dir():
        raise InputError(
            "the output path is a directory", file=path, fix="give a file name for the output."
        )
    if path.exists() and not force:
        raise InputError(
            "the output file already exists",
            file=path,
            fix="choose another path, or pass --force to overwrite it.",
        )
    from detente._paths import check_writable_file

    check_writable_file(path)  # under a file, a missing or read-only folder, a device


def check_output_paths(
    paths: Sequence[Path | None], *, force: bool, inputs: Sequence[Path] = ()
) -> None:
    """:func:`check_output_path` for each given path, which must also differ.

    Raises
    ------
    InputError
        As :func:`check_output_path`, or if two outputs are the same file.
    """
    seen: dict[Path, Path] = {}
    for path in paths:
        if path is None:
            continue
        check_output_path(path, force=force, inputs=inputs)
        key = path.resolve()
        if key in seen:
            raise InputError(
                f"two outputs are the same file ({seen[key]} and {path})",
                file=path,
                fix="give each output its own file name.",
            )
        seen[key] = path


def parse_params(items: Sequence[str] | None) -> dict[str, str]:
    """Parse repeated ``KEY=VALUE`` options into a dict (values stay strings).

    Raises
    ------
    InputError
        If an item has no ``=`` or an empty key.
    """
    out: dict[str, str] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(
                f"--param {item!r} is not of the form KEY=VALUE",
                field="--param",
                fix="write e.g. --param VotingRule=Cubic.",
            )
        out[key.strip()] = value.strip()
    return out


@contextlib.contextmanager
def about_file(path: Path) -> Iterator[None]:
    """Name ``path`` in the problems raised inside the block.

    Models and the data layer check a scenario they get as an object, so their
    problems (``saliences: actor 'C' has zero salience on every issue``) carry a
    field but no file.  Inside this block they are re-raised with the scenario's file
    (and, for TOML, the field's line); problems about command-line options (fields
    such as ``--param``) are left as they are.

    Raises
    ------
    InputError
        The same problems, located.
    """

    def about_the_file(p: Problem) -> bool:
        return p.file is None and not (p.field or "").startswith("-")

    try:
        yield
    except InputError as err:
        if not any(about_the_file(p) for p in err.problems):
            raise
        from detente.scenario import locate_problems

        located = iter(locate_problems([p for p in err.problems if about_the_file(p)], path))
        raise InputError(
            [next(located) if about_the_file(p) else p for p in err.problems]
        ) from None


def load_for_models(
    file: Path, *, format: str | None = None, scenario_id: str | None = None
) -> Scenario:
    """Read a scenario for the models: validated, with data capabilities resolved.

    Raises
    ------
    InputError
        Every problem of the file, and every data reference that cannot be resolved,
        located by file and (for TOML) line.
    """
    from detente.scenario import load_scenario

    scenario = load_scenario(file, format=format, scenario_id=scenario_id)
    if scenario.unresolved_actors:
        from detente.data import resolve_capabilities

        scenario = resolve_capabilities(scenario, file=file)
    return scenario


def unknown_model_tables(scenario: Scenario) -> list[str]:
    """Names of ``[models.NAME]`` tables that name no registered model (forecast ignores them)."""
    from detente.bargaining import list_models

    known = {m.lower() for m in list_models()}
    return [name for name in scenario.models if name.strip().lower() not in known]


def table_problems(
    scenario: Scenario,
    file: Path,
    *,
    models: Sequence[str] | None = None,
    partnership: bool = True,
) -> list[Problem]:
    """Problems of a scenario's ``[models.*]``, ``[partnership]`` and ``[deals]`` tables.

    The scenario schema keeps these tables as given; the models and the strategy lab
    check them when they run.  Checking them here lets ``validate`` promise that a
    file it accepts also runs, and ``forecast`` report them with their lines.

    Parameters
    ----------
    scenario
        A valid scenario.
    file
        Its file, to locate the problems.
    models
        Check only these models' tables (default: every registered model's).
    partnership
        Also check the ``[partnership]`` and ``[deals]`` tables, if there are any.

    Returns
    -------
    list of Problem
        Located by file and, for TOML, line.
    """
    from detente.bargaining import list_models
    from detente.bargaining.base import get_model, resolve_params
    from detente.scenario import Format, detect_format, locate_problems
    from detente.scenario._text import read_text

    chosen = {m.lower() for m in (models if models is not None else list_models())}
    problems: list[Problem] = []
    for name, table in scenario.models.items():
        key = name.strip().lower()
        if key not in chosen or key not in {m.lower() for m in list_models()}:
            continue
        spec = get_model(key)
        try:
            resolve_params(spec, None, scenario_defaults=table)
        except InputError as err:
            for p in err.problems:
                param = (p.field or "").removeprefix(f"{spec.name}.")
                problems.append(Problem(p.message, field=f"models.{name}.{param}", fix=p.fix))
    if partnership and scenario.partnership is not None:
        from detente.partnership import load_config

        text = None
        if detect_format(file) is Format.TOML:
            text = read_text(file, legacy_encodings=False).text  # UTF-8 or UTF-16
        try:
            load_config(scenario.partnership, file=str(file), text=text)
        except InputError as err:
            problems.extend(err.problems)
    if partnership and scenario.deals is not None:
        from detente.bargaining.deals import scenario_sides

        try:
            scenario_sides(scenario)
        except InputError as err:
            problems.extend(err.problems)
    return locate_problems(problems, file) if problems else []
