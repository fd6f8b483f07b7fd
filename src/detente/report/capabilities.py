"""Section 2: capabilities, from the data shipped with detente.

Every panel is driven by the scenario's countries (state actors and the members of
bloc actors), so it works for any scenario:

* the actors' capabilities as the models use them;
* defence spending as a share of GDP for NATO allies against the 2% guideline (when
  the scenario involves a NATO ally), European allies below it named;
* military personnel, ranked (NATO allies; otherwise the scenario's states from COW);
* European NATO with and without the scenario's *partner* on several indicators;
* the partner's arms exports over time (SIPRI TIV);
* refugees hosted by the scenario's states (UNHCR);
* UN General Assembly ideal points of the scenario's states over time, and the
  partner's vote agreement with each of them.

The *partner* is a European NATO ally that the scenario models apart from the bloc it
would join: a state actor in NATO-Europe whose ``group`` differs from the scenario's
largest group (Türkiye in the Europe–Türkiye example).  Without groups, the three
largest European-NATO state actors by capability are compared instead.

A panel whose data is missing for the scenario says so instead of failing.
"""

from __future__ import annotations

import importlib
import math
import warnings
from collections import Counter
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pandas as pd

from detente.report import charts
from detente.report.figures import Figure, Finding, Panel, Section
from detente.scenario import ActorKind, Scenario

__all__ = ["Countries", "capabilities_section", "load_data_layer", "partner_candidates"]

#: UNGA ideal points are drawn from this year on (the post-Cold War period).
UNGA_FROM = 1991
#: Indicators compared for European NATO with and without the partner.
COALITION_INDICATORS = (
    ("nato.defence_usd_current", "defence spending (NATO)"),
    ("nato.military_personnel", "military personnel (NATO)"),
    ("nato.gdp_usd_current", "GDP (NATO)"),
    ("cow.cinc", "composite capability index (COW CINC)"),
    ("wdi.population", "population (World Bank)"),
)


def load_data_layer() -> ModuleType | None:
    """``detente.data`` if it is installed, else ``None``."""
    try:
        return importlib.import_module("detente.data")
    except ImportError:
        return None


@dataclass
class Countries:
    """The scenario's countries: state actors and bloc members, and the partner(s)."""

    states: dict[str, str] = field(default_factory=dict)  # iso3 -> actor id
    blocs: dict[str, list[str]] = field(default_factory=dict)  # actor id -> member iso3s
    partners: list[str] = field(default_factory=list)  # iso3

    @property
    def all_codes(self) -> list[str]:
        """Every country of the scenario (states first, then bloc members)."""
        out = list(self.states)
        for members in self.blocs.values():
            out += [m for m in members if m not in out]
        return out


def partner_candidates(scenario: Scenario, nato_europe: set[str]) -> list[str]:
    """ISO3 codes of the scenario's partner(s): see the module docstring."""
    states = [a for a in scenario.actors if a.kind is ActorKind.STATE and a.iso3 in nato_europe]
    groups = Counter(a.group for a in scenario.actors if a.group)
    if groups:
        largest = groups.most_common(1)[0][0]
        return [str(a.iso3) for a in states if a.group != largest]
    ranked = sorted(states, key=lambda a: -(a.capability_value or 0.0))
    return [str(a.iso3) for a in ranked[:3]]


def _quiet(fn: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _latest_year(data: ModuleType, name: str) -> int:
    return int(_quiet(data.coverage, name)[1])


def _name(data: ModuleType, iso3: str) -> str:
    try:
        return str(data.country_name(iso3))
    except Exception:  # a code the identity table does not know
        return iso3


def _capability_panel(scenario: Scenario) -> tuple[Panel, list[Finding]]:
    rows = []
    for a in scenario.actors:
        v = a.capability_value
        rows.append(
            {
                "actor": a.id,
                "name": a.name,
                "capability": math.nan if v is None else float(v),
                "unit": a.resolved.unit if a.resolved is not None else "",
                "from": a.capability.describe() if hasattr(a.capability, "describe") else "given",
                "highlight": False,
            }
        )
    df = pd.DataFrame(rows)
    if df["capability"].isna().all():
        return (
            Panel.missing(
                "actor_capabilities",
                "Capabilities used by the models",
                "The actors' capabilities are data references that could not be resolved "
                "(the data layer is not available).",
            ),
            [],
        )
    total = df["capability"].sum()
    df["share"] = df["capability"] / total
    fig = Figure(
        id="actor_capabilities",
        title="Capabilities used by the models",
        caption="Each actor's capability (the weight it brings to the bargaining), as "
        "given in the scenario or resolved from data, and its share of the total.",
        table=df,
        spec=charts.ranked_bars(
            df,
            value="capability",
            label="actor",
            highlight="highlight",
            value_title="capability" + (f" ({df['unit'].iloc[0]})" if df["unit"].iloc[0] else ""),
            fmt=",.4g",
        ),
        source="the scenario file and detente's data",
    )
    top = df.sort_values("capability", ascending=False).iloc[0]
    findings = [
        Finding(
            f"By the capabilities the models use, {top['name']} carries the largest weight "
            f"({top['share']:.0%} of the total across the {len(df)} actors).",
            fig.id,
            "capabilities",
            1.0,
        )
    ]
    return Panel(id="actor_capabilities", title=fig.title, figures=[fig]), findings


def _nato_panel(data: ModuleType, c: Countries) -> tuple[Panel, list[Finding]]:
    title = "Defence spending against NATO's 2% guideline"
    year = _latest_year(data, "nato.defence_share_gdp")
    nato = set(data.members("NATO", year))
    if not nato & set(c.all_codes):
        return (
            Panel.missing(
                "nato_two_percent",
                title,
                f"No country of this scenario is a NATO ally in {year}; NATO's "
                "defence-expenditure figures do not apply.",
            ),
            [],
        )
    europe = set(data.members("NATO-Europe", year))
    gap = _quiet(data.nato_gap, year)
    df = gap[["iso3", "country", "share_gdp", "gap_pp", "below"]].copy()
    df["european"] = df["iso3"].isin(europe)
    df["in_scenario"] = df["iso3"].isin(set(c.all_codes))
    df["status"] = [
        "European ally below 2%"
        if (b and e)
        else ("ally below 2%, not European" if b else "at or above 2%")
        for b, e in zip(df["below"], df["european"], strict=True)
    ]
    df["label"] = [
        f"{s:.2f}" if b else "" for s, b in zip(df["share_gdp"], df["below"], strict=True)
    ]
    df["year"] = year
    fig = Figure(
        id="nato_two_percent",
        title=f"Defence spending, % of GDP, NATO allies, {year}",
        caption="Share of GDP spent on defence by each ally (NATO estimates for the "
        "latest years); the dashed line is the 2% guideline. Red: European allies below "
        "it (values written); grey: others below it.",
        table=df,
        spec=charts.threshold_bars(
            df,
            value="share_gdp",
            label="country",
            status="status",
            threshold=2.0,
            value_title="defence spending, % of GDP",
            annotate="label",
        ),
        source="NATO, Defence Expenditure of NATO Countries (2014-2024), Table 3",
    )
    below = df[df["below"] & df["european"]].sort_values("share_gdp")
    others = df[df["below"] & ~df["european"]]
    text = (
        f"In {year} (NATO estimates), {len(below)} European allies spent less than 2% of "
        "GDP on defence: "
        + ", ".join(f"{r.country} {r.share_gdp:.2f}%" for r in below.itertuples())
        + "."
    )
    if len(others):
        text += (
            " Also below, but not European: "
            + ", ".join(f"{r.country} {r.share_gdp:.2f}%" for r in others.itertuples())
            + "."
        )
    at_or_above = int((~df["below"]).sum())
    text += f" {at_or_above} of the {len(df)} allies with a figure are at or above 2%."
    return (
        Panel(id="nato_two_percent", title=title, figures=[fig]),
        [Finding(text, fig.id, "capabilities", 3.0)],
    )


def _personnel_panel(data: ModuleType, c: Countries) -> tuple[Panel, list[Finding]]:
    title = "Military personnel"
    year = _latest_year(data, "nato.military_personnel")
    nato = data.members("NATO", year)
    if set(nato) & set(c.all_codes):
        df = _quiet(data.indicator, "nato.military_personnel", nato, year)
        source = "NATO, Defence Expenditure of NATO Countries (2014-2024), Table 7"
        scope = f"NATO allies, {year}"
    else:
        if not c.states:
            return Panel.missing(
                "military_personnel", title, "The scenario has no state actor."
            ), []
        year = _latest_year(data, "cow.milper")
        df = _quiet(data.indicator, "cow.milper", list(c.states), year)
        source = "Correlates of War, National Material Capabilities v7.0 (milper)"
        scope = f"the scenario's states, {year}"
    if df.empty:
        return Panel.missing(
            "military_personnel", title, "No personnel data for these countries."
        ), []
    df = df[["iso3", "country", "year", "value", "unit"]].sort_values("value", ascending=False)
    df = df.reset_index(drop=True)
    df["rank"] = range(1, len(df) + 1)
    df["highlight"] = df["iso3"].isin(set(c.partners) or set(c.states))
    fig = Figure(
        id="military_personnel",
        title=f"Military personnel, {scope} (thousands)",
        caption="Active military personnel, ranked. Red: "
        + ("the scenario's partner." if c.partners else "the scenario's states."),
        table=df,
        spec=charts.ranked_bars(
            df,
            value="value",
            label="country",
            highlight="highlight",
            value_title="thousand military personnel",
        ),
        source=source,
    )
    findings = []
    for iso in c.partners or []:
        hit = df[df["iso3"] == iso]
        if hit.empty:
            continue
        r = hit.iloc[0]
        lead = df.iloc[0]
        where = "largest" if r["rank"] == 1 else f"{_ordinal(int(r['rank']))}-largest"
        text = (
            f"{r['country']} has the {where} military personnel among {scope.split(',')[0]}: "
            f"{r['value']:,.1f} thousand in {year}"
        )
        if r["rank"] > 1:
            text += f", after {lead['country']} ({lead['value']:,.1f} thousand)"
        findings.append(Finding(text + ".", fig.id, "capabilities", 2.5))
    return Panel(id="military_personnel", title=title, figures=[fig]), findings


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }".replace(" ", "")


def _coalition_panel(data: ModuleType, c: Countries) -> tuple[Panel, list[Finding]]:
    title = "European NATO with and without the partner"
    if not c.partners:
        return (
            Panel.missing(
                "coalition",
                title,
                "The scenario has no European NATO ally modelled apart from the bloc it "
                "would join, so there is no partner to add or remove.",
            ),
            [],
        )
    names = [_name(data, p) for p in c.partners]
    rows: list[dict[str, Any]] = []
    for ind, label in COALITION_INDICATORS:
        try:
            year = _latest_year(data, ind)
            with_p = _quiet(data.coalition, "NATO-Europe", ind, year, reference="NATO")
        except Exception as err:  # an indicator without data for these years
            rows.append({"indicator": label, "note": str(err)})
            continue
        rows.append(
            {
                "indicator": label,
                "code": ind,
                "year": year,
                "group": "European NATO",
                "total": with_p.total,
                "unit": with_p.unit,
                "share_of_nato": with_p.share,
            }
        )
        for iso, name in zip(c.partners, names, strict=True):
            without = _quiet(
                data.coalition, "NATO-Europe", ind, year, exclude=[iso], reference="NATO"
            )
            rows.append(
                {
                    "indicator": label,
                    "code": ind,
                    "year": year,
                    "group": f"European NATO without {name}",
                    "total": without.total,
                    "unit": without.unit,
                    "share_of_nato": without.share,
                }
            )
    df = pd.DataFrame(rows)
    if "total" not in df.columns or df["total"].isna().all():
        return Panel.missing("coalition", title, "No coalition data could be computed."), []
    df = df.dropna(subset=["total"]).reset_index(drop=True)
    df["category"] = [f"{i} ({int(y)})" for i, y in zip(df["indicator"], df["year"], strict=True)]
    fig = Figure(
        id="coalition",
        title=f"European NATO with and without {', '.join(names)}: share of NATO's total",
        caption="European NATO allies' combined share of the whole Alliance's total on "
        "each indicator, with and without the partner (latest year of each source).",
        table=df,
        spec=charts.grouped_bars(
            df.assign(share_pct=100 * df["share_of_nato"]),
            category="category",
            group="group",
            value="share_pct",
            value_title="% of NATO's total",
        ),
        source="NATO Defence Expenditure 2014-2024 (Tables 5-7); COW NMC v7.0; World Bank WDI",
    )
    # the table is the chart's data: keep the percent column in it
    fig.table = df.assign(share_pct=100 * df["share_of_nato"])
    findings = []
    table = fig.table

    def total(code: str, group: str) -> tuple[float, int] | None:
        hit = table[(table["code"] == code) & (table["group"] == group)]
        if hit.empty:
            return None
        return float(hit["total"].iloc[0]), int(hit["year"].iloc[0])

    for name in names:
        without = f"European NATO without {name}"
        pw, pwo = (
            total("nato.military_personnel", "European NATO"),
            total("nato.military_personnel", without),
        )
        sw, swo = (
            total("nato.defence_usd_current", "European NATO"),
            total("nato.defence_usd_current", without),
        )
        if pw is None or pwo is None or sw is None or swo is None:
            continue
        drop_p = 1 - pwo[0] / pw[0]
        drop_s = 1 - swo[0] / sw[0]
        text = (
            f"Without {name}, European NATO's military personnel would fall from "
            f"{pw[0]:,.0f} to {pwo[0]:,.0f} thousand ({drop_p:.0%} less) in {pw[1]}, and "
            f"its defence spending by {drop_s:.0%}"
        )
        if drop_p > 1.5 * drop_s:
            text += f": {possessive(name)} forces are large relative to its defence budget"
        findings.append(Finding(text + ".", fig.id, "capabilities", 2.8))
    return Panel(id="coalition", title=title, figures=[fig]), findings


def _arms_panel(data: ModuleType, c: Countries) -> tuple[Panel, list[Finding]]:
    title = "Arms exports over time"
    codes = c.partners or list(c.states)
    if not codes:
        return Panel.missing("arms_exports", title, "The scenario has no state actor."), []
    df = _quiet(data.indicator, "sipri.arms_exports_tiv", codes)
    if df.empty:
        return (
            Panel.missing(
                "arms_exports",
                title,
                "No SIPRI arms-transfer data for these countries in this installation. "
                "detente ships a small SIPRI extract for the flagship example's countries; "
                "import your own SIPRI download with `detente data import sipri-arms FILE`.",
            ),
            [],
        )
    df = df[["iso3", "country", "year", "value", "unit"]].reset_index(drop=True)
    who = ", ".join(dict.fromkeys(df["country"]))
    fig = Figure(
        id="arms_exports",
        title=f"Major-arms exports of {who} (SIPRI TIV)",
        caption="Volume of major conventional arms delivered abroad each year, in SIPRI "
        "trend-indicator values (TIV, millions): a volume index, not US dollars.",
        table=df,
        spec=charts.time_lines(
            df, x="year", y="value", series="country", y_title="TIV (millions)", fmt=",.0f"
        ),
        source="SIPRI Arms Transfers Database (extract shipped with detente, or the user's import)",
    )
    findings = []
    for _iso, sub in df.groupby("iso3", sort=False):
        sub = sub.sort_values("year")
        if len(sub) < 10:
            continue
        first, last = sub.head(5), sub.tail(5)
        a, b = float(first["value"].mean()), float(last["value"].mean())
        if a > 0:
            findings.append(
                Finding(
                    f"{possessive(str(sub['country'].iloc[0]))} major-arms exports averaged "
                    f"{b:,.0f} million "
                    f"TIV a year in {int(last['year'].min())}–{int(last['year'].max())}, "
                    f"{b / a:.1f} times their {int(first['year'].min())}–"
                    f"{int(first['year'].max())} average ({a:,.0f}).",
                    fig.id,
                    "capabilities",
                    2.0,
                )
            )
    return Panel(id="arms_exports", title=title, figures=[fig]), findings


def _refugee_panel(
    data: ModuleType, c: Countries, scenario: Scenario
) -> tuple[Panel, list[Finding]]:
    title = "Refugees hosted"
    if not c.states:
        return Panel.missing("refugees_hosted", title, "The scenario has no state actor."), []
    year = _latest_year(data, "unhcr.refugees_hosted")
    df = _quiet(data.indicator, "unhcr.refugees_hosted", list(c.states), year)
    if df.empty:
        return Panel.missing("refugees_hosted", title, f"No UNHCR data for {year}."), []
    df = df[["iso3", "country", "year", "value", "unit"]].copy()
    for bloc, members in c.blocs.items():
        sub = _quiet(data.indicator, "unhcr.refugees_hosted", members, year)
        if len(sub):
            df.loc[len(df)] = [
                "",
                f"{bloc} ({len(sub)} member states)",
                year,
                float(sub["value"].sum()),
                str(sub["unit"].iloc[0]),
            ]
    df = df.sort_values("value", ascending=False).reset_index(drop=True)
    df["millions"] = df["value"] / 1e6
    df["highlight"] = df["iso3"].isin(set(c.partners))
    fig = Figure(
        id="refugees_hosted",
        title=f"Refugees hosted by the scenario's countries, {year}",
        caption="Refugees under UNHCR's mandate hosted by each state (and by a bloc's "
        "members together), end of year.",
        table=df,
        spec=charts.ranked_bars(
            df,
            value="millions",
            label="country",
            highlight="highlight",
            value_title="refugees hosted (millions)",
            fmt=",.2f",
        ),
        source="UNHCR Refugee Data Finder (CC BY 4.0)",
    )
    top = df.iloc[0]
    text = (
        f"{top['country']} hosted the most refugees of the scenario's countries in {year}: "
        f"{top['value'] / 1e6:,.2f} million."
    )
    return Panel(id="refugees_hosted", title=title, figures=[fig]), [
        Finding(text, fig.id, "capabilities", 1.5)
    ]


def _unga_panel(data: ModuleType, c: Countries) -> tuple[Panel, list[Finding]]:
    title = "Alignment in the UN General Assembly"
    codes = list(c.states)
    if len(codes) < 2:
        return Panel.missing("unga_alignment", title, "Alignment needs at least two states."), []
    last = _latest_year(data, "unga.ideal_point")
    df = _quiet(data.indicator, "unga.ideal_point", codes, range(UNGA_FROM, last + 1))
    if df.empty:
        return Panel.missing("unga_alignment", title, "No UNGA ideal points for these states."), []
    df = df[["iso3", "country", "year", "value"]].reset_index(drop=True)
    figs = [
        Figure(
            id="unga_ideal_points",
            title=f"UNGA ideal points, {UNGA_FROM}–{last}",
            caption="Each state's ideal point estimated from its UN General Assembly votes "
            "(higher: closer to the US-led Western position). States close together vote "
            "alike.",
            table=df,
            spec=charts.time_lines(
                df, x="year", y="value", series="country", y_title="ideal point"
            ),
            source="Bailey, Strezhnev & Voeten (2017), UNGA ideal points (Voeten's Dataverse)",
        )
    ]
    findings: list[Finding] = []
    latest = df[df["year"] == df["year"].max()].set_index("iso3")["value"]
    for iso in c.partners:
        if iso not in latest.index:
            continue
        dist = (latest.drop(iso) - latest[iso]).abs().sort_values()
        if dist.empty:
            continue
        near, far = dist.index[0], dist.index[-1]
        findings.append(
            Finding(
                f"In {int(df['year'].max())}, {possessive(_name(data, iso))} UNGA ideal "
                f"point ({latest[iso]:.2f}) was closest to {possessive(_name(data, near))} "
                f"({latest[near]:.2f}) and farthest from {possessive(_name(data, far))} "
                f"({latest[far]:.2f}).",
                "unga_ideal_points",
                "capabilities",
                1.8,
            )
        )
        agree = []
        for other in codes:
            if other == iso:
                continue
            try:
                al = _quiet(data.alignment, iso, other)
            except Exception:  # no votes for this pair
                continue
            al = al[(al["year"] >= UNGA_FROM) & al["agreement"].notna()]
            agree.append(
                pd.DataFrame(
                    {
                        "with": _name(data, other),
                        "year": al["year"].astype(int),
                        "agreement": al["agreement"].astype(float),
                        "joint_votes": al["joint_votes"].astype(int),
                    }
                )
            )
        if agree:
            ag = pd.concat(agree, ignore_index=True)
            figs.append(
                Figure(
                    id="unga_agreement",
                    title=f"{possessive(_name(data, iso))} UNGA vote agreement with the "
                    "other states",
                    caption="Share of roll calls on which both states voted and cast the "
                    "same vote (yes, no or abstain), by session.",
                    table=ag,
                    spec=charts.time_lines(
                        ag,
                        x="year",
                        y="agreement",
                        series="with",
                        y_title=f"agreement with {_name(data, iso)}",
                        fmt=".0%",
                    ),
                    source="Voeten, UNGA roll-call data (unvotes)",
                )
            )
            last_ag = ag[ag["year"] == ag["year"].max()].sort_values("agreement")
            if len(last_ag) >= 2:
                lo, hi = last_ag.iloc[0], last_ag.iloc[-1]
                findings.append(
                    Finding(
                        f"In the {int(ag['year'].max())} UNGA session, {_name(data, iso)} "
                        f"voted with {hi['with']} on {hi['agreement']:.0%} of roll calls and "
                        f"with {lo['with']} on {lo['agreement']:.0%}.",
                        "unga_agreement",
                        "capabilities",
                        1.6,
                    )
                )
            break  # one partner's agreement chart is enough
    return Panel(id="unga_alignment", title=title, figures=figs), findings


def possessive(name: str) -> str:
    """``"Türkiye's"``, ``"United States'"``."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _countries(data: ModuleType, scenario: Scenario) -> Countries:
    states: dict[str, str] = {}
    blocs: dict[str, list[str]] = {}
    for a in scenario.actors:
        if a.members:
            blocs[a.id] = list(a.members)
        elif a.iso3:
            states[a.iso3] = a.id
    year = _latest_year(data, "nato.defence_share_gdp")
    partners = partner_candidates(scenario, set(data.members("NATO-Europe", year)))
    return Countries(states=states, blocs=blocs, partners=partners)


def capabilities_section(
    scenario: Scenario, data: ModuleType | None
) -> tuple[Section, list[Finding]]:
    """Section 2, and the findings drawn from its numbers."""
    title = "2. Capabilities: what the data say"
    intro = [
        "The case rests on facts about capabilities: who spends what on defence, who "
        "has forces, who hosts refugees, who votes with whom. These panels take them "
        "from the public datasets shipped with detente (with their citations), for the "
        "countries in this scenario."
    ]
    panels: list[Panel] = []
    findings: list[Finding] = []
    panel, found = _capability_panel(scenario)
    panels.append(panel)
    findings += found
    if data is None:
        panels.append(
            Panel.missing(
                "data_missing",
                "Capability data",
                "detente's data layer (detente.data) is not installed in this build, so "
                "the capability panels cannot be drawn.",
            )
        )
        return Section(id="capabilities", title=title, intro=intro, panels=panels), findings
    c = _countries(data, scenario)
    builders: list[Any] = [
        lambda: _nato_panel(data, c),
        lambda: _personnel_panel(data, c),
        lambda: _coalition_panel(data, c),
        lambda: _arms_panel(data, c),
        lambda: _refugee_panel(data, c, scenario),
        lambda: _unga_panel(data, c),
    ]
    for build in builders:
        panel, found = build()
        panels.append(panel)
        findings += found
    return Section(id="capabilities", title=title, intro=intro, panels=panels), findings
