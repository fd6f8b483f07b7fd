r"""The deal finder: which exchanges of concessions pay for both sides.

Built on the exchange model (:mod:`detente.bargaining.exchange`, Stokman & Van Oosten
1994, as decide computes it).  A *deal* is an exchange the model executes in its first
round, the classic one-shot exchange-model forecast: actor ``a`` moves its voting
position on issue ``q`` towards actor ``b``'s, and ``b`` moves on issue ``p`` towards
``a``'s.  All positions are rescaled to 0-100 and saliences to 0-1, as the model does.

Forecast and shifts
    The forecast of issue ``d`` is the capability x salience weighted mean of the voting
    positions, :math:`O_d = \sum_i c_{id} s_{id} x_{id} / \sum_i c_{id} s_{id}`, so a
    move :math:`\Delta x_{ad}` shifts it by
    :math:`\Delta O_d = \Delta x_{ad}\, c_{ad} s_{ad} / \sum_i c_{id} s_{id}` whatever
    the others do.  A deal's shifts of its two issues are reported on each issue's own
    scale; the *package* is all the round's deals executed, in order, and its shift of
    each issue is the sum of its deals' shifts (the round's voting positions).

Gains
    An actor's utility is the salience-weighted closeness of the forecasts to its
    position at the start of the round, :math:`u_i = -\sum_d s_{id} |\hat x_{id} - O_d|`
    (0-100 scale, saliences 0-1).  A deal's gain for a side is the change in its
    utility when the deal's two moves are made to the forecasts as they stand when
    the deal is executed,

    .. math:: g_a = \sum_{d \in \{p, q\}} s_{ad}\,\bigl(|\hat x_{ad} - O_d|
              - |\hat x_{ad} - O_d - \Delta O_d|\bigr),

    which for an exchange of the equal-gain model equals the model's own gain for both
    sides: :math:`s_{ap}\Delta O_p - s_{aq}\Delta O_q` (the outcome of the supply issue
    moves away from ``a``, that of the demand issue towards it).  A deal is *mutually
    beneficial* when both gains are positive.  An actor's gain from the package is
    :math:`u_i` after minus before; a side's gain (``--between``) is the sum of its
    members' gains, every member counted whether or not it trades.

Sides
    :func:`find_deals` with ``sides`` restricts the search itself to exchanges with one
    actor on each side (the kernel's pair mask), so the package is what the two sides
    can agree among themselves while everyone else's stance still counts in the
    forecasts.

Robust deals
    :func:`robust_deals` re-runs the (restricted) search on every draw of the
    scenario's stated input uncertainty (:func:`detente.bargaining.sample_inputs`).  In
    each draw a deal is identified by its actors and the issue each of them moves on;
    it *holds* when the model offers that exchange at the start of the round and it is
    mutually beneficial there (its gains computed as above, on the draw's positions and
    saliences, with the forecasts at the start of the round).  Reported per deal: the
    share of draws in which it holds, the share in which the model also executes it,
    and the 5th, 50th and 95th percentiles of each side's gain over the draws in which
    it holds; a deal that holds in fewer than half of the draws holds at the point
    estimate only and is flagged ``point_only``.  The package: the share of draws in
    which every side (or, without sides, every actor that trades in the point package)
    gains from that draw's package, the percentiles of each side's gain over all draws,
    and the mean share of the point package's deals that the draw's package executes.

Rival bids
    :func:`rival_bids`: for each deal and each of its two actors (the *partner*), the
    best competing offer a third actor makes that partner at the start of the round on
    the same issues (the partner moving on the same issue and getting a move on the
    other; e.g. Russia offering Türkiye what Europe offers, from the unrestricted
    search).  Offers are compared as the model first calculates them, before any
    exchange is executed: the partner's gain from the rival's offer minus its gain from
    the deal's offer is the *margin*; a positive margin means the rival outbids the
    deal.  With sides, rivals are the actors outside the deal's other side.

References
----------
Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions: an
object-oriented model of policy networks. In B. Bueno de Mesquita & F. N. Stokman
(eds), *European Community Decision Making*, 105-127. Yale University Press.
"""

from detente.bargaining.deals._common import (
    DEAL_COLUMNS,
    MIN_SHARE,
    QUANTILES,
    RIVAL_COLUMNS,
    ROBUST_COLUMNS,
)
from detente.bargaining.deals.rivals import rival_bids
from detente.bargaining.deals.robust import Robustness, robust_deals
from detente.bargaining.deals.search import DealSet, find_deals
from detente.bargaining.deals.sides import Sides, pair_mask, resolve_sides, scenario_sides

__all__ = [
    "DEAL_COLUMNS",
    "MIN_SHARE",
    "QUANTILES",
    "RIVAL_COLUMNS",
    "ROBUST_COLUMNS",
    "DealSet",
    "Robustness",
    "Sides",
    "find_deals",
    "pair_mask",
    "resolve_sides",
    "rival_bids",
    "robust_deals",
    "scenario_sides",
]
