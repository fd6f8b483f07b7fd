r"""The exchange model of collective decision making (model name ``exchange``).

Stokman & Van Oosten (1994): actors trade voting positions across issues.  On each
issue ``d`` the predicted outcome is the capability x salience weighted mean of the
positions (decide calls it the NBS or MDS),

.. math:: O_d = \frac{\sum_i c_{id} s_{id} x_{id}}{\sum_i c_{id} s_{id}} .

For two issues ``p, q`` actors fall into four groups by their side of ``O_p`` and
``O_q``; an actor left of both can trade with one right of both (and left-of-``p``
right-of-``q`` with the reverse).  Of a pair ``i, j``, the actor with the smaller
salience ratio ``s_p / s_q`` moves on ``q`` (its *supply* issue) towards the other,
which moves on ``p``.  A move ``\Delta x`` of actor ``i`` shifts the outcome by the
*exchange ratio* ``\Delta O = \Delta x\, c_{id} s_{id} / \sum_k c_{kd} s_{kd}``; the
*equal-gain* solution makes both gains equal,

.. math:: s_{jp}\,\Delta O_p - s_{jq}\,\Delta O_q = s_{iq}\,\Delta O_q - s_{ip}\,\Delta O_p ,
          \qquad \Delta O_q = \frac{s_{jp} + s_{ip}}{s_{jq} + s_{iq}}\,\Delta O_p ,

with the larger mover going all the way to its partner's position, the other as far as
the ratio says; no outcome may be pushed past the demander's position (the moves are
then cut back).  Exchanges are executed in order of gain; each executed exchange
changes the candidates that share an actor and issue with it, which are recalculated.
After a round, each actor that moved starts the next round at
``x + (0.1 + 0.4 (1 - s)) (y - x)`` (``y`` its voting position).  The forecast is the
weighted mean of the voting positions after the last round.

*Randomized exchange rates* (REX; Dijkstra, Van Assen, Stokman & Draaijer 2018,
``variant="random_rate"``, parameter ``p``): one side's gain is drawn between its
equal gain and its maximum (or below it), ``eu + p z (eu_{max} - eu)`` or
``eu - p z eu`` with ``z`` uniform, and the partner's move follows.

The implementation reproduces decide 2025.3.1 (Jelmer Draaijer; GPL-3, read for its
behaviour only): its order of candidates, of operations and of recalculations, its
28-digit Decimal arithmetic when it matters (``arithmetic="auto"``), and its quirks
(``rules="decide"``; ``rules="corrected"`` removes the wrong-way REX move and the stale
own position in the outcome cap).  See ``docs/models/exchange.md``.

Public API (for the deal finder and scripts)
--------------------------------------------
:func:`run_exchange` / :class:`ExchangeRun`
    one run: positions by round, outcomes, executed exchanges (decide's columns).
:func:`exchange_round` / :class:`ExchangeRound`
    the candidate exchanges of one round (actors, supply and demand issues, moves
    from -> to on each issue's own scale and on 0-100, each side's gain, the supply
    issue's outcome before/after), the executed ones in order, and the package.
:func:`exchange_round_batch`
    the same over ``BatchInputs`` draws, as one long table with a ``draw`` column.

References
----------
Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions: an
object-oriented model of policy networks. In B. Bueno de Mesquita & F. N. Stokman
(eds), *European Community Decision Making*, 105-127. Yale University Press.

Dijkstra, J., Van Assen, M. A. L. M., Stokman, F. N. & Draaijer, J. (2018).
Randomized exchange rates in the exchange model of collective decision making.
"""

from detente.bargaining.exchange.deals import ExchangeRound, exchange_round, exchange_round_batch
from detente.bargaining.exchange.engine import (
    ExchangeRun,
    problem_from_arrays,
    run_batch,
    run_exchange,
)

__all__ = [
    "ExchangeRound",
    "ExchangeRun",
    "exchange_round",
    "exchange_round_batch",
    "problem_from_arrays",
    "run_batch",
    "run_exchange",
]
