"""Membership of NATO and the EU over time, from accession (and withdrawal) dates.

``members("NATO", 2024)`` lists the members at the end of 2024 -- the convention of
NATO's own tables, whose aggregates include an Ally from the year it joined (Sweden,
7 March 2024, counts for 2024).  A :class:`datetime.date` gives membership on that day.

Sources: NATO, "Member countries" (nato.int, accession dates of the 32 Allies);
European Union, "Country profiles" (europa.eu) and the Withdrawal Agreement (the
United Kingdom left on 31 January 2020).  The EU's dates are those of the European
Economic Community from 1958; West Germany's memberships are Germany's (``DEU``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from detente.errors import InputError

__all__ = ["ACCESSIONS", "GROUPS", "WITHDRAWALS", "members"]

_D = dt.date


def _group(*spec: tuple[dt.date, str]) -> dict[str, dt.date]:
    out: dict[str, dt.date] = {}
    for day, codes in spec:
        for code in codes.split():
            out[code] = day
    return out


#: Accession dates by group and member.
ACCESSIONS: Mapping[str, Mapping[str, dt.date]] = {
    "NATO": _group(
        (_D(1949, 4, 4), "BEL CAN DNK FRA ISL ITA LUX NLD NOR PRT GBR USA"),
        (_D(1952, 2, 18), "GRC TUR"),
        (_D(1955, 5, 6), "DEU"),
        (_D(1982, 5, 30), "ESP"),
        (_D(1999, 3, 12), "CZE HUN POL"),
        (_D(2004, 3, 29), "BGR EST LVA LTU ROU SVK SVN"),
        (_D(2009, 4, 1), "ALB HRV"),
        (_D(2017, 6, 5), "MNE"),
        (_D(2020, 3, 27), "MKD"),
        (_D(2023, 4, 4), "FIN"),
        (_D(2024, 3, 7), "SWE"),
    ),
    "EU": _group(
        (_D(1958, 1, 1), "BEL FRA DEU ITA LUX NLD"),
        (_D(1973, 1, 1), "DNK IRL GBR"),
        (_D(1981, 1, 1), "GRC"),
        (_D(1986, 1, 1), "ESP PRT"),
        (_D(1995, 1, 1), "AUT FIN SWE"),
        (_D(2004, 5, 1), "CYP CZE EST HUN LVA LTU MLT POL SVK SVN"),
        (_D(2007, 1, 1), "BGR ROU"),
        (_D(2013, 7, 1), "HRV"),
    ),
}

#: Withdrawal dates (the first day a state is no longer a member).
WITHDRAWALS: Mapping[str, Mapping[str, dt.date]] = {
    "NATO": {},
    "EU": {"GBR": _D(2020, 2, 1)},
}

#: Group names accepted by :func:`members` (case-insensitive) and what they mean.
GROUPS: Mapping[str, str] = {
    "NATO": "members of NATO",
    "NATO-Europe": "European members of NATO (NATO without the United States and Canada)",
    "EU": "members of the European Union (EEC/EC before 1993)",
}

_NORTH_AMERICA = frozenset({"USA", "CAN"})


def members(group: str, when: int | dt.date) -> list[str]:
    """Members of a group in a year (at its end) or on a day.

    Parameters
    ----------
    group
        ``"NATO"``, ``"EU"`` or ``"NATO-Europe"`` (case-insensitive).
    when
        A year (membership on 31 December of that year) or a date.

    Returns
    -------
    list of str
        Canonical codes, sorted.

    Raises
    ------
    InputError
        For an unknown group.

    Examples
    --------
    >>> len(members("NATO", 2024)), len(members("EU", 2020))
    (32, 27)
    """
    key = {g.lower(): g for g in GROUPS}.get(group.strip().lower())
    if key is None:
        raise InputError(
            f"unknown group {group!r}",
            field="group",
            fix=f"use one of {', '.join(GROUPS)}.",
        )
    day = when if isinstance(when, dt.date) else dt.date(int(when), 12, 31)
    base = "NATO" if key == "NATO-Europe" else key
    gone = WITHDRAWALS[base]
    out = [
        code
        for code, joined in ACCESSIONS[base].items()
        if joined <= day and not (code in gone and gone[code] <= day)
    ]
    if key == "NATO-Europe":
        out = [c for c in out if c not in _NORTH_AMERICA]
    return sorted(out)
