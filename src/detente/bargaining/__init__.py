"""Negotiation forecasting: one interface, several models.

``forecast(scenario, "eum")`` runs one model on one scenario and returns a
:class:`Forecast`; ``forecast_batch`` runs ``R`` variants of a scenario in one vectorised
call.  Models register a :class:`ModelSpec` (see :mod:`detente.bargaining.base`); the
built-in ones are the weighted mean (``mean``), the weighted median (``median``), the
asymmetric Nash bargaining solution (``nbs``), Bueno de Mesquita's expected-utility
model (``eum``), KTAB's Spatial Model of Politics (``smp``) and the exchange model
(``exchange``, Stokman & Van Oosten 1994, as decide computes it).

Uncertainty: :func:`sample_inputs` draws a scenario's inputs from the uncertainties it
states, :func:`forecast_draws` runs models over the draws (chunked, optionally in worker
processes) and :func:`summarize` gives medians and intervals; :func:`sweep` moves one
input at a time and :func:`forecast_sobol` gives Sobol indices of every forecast.
"""

from detente.bargaining import mean, median, nbs  # noqa: F401, I001  (registration order)
from detente.bargaining import eum  # noqa: F401
from detente.bargaining.api import forecast, forecast_batch, scenario_arrays
from detente.bargaining.base import (
    BatchForecast,
    BatchInputs,
    Forecast,
    ModelSpec,
    ParamSpec,
    get_model,
    list_models,
    register,
    resolve_params,
)
from detente.bargaining.draws import DrawForecasts, Threshold, forecast_draws, summarize
from detente.bargaining.sensitivity import ForecastSensitivity, forecast_sobol
from detente.bargaining.smp import model as _smp_model  # noqa: F401  (registers "smp")
from detente.bargaining.exchange import model as _exchange_model  # noqa: F401  (registers "exchange")
from detente.bargaining.sweeps import sweep
from detente.bargaining.uncertainty import UncertainInput, sample_inputs, uncertain_inputs

__all__ = [
    "BatchForecast",
    "BatchInputs",
    "DrawForecasts",
    "Forecast",
    "ForecastSensitivity",
    "ModelSpec",
    "ParamSpec",
    "Threshold",
    "UncertainInput",
    "forecast",
    "forecast_batch",
    "forecast_draws",
    "forecast_sobol",
    "get_model",
    "list_models",
    "register",
    "resolve_params",
    "sample_inputs",
    "scenario_arrays",
    "summarize",
    "sweep",
    "uncertain_inputs",
]
