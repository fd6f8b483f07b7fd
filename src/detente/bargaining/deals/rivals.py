"""Rival bids: the best competing offer a third actor makes a deal's partner."""

from __future__ import annotations

import pandas as pd

from detente.bargaining.deals._common import GAIN_EPS, RIVAL_COLUMNS
from detente.bargaining.deals.search import DealSet

__all__ = ["rival_bids"]


def rival_bids(found: DealSet) -> pd.DataFrame:
    """The best competing offer a third actor makes each deal's partners.

    For every deal and each of its two actors (the *partner*): among the offers of the
    unrestricted first round (:attr:`DealSet.offers`) in which the partner moves on the
    same issue as in the deal and gets a move on the deal's other issue, from an actor
    other than the two (with sides: outside the deal's other side), the one with the
    largest gain for the partner.

    Returns
    -------
    pandas.DataFrame
        :data:`RIVAL_COLUMNS`, two rows per deal (partner ``a`` first): ``offer_gain``
        the partner's gain from the deal as first offered (NaN if the unrestricted
        search does not offer it), ``rival`` ("" if no third actor makes such an offer),
        the rival's move on ``partner_gets`` (``rival_from`` -> ``rival_to``), the
        partner's move in the rival's offer, ``rival_gain``, ``margin = rival_gain -
        offer_gain`` and ``outbid`` (margin > 0).
    """
    offers = found.offers
    # each offer seen from each of its two actors
    cols = ["partner", "partner_issue", "partner_gets", "other", "p_from", "p_to", "o_from"]
    cols += ["o_to", "p_gain"]
    views = []
    for me, you in (("i", "j"), ("j", "i")):
        views.append(
            pd.DataFrame(
                {
                    "partner": offers[f"{me}_actor"],
                    "partner_issue": offers[f"{me}_issue"],
                    "partner_gets": offers[f"{you}_issue"],
                    "other": offers[f"{you}_actor"],
                    "p_from": offers[f"{me}_from"],
                    "p_to": offers[f"{me}_to"],
                    "o_from": offers[f"{you}_from"],
                    "o_to": offers[f"{you}_to"],
                    "p_gain": offers[f"{me}_gain"],
                },
                columns=cols,
            )
        )
    seen = pd.concat(views, ignore_index=True)
    deals = found.deals
    want = []
    for me, you in (("a", "b"), ("b", "a")):
        want.append(
            pd.DataFrame(
                {
                    "deal": deals["deal"],
                    "role": 0 if me == "a" else 1,
                    "partner": deals[f"{me}_actor"],
                    "partner_issue": deals[f"{me}_issue"],
                    "partner_gets": deals[f"{you}_issue"],
                    "dealer": deals[f"{you}_actor"],
                }
            )
        )
    asked = pd.concat(want, ignore_index=True)
    if asked.empty:
        return pd.DataFrame({c: [] for c in RIVAL_COLUMNS})
    keys = ["partner", "partner_issue", "partner_gets"]
    merged = asked.merge(seen, on=keys, how="left")
    own = merged["other"] == merged["dealer"]
    offer_gain = merged[own].set_index(["deal", "role"])["p_gain"]
    excluded = merged["other"].isna() | own | (merged["other"] == merged["partner"])
    if found.sides is not None:
        side_of = {a: n for n, m in enumerate(found.sides.members) for a in m}
        dealer_side = merged["dealer"].map(side_of)
        other_side = merged["other"].map(side_of)
        excluded |= dealer_side.notna() & (other_side == dealer_side)
    rivals = merged[~excluded]
    if len(rivals):
        rivals = rivals.loc[rivals.groupby(["deal", "role"])["p_gain"].idxmax()]
    best = rivals
    best = best.set_index(["deal", "role"])
    out = asked.set_index(["deal", "role"])
    out["offer_gain"] = offer_gain.reindex(out.index)
    for src, dst in (
        ("other", "rival"),
        ("o_from", "rival_from"),
        ("o_to", "rival_to"),
        ("p_from", "partner_from"),
        ("p_to", "partner_to"),
        ("p_gain", "rival_gain"),
    ):
        out[dst] = best[src].reindex(out.index)
    out["rival"] = out["rival"].fillna("").astype(str)
    out["margin"] = out["rival_gain"] - out["offer_gain"]
    out["outbid"] = (out["margin"] > GAIN_EPS).fillna(False).astype(bool)
    out = out.reset_index().sort_values(["deal", "role"], kind="stable").reset_index(drop=True)
    return out[list(RIVAL_COLUMNS)]
