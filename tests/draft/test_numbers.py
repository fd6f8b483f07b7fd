"""Numbers, units, relations, years and ranks in prose."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.draft.numbers import quantities, rank_in, years_in


def _one(sentence: str) -> tuple[float, str, str]:
    (q,) = quantities(sentence)
    return q.value, q.unit, q.relation


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("exports exceeds 7 billion dollars", (7, "billion US$", ">")),
        ("it spent $916bn on its military", (916, "billion US$", "=")),
        ("a budget of €2.5 billion", (2.5, "billion EUR", "=")),
        ("with around 402,000 soldiers", (402000, "persons", "~")),
        ("some 3.2 million refugees", (3.2, "million persons", "~")),
        ("about a million refugees", (1e6, "persons", "~")),
        ("more than 3 percent of its GDP", (3, "percent of GDP", ">")),
        ("at least 2 per cent", (2, "percent", ">=")),
        ("have not even reached the threshold of 2%", (2, "percent", "<")),
        ("fewer than 40,000 troops", (40000, "persons", "<")),
        ("increased the budget with 44 % in 2024", (44, "percent", "=")),
    ],
)
def test_quantities(sentence: str, expected: tuple[float, str, str]) -> None:
    assert _one(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "In 2023, the United Kingdom signed an agreement.",
        "Europe can approach this problem in two ways.",
        "First, this would require resources.",
        "The war began on 24 February 2022.",
        "The talks lasted three days.",
    ],
)
def test_no_quantity(sentence: str) -> None:
    assert quantities(sentence) == []


def test_counts_and_years_and_ranks() -> None:
    (count, share) = quantities("Seven European members of NATO have not reached 2%.")
    assert (count.value, count.unit, count.noun) == (7, "states", "members")
    assert (share.value, share.relation) == (2, "<")
    assert years_in("In 2024, up from 2014, by 2030") == [
        (2024, "in"),
        (2014, "from"),
        (2030, "by"),
    ]
    r = rank_in("As the second largest NATO army")
    assert r is not None and (r.position, r.order) == (2, "largest")
    assert rank_in("one of the highest rates in NATO") is None
    r = rank_in("Spain has the lowest share")
    assert r is not None and (r.position, r.order) == (1, "smallest")


@given(st.integers(1000, 10**9))
def test_grouped_numbers_read_back(n: int) -> None:
    assert _one(f"it has {n:,} soldiers") == (n, "persons", "=")


@given(st.floats(0.1, 99.9).map(lambda x: round(x, 2)))
def test_percentages_read_back(x: float) -> None:
    assert _one(f"spends {x}% of GDP on defence") == (x, "percent of GDP", "=")
