"""Where the flagship example lives: in a source checkout, or inside an installed wheel.

``examples/europe_turkey.toml`` is the one copy; the wheel carries it as
``detente/examples/europe_turkey.toml`` (``[tool.hatch.build.targets.wheel.force-include]``
in ``pyproject.toml``), so ``detente data check-claims`` works after ``pip install``.
"""

from __future__ import annotations

from pathlib import Path

from detente.errors import InputError

__all__ = ["EXAMPLE", "example_path"]

#: The flagship example's file name.
EXAMPLE = "europe_turkey.toml"


def example_path(name: str = EXAMPLE) -> Path:
    """The path of a shipped example scenario.

    Parameters
    ----------
    name
        Its file name (default: the flagship Europe–Türkiye case).

    Returns
    -------
    Path

    Raises
    ------
    InputError
        When neither the installed package nor a source checkout holds it.
    """
    here = Path(__file__).resolve()
    candidates = [here.parent.parent / "examples" / name]
    candidates += [parent / "examples" / name for parent in here.parents]
    for path in candidates:
        if path.is_file():
            return path
    raise InputError(
        f"the example {name!r} is not installed",
        fix="run from a detente source checkout, or reinstall detente.",
    )
