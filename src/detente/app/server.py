"""The workbench's server: one function per browser session, holding that session's state.

Each session has its own scenario, drafts, problems and jobs; nothing a session does
is seen by another, except what it writes on purpose (a file saved in the workspace,
a run in the run store).

Reactivity: the scenario is a reactive value; the capabilities resolved from data
are a calculation on it; each model's point forecast is its own calculation on that
(so an edit recomputes the models and nothing else, and a change of a lab parameter
recomputes no model); the forecast table reads them all.  A model that is still
warming up is shown as such and filled in when it is ready.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from htmltools import TagList, tags
from shiny import Inputs, Outputs, Session, reactive, render, ui
from shiny.types import SafeException

from detente.app import state, views
from detente.app.jobs import Job, JobRunner, JobState
from detente.app.warmup import Warmup
from detente.app.workspace import Workspace, example_files, read_upload
from detente.errors import InputError

__all__ = ["Context", "initial_scenario", "make_server", "model_accuracy"]


class Context:
    """What every session shares: the workspace, the job runner, the warm-up."""

    def __init__(self, workspace: Workspace, runner: JobRunner, warm: Warmup) -> None:
        self.workspace = workspace
        self.runner = runner
        self.warm = warm


#: Why the models wait: the data layer is loading in the background.
LOADING = "Looking up the capabilities in the data…"


def model_accuracy(results: list[views.ModelResult]) -> dict[str, str]:
    """One line per model on its measured accuracy, shown beside its forecasts.

    From :func:`detente.pipeline.accuracy.accuracy_table` (the figures detente ships:
    DEU III decisions; nothing is re-run): the mean absolute error on decided issues,
    on decisions the project never used where measured, and the verdict against the
    compromise model.  A model run with parameters the back-test did not measure says
    so.
    """
    from detente.pipeline.accuracy import accuracy_table
    from detente.pipeline.results import NegotiationResults

    res = NegotiationResults()
    for r in results:
        if r.status == "ok":
            res.forecasts[r.model] = r.forecast
            res.labels[r.model] = r.label
    if not res.forecasts:
        return {}
    out: dict[str, str] = {}
    for row in accuracy_table(res).to_dict("records"):
        model = str(row["model"])
        if model not in res.forecasts:
            continue
        mae, n, unseen = row["mae"], row["n"], row["unseen_mae"]
        if mae != mae:  # NaN: not measured
            out[model] = str(row["verdict"])
            continue
        text = f"DEU III: MAE {mae:.1f} on {int(n)} decided issues"
        if unseen == unseen:
            text += f", {unseen:.1f} on unseen decisions"
        out[model] = f"{text}; {row['verdict']}"
    return out


def initial_scenario(ws: Workspace) -> tuple[Any, str]:
    """The scenario a new session opens: PATH's file, the workspace's first, an example."""
    from detente.scenario import load_scenario

    if ws.initial is not None:
        return load_scenario(ws.initial), ws.initial.name
    files = ws.scenario_files()
    for name in files:
        try:
            return load_scenario(ws.root / name), name
        except InputError:
            continue
    examples = example_files()
    if examples:
        name, path = next(iter(examples.items()))
        return load_scenario(path), f"example {name}"
    from detente.pipeline.warm import warm_scenario

    return warm_scenario(), "a tiny built-in scenario"


def _message(err: Exception) -> str:
    return str(err)


def make_server(ctx: Context) -> Callable[[Inputs, Outputs, Session], None]:
    """The Shiny server function for ``ctx``."""

    def server(input: Inputs, output: Outputs, session: Session) -> None:
        ws, runner, warm = ctx.workspace, ctx.runner, ctx.warm
        owner = session.id
        session.on_ended(lambda: runner.forget(owner))

        first, origin = initial_scenario(ws)
        scen: reactive.Value[Any] = reactive.value(first)
        origin_rv = reactive.value(origin)
        revision = reactive.value(0)
        grid_version = reactive.value(0)
        drafts: dict[tuple[str, str, str], tuple[str, str]] = {}
        problems = reactive.value(tuple[state.CellProblem, ...]())
        structure_msg = reactive.value(TagList())
        save_msg = reactive.value(TagList())
        jobs_of: dict[str, str] = {}  # purpose -> job id
        job_revision: dict[str, int] = {}

        def replace_scenario(new: Any, *, structural: bool) -> None:
            scen.set(new)
            with reactive.isolate():
                revision.set(revision() + 1)
                if structural:
                    drafts.clear()
                    problems.set(())
                    grid_version.set(grid_version() + 1)

        # -- clocks ---------------------------------------------------------------
        @reactive.poll(warm.version, 0.4)
        def warm_version() -> int:
            return warm.version()

        @reactive.poll(lambda: runner.version(owner), 0.25)
        def jobs_version() -> int:
            return runner.version(owner)

        def job(purpose: str) -> Job | None:
            jobs_version()
            job_id = jobs_of.get(purpose)
            return None if job_id is None else runner.get(owner, job_id)

        def start(
            purpose: str, kind: str, label: str, fn: Callable[..., Any], **kwargs: Any
        ) -> None:
            old = jobs_of.get(purpose)
            if old is not None:
                runner.cancel(owner, old)
            j = runner.submit(owner, kind, label, fn, **kwargs)
            jobs_of[purpose] = j.id
            with reactive.isolate():
                job_revision[purpose] = revision()

        def cancel(purpose: str) -> None:
            job_id = jobs_of.get(purpose)
            if job_id is not None:
                runner.cancel(owner, job_id)

        # -- the scenario ---------------------------------------------------------
        @reactive.calc
        def model_scenario() -> tuple[Any, str | None]:
            """The scenario with its capabilities resolved, or why it cannot be."""
            s = scen()
            if not warm.data_done:
                # the data layer is still being loaded in the background: do not load
                # it here too, on the thread that serves every page
                warm_version()
                cached = state.resolve_cached(s)
                if cached.unresolved_actors:
                    return None, LOADING
                return cached, None
            try:
                return state.resolve(s), None
            except InputError as err:
                return None, str(err)

        @render.ui
        def headline() -> Any:
            s = scen()
            return tags.div(
                {"class": "headline"},
                tags.strong(s.name),
                tags.span(
                    f" [{s.id}] · {len(s.actors)} actors · {len(s.issues)} issues",
                    {"class": "muted"},
                ),
                tags.span(" · from ", origin_rv(), {"class": "muted"}),
            )

        @render.ui
        def scenario_info() -> Any:
            s = scen()
            parts: list[Any] = []
            if s.question:
                parts.append(tags.p(tags.em(s.question)))
            from detente.scenario import scenario_warnings

            for w in [*s.meta.get("warnings", []), *scenario_warnings(s)]:
                parts.append(tags.p("warning: ", w, {"class": "warn"}))
            return TagList(*parts)

        @reactive.effect
        def _choices() -> None:
            s = scen()
            actors = {a.id: f"{a.id} · {a.name}" if a.name != a.id else a.id for a in s.actors}
            issues = {i.id: i.id for i in s.issues}
            ui.update_select("remove_actor_id", choices=actors)
            ui.update_select("remove_issue_id", choices=issues)
            ui.update_select("explain_actor", choices=actors)
            ui.update_select("sweep_actor", choices=actors)
            ui.update_select("sweep_issue", choices=issues)
            ui.update_select("traj_issue", choices=issues)

        # -- opening --------------------------------------------------------------
        def open_scenarios(found: list[Any], where: str) -> None:
            if not found:
                raise InputError("the file holds no scenario", field="file", fix="pick another.")
            replace_scenario(found[0], structural=True)
            note = ""
            if len(found) > 1:
                note = f" (the file holds {len(found)} scenarios; opened the first, {found[0].id})"
            origin_rv.set(where + note)
            structure_msg.set(TagList())

        @reactive.effect
        @reactive.event(input.open_file)
        def _open() -> None:
            from detente.scenario import load_scenarios

            choice = str(input.open_choice() or "")
            kind, _, name = choice.partition(":")
            try:
                if kind == "example":
                    path = example_files().get(name)
                    if path is None:
                        raise InputError(
                            "no such example", field="file", fix="pick one from the list."
                        )
                    open_scenarios(load_scenarios(path), f"example {name}")
                elif kind == "file":
                    open_scenarios(load_scenarios(ws.scenario_path(name)), name)
            except InputError as err:
                ui.notification_show(_message(err), type="error", duration=12)

        @reactive.effect
        @reactive.event(input.upload)
        def _upload() -> None:
            files = input.upload() or []
            for f in files[:1]:
                try:
                    found = read_upload(str(f["name"]), int(f["size"]), f["datapath"])
                    open_scenarios(found, f"upload {Path(str(f['name'])).name}")
                except InputError as err:
                    ui.notification_show(_message(err), type="error", duration=15)

        # -- the stance grid ------------------------------------------------------
        def field() -> str:
            f = str(input.grid_field() or "position")
            return f if f in state.FIELDS else "position"

        def draft_key(cell: state.GridCell, fld: str) -> tuple[str, str, str]:
            if cell.kind == "stance":
                assert cell.issue is not None
                return (cell.actor, cell.issue, fld)
            return (cell.actor, cell.kind, "")

        @render.data_frame
        def stances() -> Any:
            grid_version()
            fld = field()
            with reactive.isolate():
                s = scen()
            shown = {}
            for (actor, col, f), (text, _msg) in drafts.items():
                if f in ("", fld):
                    shown[(actor, col)] = text
            df = state.grid_frame(s, fld, shown)
            styles: list[Any] = []
            cols = list(df.columns)
            rows_of = {a: n for n, a in enumerate(s.actor_ids)}
            for (actor, col, f), _ in drafts.items():
                if f not in ("", fld) or actor not in rows_of:
                    continue
                try:
                    c = (
                        cols.index(col)
                        if col in state.FIXED_COLUMNS
                        else 3 + s.issue_ids.index(col)
                    )
                except ValueError:
                    continue
                styles.append(
                    {
                        "location": "body",
                        "rows": [rows_of[actor]],
                        "cols": [c],
                        "class": "cell-invalid",
                    }
                )
            return render.DataGrid(
                df,
                editable=True,
                selection_mode="none",
                width="100%",
                height=None,
                summary=False,
                styles=styles or None,
            )

        @stances.set_patch_fn
        def _patch(*, patch: Any) -> Any:
            s = scen()
            fld = field()
            try:
                cell = state.grid_cell(s, int(patch["row_index"]), int(patch["column_index"]))
            except IndexError:
                raise SafeException(
                    "This cell is no longer in the scenario; the grid is reloaded."
                ) from None
            text = "" if patch["value"] is None else str(patch["value"])
            key = draft_key(cell, fld)
            try:
                if cell.kind == "actor":
                    raise SafeException(
                        "An actor's id cannot be edited in the grid: add an actor with the new id "
                        "and remove this one."
                    )
                if cell.kind == "name":
                    new = state.set_name(s, cell.actor, text)
                    shown = new.actor(cell.actor).name
                elif cell.kind == "capability":
                    new = state.set_capability(s, cell.actor, text)
                    try:
                        new = state.resolve(new)
                    except InputError as err:
                        raise state.EditError(
                            err.problems,
                            [
                                state.CellProblem(
                                    state.problem_text(p), cell.actor, None, "capability"
                                )
                                for p in err.problems
                            ],
                        ) from None
                    shown = state.capability_text(new, cell.actor)
                else:
                    assert cell.issue is not None
                    new = state.set_stance(s, cell.actor, cell.issue, fld, text)
                    shown = state.stance_text(new, cell.actor, cell.issue, fld)
            except state.EditError as err:
                drafts[key] = (text, err.cells[0].message if err.cells else str(err))
                problems.set(tuple(err.cells))
                # draw the grid again: the refused text stays in its cell, marked, and
                # its message beside the grid (the grid's own failure state would show
                # the old value again)
                grid_version.set(grid_version() + 1)
                first = err.cells[0].message if err.cells else str(err)
                raise SafeException(first) from None
            drafts.pop(key, None)
            if not drafts:
                problems.set(())
            replace_scenario(new, structural=False)
            return shown

        @render.ui
        def stance_problems() -> Any:
            probs = problems()
            items: list[Any] = []
            for (actor, col, f), (text, msg) in sorted(drafts.items()):
                where = " · ".join(x for x in (actor, col, f) if x)
                items.append(
                    tags.li(
                        tags.strong(where),
                        f": “{text}” was not applied. ",
                        msg,
                        {
                            "class": "problem",
                            "data-actor": actor,
                            "data-column": col,
                            "data-field": f,
                        },
                    )
                )
            shown = {m for (_t, m) in drafts.values()}
            for p in probs:
                if p.message not in shown:
                    items.append(
                        tags.li(tags.strong(p.where), ": ", p.message, {"class": "problem"})
                    )
            if not items:
                return tags.div(
                    {"class": "valid", "id": "stance-validation"},
                    "Every edit so far is valid (checked as `detente validate` checks a file).",
                )
            return tags.div(
                {"class": "invalid", "id": "stance-validation"},
                tags.p(
                    "Not applied: the scenario keeps its last valid value until you correct these."
                ),
                tags.ul(*items),
            )

        # -- structure: add and remove actors and issues --------------------------
        def structural(fn: Callable[[Any], Any], done: str) -> None:
            try:
                new = fn(scen())
            except state.EditError as err:
                structure_msg.set(
                    TagList(
                        tags.div(
                            {"class": "invalid"},
                            *([tags.p(c.message) for c in err.cells] or [tags.p(str(err))]),
                        )
                    )
                )
                return
            replace_scenario(new, structural=True)
            structure_msg.set(TagList(tags.div({"class": "valid"}, done)))

        @reactive.effect
        @reactive.event(input.add_actor)
        def _add_actor() -> None:
            aid = str(input.new_actor_id() or "")
            structural(
                lambda s: state.add_actor(
                    s,
                    aid,
                    name=str(input.new_actor_name() or ""),
                    capability=input.new_actor_capability(),
                    salience=input.new_actor_salience(),
                ),
                f"Added actor {aid}.",
            )

        @reactive.effect
        @reactive.event(input.remove_actor)
        def _remove_actor() -> None:
            aid = str(input.remove_actor_id() or "")
            structural(lambda s: state.remove_actor(s, aid), f"Removed actor {aid}.")

        @reactive.effect
        @reactive.event(input.add_issue)
        def _add_issue() -> None:
            iid = str(input.new_issue_id() or "")
            structural(
                lambda s: state.add_issue(
                    s,
                    iid,
                    label=str(input.new_issue_label() or ""),
                    low=input.new_issue_min(),
                    high=input.new_issue_max(),
                    status_quo=input.new_issue_sq(),
                    salience=input.new_issue_salience(),
                ),
                f"Added issue {iid}.",
            )

        @reactive.effect
        @reactive.event(input.remove_issue)
        def _remove_issue() -> None:
            iid = str(input.remove_issue_id() or "")
            structural(lambda s: state.remove_issue(s, iid), f"Removed issue {iid}.")

        @render.ui
        def structure_status() -> Any:
            return structure_msg()

        # -- saving ---------------------------------------------------------------
        @render.download_button(filename=lambda: f"{_safe_name(scen().id)}.toml")
        def download_toml() -> Any:
            from detente.scenario import dumps

            yield dumps(scen(), "toml")

        def write(path: Path) -> None:
            from detente._atomic import atomic_write_text
            from detente.scenario import dumps

            atomic_write_text(path, dumps(scen(), "toml"))
            save_msg.set(
                TagList(tags.div({"class": "valid"}, f"Saved {path.name} in the workspace."))
            )

        @reactive.effect
        @reactive.event(input.save)
        def _save() -> None:
            try:
                path = ws.save_path(str(input.save_name() or ""))
            except InputError as err:
                save_msg.set(TagList(tags.div({"class": "invalid"}, str(err))))
                return
            if path.exists():
                ui.modal_show(
                    ui.modal(
                        tags.p(f"{path.name} already exists in the workspace. Replace it?"),
                        title="Replace the file?",
                        footer=TagList(
                            ui.input_action_button(
                                "confirm_save", "Replace it", class_="btn-danger"
                            ),
                            ui.modal_button("Keep it"),
                        ),
                        easy_close=True,
                    )
                )
                return
            write(path)

        @reactive.effect
        @reactive.event(input.confirm_save)
        def _confirm_save() -> None:
            ui.modal_remove()
            try:
                write(ws.save_path(str(input.save_name() or "")))
            except InputError as err:
                save_msg.set(TagList(tags.div({"class": "invalid"}, str(err))))

        @render.ui
        def save_status() -> Any:
            return save_msg()

        # -- forecasts ------------------------------------------------------------
        def model_calc(name: str) -> Callable[[], views.ModelResult]:
            @reactive.calc
            def calc() -> views.ModelResult:
                warm_version()
                label = warm.labels.get(name, name)
                if not warm.ready(name):
                    status = warm.snapshot().get(name, "warming")
                    if status.startswith("failed"):
                        return views.ModelResult(name, label, "failed", reason=status)
                    return views.ModelResult(name, label, "warming")
                ms, why = model_scenario()
                if ms is None and why == LOADING:
                    return views.ModelResult(name, label, "warming")
                if ms is None:
                    return views.ModelResult(name, label, "failed", reason=why or "")
                from detente.bargaining import forecast

                try:
                    fc = forecast(ms, name, seed=_seed(input.seed()))
                except InputError as err:
                    return views.ModelResult(name, label, "failed", reason=str(err))
                return views.ModelResult(name, label, "ok", forecast=fc)

            return calc

        calcs: dict[str, Callable[[], views.ModelResult]] = {}

        def model_calcs() -> dict[str, Callable[[], views.ModelResult]]:
            warm_version()
            for name in warm.labels:
                if name not in calcs:
                    calcs[name] = model_calc(name)
            return calcs

        @render.ui
        def warm_status() -> Any:
            warm_version()
            snap = warm.snapshot()
            if not snap:
                return tags.div({"class": "warming-banner"}, "Loading the models…")
            waiting = [warm.labels.get(m, m) for m, st in snap.items() if st == "warming"]
            if not waiting:
                return TagList()
            return tags.div(
                {"class": "warming-banner", "id": "warming"},
                "Still warming up (compiling once, then cached): ",
                ", ".join(waiting),
                ". Their forecasts appear here when ready.",
            )

        def intervals_now() -> dict[str, Any] | None:
            j = job("draws")
            if j is None or j.state is not JobState.DONE:
                return None
            if job_revision.get("draws") != revision():
                return None
            return dict(j.result["models"])

        @reactive.calc
        def accuracy() -> dict[str, str]:
            try:
                return model_accuracy([c() for c in model_calcs().values()])
            except Exception:  # the figures are an aside: never lose the table for them
                return {}

        @output(suspend_when_hidden=False)
        @render.ui
        def forecasts() -> Any:
            results = [c() for c in model_calcs().values()]
            if not results:
                return tags.p("Loading the models…", {"class": "muted"})
            ms, _why = model_scenario()
            s = ms if ms is not None else scen()
            acc = accuracy()
            return views.forecast_table(
                s, results, revision=revision(), intervals=intervals_now(), accuracy=acc
            )

        @reactive.effect
        @reactive.event(input.run_draws)
        def _draws() -> None:
            ms, why = model_scenario()
            if ms is None:
                ui.notification_show(why or "", type="error")
                return
            n = _count(input.draws(), 10, 200_000)
            models = [m for m, c in calcs.items() if warm.ready(m)]
            from detente.app._worker import draw_intervals

            start(
                "draws",
                "draws",
                f"Intervals from {n:,} draws",
                draw_intervals,
                scenario=ms,
                models=models,
                draws=n,
                seed=_seed(input.seed()),
            )

        @reactive.effect
        @reactive.event(input.cancel_draws)
        def _cancel_draws() -> None:
            cancel("draws")

        @render.ui
        def draws_status() -> Any:
            j = job("draws")
            extra: list[Any] = []
            if j is not None and j.state is JobState.DONE:
                if job_revision.get("draws") != revision():
                    extra.append(
                        tags.p(
                            "These intervals were for an earlier version of the scenario; "
                            "compute them again.",
                            {"class": "warn"},
                        )
                    )
                for m, why in j.result.get("failed", {}).items():
                    extra.append(tags.p(f"{m}: {why}", {"class": "muted"}))
            return TagList(views.job_status(j), *extra)

        def result_of(name: str) -> views.ModelResult | None:
            c = model_calcs().get(name)
            return None if c is None else c()

        @render.ui
        def trajectory() -> Any:
            from detente.pipeline.results import NegotiationResults, trajectory_table
            from detente.report import charts

            issue = str(input.traj_issue() or "")
            ms, _ = model_scenario()
            if ms is None or issue not in ms.issue_ids:
                return tags.p("Pick an issue.", {"class": "muted"})
            res = NegotiationResults()
            for name in ("smp", "eum", "exchange"):
                r = result_of(name)
                if r is not None and r.status == "ok":
                    res.forecasts[name] = r.forecast
                    res.labels[name] = r.label
            if not res.forecasts:
                return tags.p(
                    "The iterative models (SMP, EUM, exchange) are not ready yet.",
                    {"class": "muted"},
                )
            j = ms.issue_ids.index(issue)
            df = trajectory_table(res, j)
            if df.empty:
                return tags.p("No trajectory was kept.", {"class": "muted"})
            sc = ms.issue(issue).scale
            return views.chart(
                charts.trajectories(df, lower=sc.min, upper=sc.max, columns=1),
                label="trajectories",
            )

        @render.ui
        def explain() -> Any:
            actor = str(input.explain_actor() or "")
            if not actor:
                return TagList()
            out: list[Any] = []
            smp = result_of("smp")
            if smp is not None and smp.status == "ok":
                from detente.bargaining.smp.explain import explain_actor

                try:
                    out += [
                        tags.h5("Spatial model (SMP)"),
                        tags.pre(explain_actor(smp.forecast, actor)),
                    ]
                except InputError as err:
                    out.append(tags.p(str(err), {"class": "muted"}))
            eum = result_of("eum")
            if eum is not None and eum.status == "ok":
                from detente.bargaining.eum import explain as explain_eum

                try:
                    out += [
                        tags.h5("Expected-utility model"),
                        tags.pre("\n".join(explain_eum(eum.forecast, actor))),
                    ]
                except InputError as err:
                    out.append(tags.p(str(err), {"class": "muted"}))
            return (
                TagList(*out) if out else tags.p("The models are warming up.", {"class": "muted"})
            )

        sweep_meta: dict[str, Any] = {}

        @reactive.effect
        @reactive.event(input.run_sweep)
        def _sweep() -> None:
            from detente.app._worker import sweep_curve
            from detente.bargaining.sweeps import parse_range

            ms, why = model_scenario()
            if ms is None:
                ui.notification_show(why or "", type="error")
                return
            try:
                values = parse_range(str(input.sweep_range() or ""))
            except InputError as err:
                ui.notification_show(str(err), type="error", duration=10)
                return
            fld = str(input.sweep_field() or "position")
            issue = str(input.sweep_issue() or "") or None
            actor = str(input.sweep_actor() or "")
            sweep_meta.update(issue=issue, field=fld, actor=actor)
            start(
                "sweep",
                "sweep",
                f"Sweep of {actor}'s {fld}",
                sweep_curve,
                scenario=ms,
                actor=actor,
                field=fld,
                issue=issue if fld != "capability" else None,
                values=[float(v) for v in values],
                models=[m for m in calcs if warm.ready(m)],
                seed=_seed(input.seed()),
            )

        @reactive.effect
        @reactive.event(input.cancel_sweep)
        def _cancel_sweep() -> None:
            cancel("sweep")

        @render.ui
        def sweep_status() -> Any:
            return views.job_status(job("sweep"))

        @render.ui
        def sweep_chart() -> Any:
            j = job("sweep")
            if j is None or j.state is not JobState.DONE:
                return TagList()
            df = j.result
            issue = sweep_meta.get("issue") or str(input.sweep_issue() or "")
            if issue:
                df = df[df["issue"] == issue]
            return TagList(
                views.chart(
                    _sweep_spec(
                        df, sweep_meta.get("actor", ""), sweep_meta.get("field", ""), issue
                    ),
                    label="sweep",
                ),
            )

        # -- deals ----------------------------------------------------------------
        deals_meta: dict[str, Any] = {}

        @reactive.effect
        def _deal_sides() -> None:
            # set when the actors, groups or [deals] table change, not on every edit
            choices, default = state.side_choices(scen())
            key = (tuple(choices.items()), default)
            if deals_meta.get("choices") == key:
                return
            deals_meta["choices"] = key
            ui.update_select("deals_a", choices=choices, selected=default[0])
            ui.update_select("deals_b", choices=choices, selected=default[1])

        def deal_sides() -> tuple[str, str] | None:
            a, b = str(input.deals_a() or ""), str(input.deals_b() or "")
            return (a, b) if a and b else None

        @reactive.calc
        def deals_point() -> tuple[Any, str | None]:
            """The deals at the point estimate (fast: recomputed on every edit)."""
            ms, why = model_scenario()
            if ms is None:
                return None, why
            warm_version()
            if not warm.ready("exchange"):
                return None, "The exchange model is warming up…"
            from detente.pipeline.deals import run_deals

            sides = deal_sides()
            try:
                return run_deals(ms, between=sides, all_pairs=sides is None), None
            except InputError as err:
                return None, str(err)

        @reactive.effect
        @reactive.event(input.run_deals)
        def _run_deals() -> None:
            from detente.app._worker import deals_run

            ms, why = model_scenario()
            if ms is None:
                ui.notification_show(why or "", type="error")
                return
            n = _count(input.deals_draws(), 10, 100_000)
            sides = deal_sides()
            deals_meta["sides"] = sides
            start(
                "deals",
                "deals",
                f"Robust deals: {n:,} draws",
                deals_run,
                scenario=ms,
                between=sides,
                draws=n,
                seed=_seed(input.deals_seed()),
            )

        @reactive.effect
        @reactive.event(input.cancel_deals)
        def _cancel_deals() -> None:
            cancel("deals")

        def deals_robust() -> Any:
            """The robust deals' results, if they are of this scenario and these sides."""
            j = job("deals")
            if j is None or j.state is not JobState.DONE:
                return None
            if job_revision.get("deals") != revision() or deals_meta.get("sides") != deal_sides():
                return None
            return j.result

        @render.ui
        def deals_status() -> Any:
            j = job("deals")
            extra: list[Any] = []
            if j is not None and j.state is JobState.DONE and deals_robust() is None:
                extra.append(
                    tags.p(
                        "These draws were for an earlier version of the scenario or other "
                        "sides; run them again.",
                        {"class": "warn"},
                    )
                )
            return TagList(views.job_status(j), *extra)

        @render.ui
        def deals() -> Any:
            from detente.report.deals import deals_section

            res, why = deals_point()
            if res is None:
                return tags.p(why or "", {"class": "muted", "id": "deals-waiting"})
            ms, _ = model_scenario()
            robust = deals_robust()
            sec = deals_section(robust if robust is not None else res, ms, number=None)
            for p in sec.panels:
                if p.id == "deals_robust" and not p.live:
                    p.unavailable = (
                        "Press “Robust deals” to re-run the search over draws of the "
                        "scenario's stated uncertainty."
                    )
            return tags.div(
                {"id": "deals-page", "data-revision": str(revision())}, views.section(sec)
            )

        # -- the strategy lab -----------------------------------------------------
        lab_problems_rv = reactive.value(tuple[str, ...]())
        lab_version = reactive.value(0)

        @render.ui
        def lab_intro() -> Any:
            s = scen()
            if s.partnership is None:
                return tags.p(
                    "This scenario has no [partnership] table; the strategy lab runs on the "
                    "model's default parameters.",
                    {"class": "muted"},
                )
            return tags.p(
                "Edit a range or a lever's value; each edit is checked as `detente validate` "
                "checks the [partnership] table.",
                {"class": "muted"},
            )

        @render.data_frame
        def lab_params() -> Any:
            lab_version()
            grid_version()
            with reactive.isolate():
                s = scen()
            return render.DataGrid(
                _lab_frame(s.partnership or {}),
                editable=True,
                selection_mode="none",
                width="100%",
                summary=False,
            )

        @lab_params.set_patch_fn
        def _lab_patch(*, patch: Any) -> Any:
            s = scen()
            table = dict(s.partnership or {})
            df = _lab_frame(table)
            row, col = int(patch["row_index"]), int(patch["column_index"])
            editable = ("value", "low", "high")
            if not (0 <= row < len(df) and 0 <= col < len(df.columns)) or (
                df.columns[col] not in editable
            ):
                raise SafeException("Only a parameter's value, low and high can be edited here.")
            kind, name, column = df.iloc[row]["kind"], df.iloc[row]["name"], df.columns[col]
            text = str(patch["value"] or "").strip()
            try:
                value = state.parse_number(text, f"{name}.{column}") if text else None
            except InputError as err:
                lab_problems_rv.set((str(err),))
                raise SafeException(str(err.problems[0].message)) from None
            new_table = _lab_set(table, kind, name, column, value)
            try:
                new = state.set_partnership(s, new_table)
            except state.EditError as err:
                lab_problems_rv.set(tuple(c.message for c in err.cells))
                raise SafeException(err.cells[0].message if err.cells else str(err)) from None
            lab_problems_rv.set(())
            replace_scenario(new, structural=False)
            return "" if value is None else state.format_number(value)

        @render.ui
        def lab_problems() -> Any:
            probs = lab_problems_rv()
            if not probs:
                return tags.div({"class": "valid"}, "The [partnership] table is valid.")
            return tags.div(
                {"class": "invalid"}, tags.p("Not applied:"), tags.ul(*[tags.li(p) for p in probs])
            )

        @reactive.effect
        @reactive.event(input.run_lab)
        def _run_lab() -> None:
            from detente.app._worker import lab_run

            ms, why = model_scenario()
            if ms is None:
                ui.notification_show(why or "", type="error")
                return
            n = _count(input.lab_n(), 100, 10_000_000)
            if ms.partnership is None:
                ms = ms.model_copy(update={"partnership": {}})
            start(
                "lab",
                "lab",
                f"Strategy lab: {n:,} futures",
                lab_run,
                scenario=ms,
                n_scenarios=n,
                seed=_seed(input.lab_seed()),
            )

        @reactive.effect
        @reactive.event(input.cancel_lab)
        def _cancel_lab() -> None:
            cancel("lab")

        @render.ui
        def lab_status() -> Any:
            return views.job_status(job("lab"))

        @render.ui
        def lab_results() -> Any:
            j = job("lab")
            if j is None or j.state is not JobState.DONE:
                return TagList()
            _res, sec = j.result
            stale = []
            if job_revision.get("lab") != revision():
                stale = [
                    tags.p(
                        "These results are for an earlier version of the scenario.",
                        {"class": "warn"},
                    )
                ]
            return TagList(*stale, views.section(sec))

        # -- runs -----------------------------------------------------------------
        runs_refresh = reactive.value(0)

        @render.ui
        def run_store() -> Any:
            return tags.p("Run store: ", tags.code(str(ws.runs)), {"class": "muted"})

        @reactive.effect
        @reactive.event(input.run_analyze)
        def _analyze() -> None:
            from detente._atomic import atomic_write_text
            from detente.app._worker import run_analyze
            from detente.scenario import dumps

            s = scen()
            name, out_dir, scenario_file = ws.new_run(s.id)
            atomic_write_text(scenario_file, dumps(s, "toml"))
            start(
                "analyze",
                "analyze",
                f"Analyze → {name}",
                run_analyze,
                scenario_file=str(scenario_file),
                out_dir=str(out_dir),
                draws=_count(input.an_draws(), 0, 1_000_000),
                scenarios=_count(input.an_scenarios(), 0, 10_000_000),
                seed=_seed(input.an_seed()),
            )

        @reactive.effect
        @reactive.event(input.cancel_analyze)
        def _cancel_analyze() -> None:
            cancel("analyze")

        @render.ui
        def analyze_status() -> Any:
            j = job("analyze")
            if j is not None and j.state is JobState.DONE:
                with reactive.isolate():
                    runs_refresh.set(runs_refresh() + 1)
                run = Path(j.result["out_dir"]).name
                return TagList(
                    views.job_status(j),
                    tags.p(
                        f"{j.result['panels']} panels drawn. ",
                        tags.a("Open the report", href=f"runs/{run}/report.html", target="_blank"),
                    ),
                )
            return views.job_status(j)

        @reactive.calc
        def runs_frame() -> Any:
            runs_refresh()
            input.refresh_runs()
            from detente.report.runs import list_runs

            folders = ws.run_folders()
            rows = []
            for f in folders:
                try:
                    rows.append((f, list_runs([f]).iloc[0].to_dict()))
                except InputError:
                    continue
            return rows

        @reactive.effect
        def _run_choices() -> None:
            if input.tab() != "runs":  # read the run store only on its page
                return
            names = {f.name: f.name for f, _ in runs_frame()}
            ui.update_select(
                "cmp_a", choices=names, selected=list(names)[1] if len(names) > 1 else None
            )
            ui.update_select("cmp_b", choices=names)

        @render.ui
        def runs_table() -> Any:
            rows = runs_frame()
            if not rows:
                return tags.p("No runs yet: press Analyze.", {"class": "muted"})
            head = tags.tr(
                *[
                    tags.th(h)
                    for h in ("run", "scenario", "finished", "seed", "draws", "futures", "files")
                ]
            )
            body = []
            for f, r in rows:
                links: list[Any] = [
                    tags.a("report", href=f"runs/{f.name}/report.html", target="_blank"),
                    " · ",
                    tags.a("summary", href=f"runs/{f.name}/summary.md?download=1"),
                    " · ",
                    tags.a("store", href=f"runs/{f.name}/results.duckdb?download=1"),
                ]
                body.append(
                    tags.tr(
                        tags.td(f.name),
                        tags.td(str(r.get("scenario", ""))),
                        tags.td(str(r.get("finished", ""))),
                        tags.td(str(r.get("seed", ""))),
                        tags.td(str(r.get("draws", ""))),
                        tags.td(str(r.get("futures", ""))),
                        tags.td(*links),
                    )
                )
            return tags.table(
                {"class": "wb-table", "id": "runs"}, tags.thead(head), tags.tbody(*body)
            )

        @render.ui
        @reactive.event(input.compare)
        def comparison() -> Any:
            from detente.report.runs import compare_runs

            try:
                a = ws.run_folder(str(input.cmp_a() or ""))
                b = ws.run_folder(str(input.cmp_b() or ""))
                cmp = compare_runs(a, b)
            except InputError as err:
                return tags.p(str(err), {"class": "invalid"})
            parts: list[Any] = [
                tags.p(f"A: {cmp.a.scenario_id} ({cmp.a.scenario_hash[:12]}, {cmp.a.finished})"),
                tags.p(f"B: {cmp.b.scenario_id} ({cmp.b.scenario_hash[:12]}, {cmp.b.finished})"),
            ]
            if len(cmp.settings):
                parts += [tags.h5("Settings and versions that differ"), views.table(cmp.settings)]
            if cmp.same_inputs:
                parts.append(tags.p("Inputs: identical scenario files."))
            elif cmp.inputs.empty:
                parts.append(
                    tags.p("Inputs: the files differ, but no actor, issue or stance changed.")
                )
            else:
                parts += [
                    tags.h5(f"Inputs that changed ({len(cmp.inputs)})"),
                    views.table(cmp.inputs),
                ]
            if not cmp.forecasts.empty:
                moved = cmp.forecasts[cmp.forecasts["change"].fillna(1.0).abs() > 1e-9]
                parts += (
                    [tags.h5("Forecasts that moved"), views.table(moved)]
                    if len(moved)
                    else [tags.p("Forecasts: unchanged.")]
                )
            if not cmp.strategy.empty:
                moved_s = cmp.strategy[cmp.strategy["change"].fillna(1.0).abs() > 1e-12]
                parts += (
                    [tags.h5("Strategy metrics that moved"), views.table(moved_s)]
                    if len(moved_s)
                    else [tags.p("Strategy metrics: unchanged.")]
                )
            return TagList(*parts)

        # -- data -----------------------------------------------------------------
        data_key: dict[str, str] = {}

        @reactive.effect
        def _data() -> None:
            if input.tab() != "data":
                return
            ms, _why = model_scenario()
            if ms is None:
                return
            key = state._actor_key(ms)
            if data_key.get("key") == key:
                return
            data_key["key"] = key
            from detente.app._worker import data_sections

            with reactive.isolate():
                start("data", "data", "Data panels", data_sections, scenario=ms)

        @render.ui
        def data_status() -> Any:
            j = job("data")
            if j is None or j.state is JobState.DONE:
                return TagList()
            return views.job_status(j)

        @render.ui
        def data_panels() -> Any:
            j = job("data")
            if j is None or j.state is not JobState.DONE:
                return tags.p("The data panels load when this page is opened.", {"class": "muted"})
            return TagList(*[views.section(sec) for sec in j.result])

    return server


def _seed(value: Any) -> int:
    try:
        seed = int(value)
    except (TypeError, ValueError):
        return 0
    return max(seed, 0)


def _count(value: Any, low: int, high: int) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return low
    return min(max(n, low), high)


def _safe_name(text: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._")[:80] or "scenario"


_LAB_COLUMNS = ["kind", "name", "value", "low", "high", "unit"]


def _lab_frame(table: dict[str, Any]) -> Any:
    """The ``[partnership]`` uncertainties and levers as an editable table (text cells)."""
    import pandas as pd

    from detente.partnership import LEVERS, UNCERTAINTIES

    rows = []
    given_u = dict(table.get("uncertainties") or {})
    given_l = dict(table.get("levers") or {})
    for kind, specs, given in (("uncertainty", UNCERTAINTIES, given_u), ("lever", LEVERS, given_l)):
        for spec in specs:
            entry = given.get(spec.name)
            low, high, value, unit = spec.low, spec.high, spec.nominal, spec.unit
            if isinstance(entry, dict):
                low = entry.get("low", low)
                high = entry.get("high", high)
                value = entry.get("value", value)
                unit = entry.get("unit", unit)
            elif isinstance(entry, int | float):
                low = high = value = float(entry)
            rows.append(
                [
                    kind,
                    spec.name,
                    ""
                    if kind == "uncertainty" or value is None
                    else state.format_number(float(value)),
                    state.format_number(float(low)),
                    state.format_number(float(high)),
                    str(unit or ""),
                ]
            )
    return pd.DataFrame(rows, columns=_LAB_COLUMNS, dtype=object)


def _lab_set(
    table: dict[str, Any], kind: str, name: str, column: str, value: float | None
) -> dict[str, Any]:
    """A copy of ``table`` with one parameter's value, low or high changed."""
    import copy

    from detente.partnership import LEVERS, UNCERTAINTIES

    out = copy.deepcopy(table)
    group = "uncertainties" if kind == "uncertainty" else "levers"
    sub = dict(out.get(group) or {})
    spec = {s.name: s for s in (*UNCERTAINTIES, *LEVERS)}[name]
    entry = sub.get(name)
    if not isinstance(entry, dict):
        base: dict[str, Any] = {"low": spec.low, "high": spec.high}
        if kind == "lever":
            base["value"] = spec.nominal
        if isinstance(entry, int | float):
            base = {"low": float(entry), "high": float(entry)}
        entry = base
    else:
        entry = dict(entry)
    if value is None:
        entry.pop(column, None)
    else:
        entry[column] = value
    sub[name] = entry
    out[group] = sub
    return out


def _sweep_spec(df: Any, actor: str, field: str, issue: str | None) -> dict[str, Any]:
    import altair as alt

    from detente.report.charts import _spec

    chart = (
        alt.Chart(df)
        .mark_line(point=alt.OverlayMarkDef(size=14))
        .encode(
            x=alt.X("value:Q", title=f"{actor}'s {field}"),
            y=alt.Y("forecast:Q", title=f"forecast of {issue}" if issue else "forecast"),
            color=alt.Color("model:N", title="model"),
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("value:Q", format=".4g"),
                alt.Tooltip("forecast:Q", format=".1f"),
            ],
        )
        .properties(width=640, height=260)
    )
    return _spec(chart)
