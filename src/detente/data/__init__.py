"""Real data inside: defence, economy, alignment and refugee datasets, with provenance.

detente ships eight public datasets as tidy Parquet, joined on one country identity
(:mod:`detente.data.identity`), and answers questions about them in milliseconds with
an embedded DuckDB (:mod:`detente.data.store`) -- no server, no network:

* NATO, *Defence Expenditure of NATO Countries (2014-2024)*, June 2024 (``nato.*``);
* SIPRI military expenditure and arms transfers (``sipri.*``): a small extract ships,
  the full databases come from the user's own download (``detente data import``);
* Correlates of War NMC v7.0 (``cow.*``) and ATOP v5.1 (``atop.*``, ``alliances``);
* World Bank WDI GDP and population (``wdi.*``);
* UNHCR refugee statistics (``unhcr.*``, ``refugee_flows``);
* UNGA ideal points and roll-call votes (``unga.*``, ``unga_votes``).

Quick start::

    from detente import data
    data.indicator("nato.defence_share_gdp", years=2024)
    data.members("NATO-Europe", 2024)
    data.nato_gap(2024)
    data.coalition("NATO-Europe", "nato.defence_usd_current", 2024, exclude=["TUR"])
    data.alignment("TUR", "USA")
    data.sources()
"""

from detente.data.capabilities import (
    COMPOSITES,
    capability_table,
    resolve_capabilities,
    resolve_reference,
)
from detente.data.catalog import INDICATORS, IndicatorSpec
from detente.data.claims import ClaimCheck, check_claim, check_claims, claims_frame
from detente.data.derived import CoalitionCapability, alignment, coalition, nato_gap
from detente.data.groups import GROUPS, members
from detente.data.identity import country_name, resolve_countries
from detente.data.importers import ImportResult, import_sipri_arms, import_sipri_milex, sources
from detente.data.provenance import Provenance
from detente.data.store import (
    DataWarning,
    coverage,
    get_store,
    indicator,
    list_indicators,
    query,
    reset_store,
)

__all__ = [
    "COMPOSITES",
    "GROUPS",
    "INDICATORS",
    "ClaimCheck",
    "CoalitionCapability",
    "DataWarning",
    "ImportResult",
    "IndicatorSpec",
    "Provenance",
    "alignment",
    "capability_table",
    "check_claim",
    "check_claims",
    "claims_frame",
    "coalition",
    "country_name",
    "coverage",
    "get_store",
    "import_sipri_arms",
    "import_sipri_milex",
    "indicator",
    "list_indicators",
    "members",
    "nato_gap",
    "query",
    "reset_store",
    "resolve_capabilities",
    "resolve_countries",
    "resolve_reference",
    "sources",
]
