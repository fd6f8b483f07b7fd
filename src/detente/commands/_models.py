"""Which models a command runs, and their ``--param`` values (shared by the commands)."""

from __future__ import annotations

from collections.abc import Sequence

from detente.errors import InputError, Problem

__all__ = ["select_models", "split_params"]


def select_models(items: Sequence[str] | None) -> list[str]:
    """Model names from ``--model`` values (repeatable, comma-separated, ``all``).

    Raises
    ------
    InputError
        For an unknown model name (close matches are suggested).
    """
    from detente.bargaining import get_model, list_models

    names: list[str] = []
    for item in items or ["all"]:
        for part in item.split(","):
            key = part.strip().lower()
            if not key:
                continue
            chosen = list_models() if key == "all" else [get_model(key).name]
            names += [c for c in chosen if c not in names]
    if not names:
        raise InputError("no model chosen", field="--model", fix="e.g. --model eum.")
    return names


def split_params(models: Sequence[str], raw: dict[str, str]) -> dict[str, dict[str, str]]:
    """Route ``--param`` values to models.

    ``model.key=value`` goes to that model; a bare ``key=value`` goes to every chosen
    model that has a parameter of that name.

    Raises
    ------
    InputError
        If a key names no parameter of any chosen model, or a model not chosen, or a
        value does not fit its parameter (each problem's field is ``--param ...``).
    """
    from detente.bargaining import get_model, list_models
    from detente.bargaining.base import resolve_params

    out: dict[str, dict[str, str]] = {m: {} for m in models}
    for key, value in raw.items():
        head, dot, tail = key.partition(".")
        if dot and head.lower() in {m.lower() for m in list_models()}:
            name = get_model(head).name
            if name not in out:
                raise InputError(
                    f"--param {key}: model {name!r} is not among the chosen models",
                    field="--param",
                    fix=f"add --model {name}, or drop the parameter.",
                )
            out[name][tail] = value
            continue
        takers = [
            m for m in models if any(p.name.lower() == key.lower() for p in get_model(m).params)
        ]
        if not takers:
            known = sorted({p.name for m in models for p in get_model(m).params})
            raise InputError(
                f"--param {key}: no chosen model has a parameter {key!r}",
                field="--param",
                fix=f"parameters of the chosen models: {', '.join(known) or 'none'}; "
                "write MODEL.KEY=VALUE to aim at one model.",
            )
        for m in takers:
            out[m][key] = value
    problems: list[Problem] = []
    for m, values in out.items():
        try:
            resolve_params(get_model(m), values)
        except InputError as err:
            problems += [
                Problem(p.message, field=f"--param {p.field or m}", fix=p.fix) for p in err.problems
            ]
    if problems:
        raise InputError(problems)
    return out
