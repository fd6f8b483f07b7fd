"""The web application around the Shiny app: routes, limits and serving.

* ``/`` -- the Shiny app (:mod:`detente.app.page`, :mod:`detente.app.server`);
* ``/wb/...`` -- the workbench's own script and style sheet;
* ``/vendor/vega.js`` -- the chart library, bundled offline at start-up (no CDN);
* ``/runs/<run>/<file>`` -- a run's ``report.html`` (opened), ``summary.md`` or
  ``results.duckdb`` (downloaded), only from the run store.

Request bodies (uploads) are cut off above the upload limit, and on a loopback
address only requests naming a loopback host are served (a web page elsewhere cannot
reach the workbench by renaming itself, "DNS rebinding").
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from detente.app.jobs import JobRunner, JobState
from detente.app.warmup import Warmup
from detente.app.workspace import MAX_UPLOAD_BYTES, Workspace, example_files
from detente.errors import InputError

__all__ = ["create_app", "is_loopback", "serve"]

WWW = Path(__file__).with_name("www")
#: Room for the form fields around an uploaded file.
_BODY_SLACK = 256 * 1024


def is_loopback(host: str) -> bool:
    """True for 127.0.0.1, ::1, localhost and the rest of the loopback range."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: refuse request bodies larger than ``limit`` bytes (413)."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key == b"content-length" and value.isdigit() and int(value) > self.limit:
                await self._refuse(send)
                return
        total = 0
        started = False

        async def limited_receive() -> Any:
            nonlocal total
            msg = await receive()
            if msg.get("type") == "http.request":
                total += len(msg.get("body", b""))
                if total > self.limit:
                    raise _TooLarge()
            return msg

        async def tracking_send(msg: Any) -> None:
            nonlocal started
            if msg.get("type") == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    @staticmethod
    async def _refuse(send: Any) -> None:
        body = (
            f"The file is larger than the {MAX_UPLOAD_BYTES // 2**20} MB the workbench accepts."
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")],
            }
        )
        await send({"type": "http.response.body", "body": body})


def create_app(
    workspace: Workspace,
    *,
    runner: JobRunner | None = None,
    warm: Warmup | None = None,
    host: str = "127.0.0.1",
    start: bool = True,
) -> tuple[Any, Any]:
    """The workbench as an ASGI application, and its shared context.

    Parameters
    ----------
    workspace
        Where scenarios are read and saved, and the run store.
    runner
        The job runner (default: one with the forkserver preloading the models).
    warm
        The warm-up (default: a new one).
    host
        The address it will listen on (a loopback address restricts Host headers).
    start
        Start the warm-up now.

    Returns
    -------
    tuple
        ``(asgi_app, context)``.
    """
    # Shiny's OpenTelemetry hooks: nothing collected (no exporter is installed either)
    os.environ.setdefault("SHINY_OTEL_COLLECT", "none")
    from shiny import App
    from starlette.applications import Starlette
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.requests import Request
    from starlette.responses import FileResponse, PlainTextResponse, Response
    from starlette.routing import Mount, Route

    from detente.app.page import page
    from detente.app.server import Context, make_server

    runner = runner or JobRunner(preload=("detente.app._preload",))
    warm = warm or Warmup()
    ctx = Context(workspace, runner, warm)

    def ui(_request: Any) -> Any:
        return page(workspace.scenario_files(), list(example_files()))

    shiny_app = App(ui, make_server(ctx), static_assets={"/wb": str(WWW)})

    async def vega(_request: Request) -> Response:
        import anyio

        bundle = await anyio.to_thread.run_sync(warm.bundle, 600.0)
        if bundle is None:
            return PlainTextResponse(
                f"the chart library could not be bundled: {warm.bundle_error}", status_code=503
            )
        return Response(
            bundle,
            media_type="text/javascript",
            headers={"Cache-Control": "private, max-age=3600"},
        )

    async def run_file(request: Request) -> Response:
        run = str(request.path_params["run"])
        name = str(request.path_params["name"])
        try:
            path = workspace.run_file(run, name)
        except InputError:
            return PlainTextResponse("no such run file", status_code=404)
        download = request.query_params.get("download") == "1" or name != "report.html"
        media = {
            "report.html": "text/html; charset=utf-8",
            "summary.md": "text/markdown; charset=utf-8",
            "results.duckdb": "application/octet-stream",
        }[name]
        return FileResponse(
            path,
            media_type=media,
            filename=f"{run}-{name}" if download else None,
            content_disposition_type="attachment" if download else "inline",
        )

    app: Any = Starlette(
        routes=[
            Route("/vendor/vega.js", vega),
            Route("/favicon.ico", lambda _r: Response(status_code=204)),
            Route("/runs/{run}/{name}", run_file),
            Mount("/", app=shiny_app),
        ],
        lifespan=_lifespan(runner),
    )
    if is_loopback(host):
        app = TrustedHostMiddleware(app, allowed_hosts=["127.0.0.1", "localhost", "::1", "[::1]"])
    app = BodyLimit(app, MAX_UPLOAD_BYTES + _BODY_SLACK)
    if start:
        warm.start(before=lambda: _prepare(workspace), compile_elsewhere=lambda: _compile(runner))
    return app, ctx


def _prepare(workspace: Workspace) -> None:
    """Look up the first scenario's data capabilities (the lookup's cache is shared)."""
    import detente.pipeline.accuracy  # noqa: F401  (not on the page's thread later)
    from detente.app import state
    from detente.app.server import initial_scenario

    state.resolve(initial_scenario(workspace)[0])


def _lifespan(runner: JobRunner) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        try:
            yield
        finally:
            runner.shutdown()

    return lifespan


def _compile(runner: JobRunner) -> Iterator[set[str]]:
    """Run every model once in a job process (numba compiles there and fills its
    cache); yield the models done so far each time the set grows."""
    from detente.app._worker import warm_models

    job = runner.submit("app", "warm", "warm-up", warm_models, queue=False)
    done: set[str] = set()
    while True:
        j = runner.get("app", job.id)
        if j is None:
            return
        if j.state is JobState.DONE:
            yield set(j.result)
            return
        if j.state.finished:
            return
        now = (
            set(filter(None, j.message.removeprefix("done: ").split(",")))
            if j.message.startswith("done: ")
            else set()
        )
        if now - done:
            done |= now
            yield set(done)
        time.sleep(0.1)


def serve(
    path: Path | None,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    runs: Path | None = None,
) -> None:
    """Serve the workbench until interrupted.

    Raises
    ------
    InputError
        For a PATH that is neither a scenario file nor a folder.
    """
    import uvicorn

    workspace = Workspace.from_path(path, runs)
    app, ctx = create_app(workspace, host=host)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", ws="auto")
    finally:
        ctx.runner.shutdown()
