"""``detente backtest``: accuracy of every model on decisions with known outcomes (DEU files).

* ``detente backtest --train TRAIN.csv --test TEST.csv [--json OUT.json]``
* ``detente backtest --cv 5 FILE [--json OUT.json]`` (folds grouped by proposal)
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from detente.commands._common import check_output_paths, console
from detente.commands._help import BACKTEST_DEFAULT_MODELS, BACKTEST_MODELS
from detente.errors import InputError

if TYPE_CHECKING:
    from detente.backtest.run import BacktestResult

__all__ = ["register", "result_table"]


#: The back-test models scored only when asked for.
_NOT_BY_DEFAULT = [m for m in BACKTEST_MODELS if m not in BACKTEST_DEFAULT_MODELS]


def _fmt(v: float, digits: int = 2) -> str:
    return "n/a" if not math.isfinite(v) else f"{v:.{digits}f}"


def result_table(res: BacktestResult, title: str) -> Table:
    """The table of models: MAE, RMSE, share within 10 points and issues forecast."""
    table = Table(title=title, title_justify="left")
    table.add_column("model", style="bold", no_wrap=True)
    table.add_column("MAE", justify="right")
    table.add_column("RMSE", justify="right")
    table.add_column("within 10", justify="right")
    table.add_column("issues", justify="right")
    for name, s in res.scores.items():
        table.add_row(name, _fmt(s.mae), _fmt(s.rmse), _fmt(s.within_10, 3), str(s.n))
    return table


def _models(items: list[str] | None) -> list[str]:
    """Back-test model names from ``--model`` values (validated)."""
    from detente.backtest.forecasts import BARGAINING, BASELINES, DEFAULT_MODELS

    table = {**BASELINES, **BARGAINING}
    names: list[str] = []
    for item in items or []:
        for part in item.split(","):
            key = part.strip().lower()
            if not key:
                continue
            if key not in table:
                raise InputError(
                    f"unknown back-test model {part.strip()!r}",
                    field="--model",
                    fix=f"use {', '.join(table)}.",
                )
            if key not in names:
                names.append(key)
    return names or list(DEFAULT_MODELS)


def _backtest_cmd(
    file: Path | None = typer.Argument(None, help="With --cv: the DEU-format file."),
    train: Path | None = typer.Option(None, "--train", help="DEU file the ensemble learns from."),
    test: Path | None = typer.Option(None, "--test", help="DEU file every model is scored on."),
    cv: int | None = typer.Option(
        None, "--cv", help="Grouped K-fold cross-validation on FILE (groups = proposals)."
    ),
    json_out: Path | None = typer.Option(None, "--json", help="Write the scores as JSON."),
    predictions: Path | None = typer.Option(
        None, "--predictions", help="Write every issue's forecasts as CSV."
    ),
    model: list[str] = typer.Option(
        None,
        "--model",
        "-m",
        help="Models to score besides the ensemble (repeat or comma-separate; default: "
        + ", ".join(BACKTEST_DEFAULT_MODELS)
        + "; also "
        + ", ".join(_NOT_BY_DEFAULT)
        + ").",
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite existing output files."),
) -> None:
    """Score every model (baselines, nbs, eum, smp, ensemble) on decided EU issues."""
    from detente._atomic import atomic_write_text
    from detente.backtest.run import backtest, cross_validate
    from detente.limits import check_count

    check_count("--cv", cv)
    models = _models(model)
    if cv is not None:
        if train is not None or test is not None:
            raise InputError(
                "give either --cv K FILE or --train and --test, not both",
                field="--cv",
                fix="drop --train/--test, or drop --cv.",
            )
        if file is None:
            raise InputError(
                "--cv needs the file to cross-validate",
                field="FILE",
                fix="write e.g. detente backtest --cv 5 deu3_dev.csv.",
            )
    else:
        if file is not None:
            raise InputError(
                "a file argument needs --cv (or use --train and --test)",
                field="--cv",
                fix="write --cv 5 FILE, or --train TRAIN.csv --test TEST.csv.",
            )
        if train is None or test is None:
            raise InputError(
                "give --train and --test (or --cv K FILE)",
                field="--train" if train is None else "--test",
                fix="write --train TRAIN.csv --test TEST.csv.",
            )
    inputs = [p for p in (file, train, test) if p is not None]
    check_output_paths([json_out, predictions], force=force, inputs=inputs)
    t0 = time.perf_counter()
    if cv is not None:
        assert file is not None
        res = cross_validate(file, folds=cv, models=models)
        title = f"Grouped {cv}-fold cross-validation on {file.name} ({res.n_issues} issues)"
    else:
        assert train is not None and test is not None
        res = backtest(train, test, models=models)
        title = (
            f"Back-test on {test.name} ({res.n_issues} issues); ensemble trained on {train.name}"
        )
    seconds = time.perf_counter() - t0
    console.print(result_table(res, title))
    console.print(
        f"ensemble {res.nominal:.0%} prediction interval: empirical coverage "
        f"{_fmt(100 * res.coverage, 1)}% (on {'held-out folds' if cv else 'the test file'}), "
        f"mean width {_fmt(res.mean_width, 1)}."
    )
    console.print(
        "ensemble settings chosen inside the training issues (penalty C, compromise "
        "weight, interval tail): "
        + "; ".join(
            f"{st['penalty']:g}, {st['compromise_weight']:g}, {st['interval_tail']:g}"
            for st in res.settings
        )
        + "."
    )
    for note in res.notes:
        console.print(f"note: {note}")
    for name, items in res.failures.items():
        console.print(
            f"[yellow]note[/] ({escape(name)}): no forecast on {len(items)} issue(s), "
            f"e.g. {escape(str(items[0]))}",
            markup=True,
        )
    console.print(f"{seconds:.1f} s.")
    if json_out is not None:
        atomic_write_text(json_out, res.to_json())
        console.print(f"wrote {json_out}")
    if predictions is not None:
        atomic_write_text(predictions, res.predictions.to_csv())
        console.print(f"wrote {predictions}")


def register(app: typer.Typer) -> None:
    """Add ``detente backtest`` to the CLI."""
    app.command("backtest")(_backtest_cmd)
