"""The workbench's page: scenario, forecasts, deals, strategy lab, runs and data."""

from __future__ import annotations

from typing import Any

from htmltools import Tag, tags
from shiny import ui

__all__ = ["page"]

_HEAD = [
    tags.link(rel="stylesheet", href="/wb/workbench.css"),
    # draws the charts; loads the chart library (/vendor/vega.js, bundled offline) as
    # a module script once the page has loaded, so that neither its top-level names
    # (they broke Bootstrap's components) nor its bundling at start-up hold the page up
    tags.script(src="/wb/workbench.js"),
]


def _scenario_tab(files: list[str], examples: list[str]) -> Any:
    choices: dict[str, dict[str, str]] = {}
    if examples:
        choices["Examples"] = {f"example:{n}": n for n in examples}
    if files:
        choices["Workspace"] = {f"file:{n}": n for n in files}
    return ui.nav_panel(
        "Scenario and forecasts",
        ui.layout_columns(
            ui.card(
                ui.card_header("Open"),
                ui.input_select(
                    "open_choice", "Example or workspace file", choices=choices or {"": "(none)"}
                ),
                ui.input_action_button("open_file", "Open", class_="btn-primary btn-sm"),
                ui.input_file(
                    "upload",
                    "…or upload (TOML, KTAB CSV/XML, DEU; at most 10 MB)",
                    accept=[".toml", ".csv", ".xml", ".tsv", ".tab", ".txt"],
                ),
                ui.output_ui("scenario_info"),
            ),
            ui.card(
                ui.card_header("Save"),
                ui.download_button("download_toml", "Download as TOML", class_="btn-sm"),
                ui.input_text(
                    "save_name", "Save to the workspace as", placeholder="my_scenario.toml"
                ),
                ui.input_action_button("save", "Save", class_="btn-sm"),
                ui.output_ui("save_status"),
            ),
            col_widths=(8, 4),
        ),
        ui.card(
            ui.card_header(
                "Stances: actors × issues ",
                tags.span("(double-click a cell to edit; Enter commits)", {"class": "muted"}),
            ),
            ui.input_radio_buttons(
                "grid_field",
                None,
                choices={
                    "position": "position",
                    "salience": "salience",
                    "uncertainty": "uncertainty",
                },
                selected="position",
                inline=True,
            ),
            ui.layout_columns(
                ui.output_data_frame("stances"),
                ui.output_ui("stance_problems"),
                col_widths=(9, 3),
            ),
        ),
        ui.output_ui("warm_status"),
        ui.card(
            ui.card_header("Every model's forecast of every issue"),
            ui.output_ui("forecasts"),
            ui.layout_columns(
                ui.input_numeric(
                    "draws", "Intervals from draws of the inputs", value=1000, min=10, max=200_000
                ),
                ui.input_numeric("seed", "Seed", value=0, min=0),
                tags.div(
                    ui.input_action_button("run_draws", "Compute intervals", class_="btn-sm"),
                    ui.input_action_button(
                        "cancel_draws", "Cancel", class_="btn-sm btn-outline-danger"
                    ),
                ),
                ui.output_ui("draws_status"),
                col_widths=(3, 2, 3, 4),
            ),
        ),
        ui.layout_columns(
            ui.card(
                ui.card_header("Add or remove an actor"),
                ui.layout_columns(
                    ui.input_text("new_actor_id", "id"),
                    ui.input_text("new_actor_name", "name"),
                    ui.input_text("new_actor_capability", "capability", value="1"),
                    ui.input_text("new_actor_salience", "salience", value="50"),
                    col_widths=(3, 3, 3, 3),
                ),
                ui.input_action_button("add_actor", "Add actor", class_="btn-sm"),
                ui.input_select("remove_actor_id", "Remove", choices=[]),
                ui.input_action_button(
                    "remove_actor", "Remove actor", class_="btn-sm btn-outline-danger"
                ),
            ),
            ui.card(
                ui.card_header("Add or remove an issue"),
                ui.layout_columns(
                    ui.input_text("new_issue_id", "id"),
                    ui.input_text("new_issue_label", "label"),
                    ui.input_text("new_issue_min", "scale min", value="0"),
                    ui.input_text("new_issue_max", "scale max", value="100"),
                    ui.input_text("new_issue_sq", "status quo"),
                    ui.input_text("new_issue_salience", "salience", value="50"),
                    col_widths=(4, 4, 4, 4, 4, 4),
                ),
                ui.input_action_button("add_issue", "Add issue", class_="btn-sm"),
                ui.input_select("remove_issue_id", "Remove", choices=[]),
                ui.input_action_button(
                    "remove_issue", "Remove issue", class_="btn-sm btn-outline-danger"
                ),
            ),
            ui.output_ui("structure_status"),
            col_widths=(5, 5, 2),
        ),
        value="scenario",
    )


def _forecast_tab() -> Any:
    return ui.nav_panel(
        "Forecasts in depth",
        ui.layout_columns(
            ui.card(
                ui.card_header("Trajectories"),
                ui.input_select("traj_issue", "Issue", choices=[]),
                ui.output_ui("trajectory"),
            ),
            ui.card(
                ui.card_header("Why did this actor move?"),
                ui.input_select("explain_actor", "Actor", choices=[]),
                ui.output_ui("explain"),
            ),
            col_widths=(7, 5),
        ),
        ui.card(
            ui.card_header("Sweep: the forecast as one input moves"),
            ui.layout_columns(
                ui.input_select("sweep_actor", "Actor", choices=[]),
                ui.input_select(
                    "sweep_field",
                    "Field",
                    choices={
                        "position": "position",
                        "salience": "salience",
                        "capability": "capability",
                    },
                ),
                ui.input_select("sweep_issue", "Issue", choices=[]),
                ui.input_text("sweep_range", "Values (START:STOP:STEP or a list)", value="0:100:5"),
                tags.div(
                    ui.input_action_button("run_sweep", "Sweep", class_="btn-sm"),
                    ui.input_action_button(
                        "cancel_sweep", "Cancel", class_="btn-sm btn-outline-danger"
                    ),
                ),
                col_widths=(2, 2, 2, 3, 3),
            ),
            ui.output_ui("sweep_status"),
            ui.output_ui("sweep_chart"),
        ),
        value="forecasts",
    )


def _deals_tab() -> Any:
    return ui.nav_panel(
        "Deals",
        ui.card(
            ui.card_header("Which concessions pay for both sides (the exchange model)"),
            ui.layout_columns(
                ui.input_select("deals_a", "Side A: an actor or a group", choices=[]),
                ui.input_select("deals_b", "Side B", choices=[]),
                ui.input_numeric("deals_draws", "Draws", value=1000, min=10, max=100_000, step=100),
                ui.input_numeric("deals_seed", "Seed", value=0, min=0),
                tags.div(
                    ui.input_action_button(
                        "run_deals", "Robust deals", class_="btn-primary btn-sm"
                    ),
                    ui.input_action_button(
                        "cancel_deals", "Cancel", class_="btn-sm btn-outline-danger"
                    ),
                ),
                col_widths=(3, 3, 2, 1, 3),
            ),
            ui.output_ui("deals_status"),
        ),
        ui.output_ui("deals"),
        value="deals",
    )


def _lab_tab() -> Any:
    return ui.nav_panel(
        "Strategy lab",
        ui.card(
            ui.card_header("The [partnership] parameters"),
            ui.output_ui("lab_intro"),
            ui.layout_columns(
                ui.output_data_frame("lab_params"),
                ui.output_ui("lab_problems"),
                col_widths=(9, 3),
            ),
        ),
        ui.card(
            ui.card_header("Run futures"),
            ui.layout_columns(
                ui.input_numeric(
                    "lab_n", "Futures", value=20_000, min=100, max=10_000_000, step=1000
                ),
                ui.input_numeric("lab_seed", "Seed", value=0, min=0),
                tags.div(
                    ui.input_action_button("run_lab", "Run", class_="btn-primary btn-sm"),
                    ui.input_action_button(
                        "cancel_lab", "Cancel", class_="btn-sm btn-outline-danger"
                    ),
                ),
                ui.output_ui("lab_status"),
                col_widths=(2, 2, 3, 5),
            ),
        ),
        ui.output_ui("lab_results"),
        value="lab",
    )


def _runs_tab() -> Any:
    return ui.nav_panel(
        "Runs",
        ui.card(
            ui.card_header("Analyze: the full report, as `detente analyze` writes it"),
            ui.output_ui("run_store"),
            ui.layout_columns(
                ui.input_numeric("an_draws", "Draws", value=1000, min=0),
                ui.input_numeric("an_scenarios", "Futures", value=20_000, min=0),
                ui.input_numeric("an_seed", "Seed", value=0, min=0),
                tags.div(
                    ui.input_action_button("run_analyze", "Analyze", class_="btn-primary btn-sm"),
                    ui.input_action_button(
                        "cancel_analyze", "Cancel", class_="btn-sm btn-outline-danger"
                    ),
                ),
                ui.output_ui("analyze_status"),
                col_widths=(2, 2, 2, 2, 4),
            ),
        ),
        ui.card(
            ui.card_header("Runs in the store"),
            ui.input_action_button("refresh_runs", "Refresh", class_="btn-sm"),
            ui.output_ui("runs_table"),
        ),
        ui.card(
            ui.card_header("Compare two runs, as `detente runs compare` does"),
            ui.layout_columns(
                ui.input_select("cmp_a", "Earlier run (A)", choices=[]),
                ui.input_select("cmp_b", "Later run (B)", choices=[]),
                ui.input_action_button("compare", "Compare", class_="btn-sm"),
                col_widths=(5, 5, 2),
            ),
            ui.output_ui("comparison"),
        ),
        value="runs",
    )


def _data_tab() -> Any:
    return ui.nav_panel(
        "Data",
        ui.output_ui("data_status"),
        ui.output_ui("data_panels"),
        value="data",
    )


def page(files: list[str], examples: list[str]) -> Tag:
    """The whole page (the same for every session; each fills it with its own state)."""
    return ui.page_navbar(
        _scenario_tab(files, examples),
        _forecast_tab(),
        _deals_tab(),
        _lab_tab(),
        _runs_tab(),
        _data_tab(),
        title="detente workbench",
        id="tab",
        header=tags.div(*_HEAD, ui.output_ui("headline")),
        window_title="detente workbench",
        fillable=False,
    )
