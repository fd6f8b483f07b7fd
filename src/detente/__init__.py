"""detente: explicit, data-grounded models of geopolitical bargaining.

The package has one subpackage per part:

* :mod:`detente.scenario` -- the scenario schema and its file formats;
* :mod:`detente.data` -- the shipped datasets and their query API;
* :mod:`detente.bargaining` -- negotiation forecasting models;
* :mod:`detente.explore` -- the generic exploratory-modelling engine;
* :mod:`detente.partnership` -- the partnership strategy model;
* :mod:`detente.report` -- reports and the results store.
"""

from detente._version import __version__

__all__ = ["__version__"]
