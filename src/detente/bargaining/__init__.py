"""Negotiation forecasting: one interface, several models.

``forecast(scenario, "eum")`` runs one model on one scenario and returns a
:class:`Forecast`; ``forecast_batch`` runs ``R`` variants of a scenario in one vectorised
call.  Models register a :class:`ModelSpec` (see :mod:`detente.bargaining.base`); the
built-in ones are the weighted mean (``mean``), the weighted median (``median``), the
asymmetric Nash bargaining solution (``nbs``), Bueno de Mesquita's expected-utility
model (``eum``) and KTAB's Spatial Model of Politics (``smp``).
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
from detente.bargaining.smp import model as _smp_model  # noqa: F401  (registers "smp")

__all__ = [
    "BatchForecast",
    "BatchInputs",
    "Forecast",
    "ModelSpec",
    "ParamSpec",
    "forecast",
    "forecast_batch",
    "get_model",
    "list_models",
    "register",
    "resolve_params",
    "scenario_arrays",
]
