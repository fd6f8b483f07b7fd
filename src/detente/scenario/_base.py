"""The base of every scenario schema class: strict fields, located fixes, valid ids.

:class:`_Model` forbids unknown fields, refuses true/false for numbers and text, and
refuses control characters; :func:`invalid` raises a validation error that carries
its fix, which :mod:`detente.scenario._build` reports with the field's line.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

__all__ = ["Id", "check_id", "invalid", "not_blank"]

#: Characters no text field may hold: C0 controls other than tab, LF and CR, DEL and
#: the C1 controls (U+007F-U+009F; U+009B starts a terminal escape), and the
#: non-characters U+FFFE and U+FFFF (none belongs in a name, and XML cannot hold most).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")

#: Characters allowed in ids.  Ids appear in CSV cells, CLI options and file names,
#: so they may not contain commas, quotes, control characters or surrounding spaces.
_ID = re.compile(r"^[^\s,\"'<>\x7f-\x9f][^,\"'<>\x00-\x1f\x7f-\x9f]*(?<!\s)$")

Id = Annotated[str, Field(min_length=1, max_length=80)]


def invalid(message: str, fix: str) -> PydanticCustomError:
    """A validation error that carries its fix (``scenario._build`` reports both).

    Parameters
    ----------
    message
        What is wrong.
    fix
        What the user can do about it.

    Returns
    -------
    pydantic_core.PydanticCustomError
        To be raised inside a pydantic validator.
    """
    return PydanticCustomError("invalid", message.replace("{", "(").replace("}", ")"), {"fix": fix})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_default=True)

    @field_validator("*", mode="before")
    @classmethod
    def _plain_values(cls, v: Any) -> Any:
        # pydantic reads true as 1.0 for a number field; no scenario field is a switch
        if isinstance(v, bool):
            raise invalid(
                f"{str(v).lower()} is a true/false value, not a number or text",
                "write a number (e.g. 42) or text in quotes.",
            )
        # control characters cannot be written to KTAB XML or DEU tables, and make
        # any text file look binary
        if isinstance(v, str):
            bad = _CONTROL.search(v)
            if bad is not None:
                raise invalid(
                    f"the text contains the control character U+{ord(bad.group()):04X}",
                    "remove it (tabs and line breaks are allowed).",
                )
        return v


def check_id(value: str) -> str:
    """``value`` if it is a valid id (no commas, quotes, brackets or control characters)."""
    if not _ID.match(value):
        raise invalid(
            f"{value!r} is not a valid id: ids may not contain commas, quotes, angle "
            "brackets or control characters, and may not start or end with a space",
            "use letters, digits, '_', '-' or '.', e.g. \"TUR\" or \"troops_2025\".",
        )
    return value


def not_blank(value: str) -> str:
    """``value``, unless it is made of spaces only (an empty one means "not given")."""
    if value and not value.strip():
        raise invalid(
            "the text is blank (only spaces)",
            "write the name, or leave the field out (the id is used then).",
        )
    return value
