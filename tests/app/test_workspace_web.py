"""What the workbench may read and write, and its web layer: paths, uploads, routes."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest

from detente.app.workspace import MAX_UPLOAD_BYTES, Workspace, example_files, read_upload
from detente.errors import InputError
from support import REPO


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    shutil.copy(REPO / "examples" / "europe_turkey.toml", tmp_path / "case.toml")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "other.toml").write_text("[scenario]\n")
    (tmp_path / "notes.txt").write_text("not a scenario")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.toml"
    outside.write_text("x")
    (tmp_path / "link.toml").symlink_to(outside)
    return Workspace.from_path(tmp_path)


def test_only_the_workspace_files_can_be_opened(ws: Workspace) -> None:
    files = ws.scenario_files()
    assert "case.toml" in files and "sub/other.toml" in files
    assert "link.toml" not in files and "notes.txt" not in files
    assert ws.scenario_path("case.toml") == ws.root / "case.toml"
    for bad in ("../x.toml", "/etc/passwd", "link.toml", "sub/../../x.toml", "notes.txt"):
        with pytest.raises(InputError):
            ws.scenario_path(bad)


def test_save_names_stay_in_the_workspace(ws: Workspace) -> None:
    assert ws.save_path("mine") == ws.root / "mine.toml"
    assert ws.save_path("My case 2.toml") == ws.root / "My case 2.toml"
    for bad in ("../evil", "/tmp/x", "a/b", "..", ".hidden", "sub\\x", "x" * 200, ""):
        with pytest.raises(InputError):
            ws.save_path(bad)


def test_run_files_cannot_escape_the_run_store(ws: Workspace) -> None:
    name, out, inp = ws.new_run("europe/turkey <x>")
    assert out.parent == ws.runs and inp.parent == ws.runs / ".inputs"
    assert "/" not in name and "<" not in name
    assert name != ws.new_run("europe/turkey <x>")[0]
    out.mkdir()
    (out / "results.duckdb").write_text("x")
    (out / "report.html").write_text("<p>r</p>")
    assert ws.run_file(name, "report.html") == out / "report.html"
    for run, file in (
        (name, "../../case.toml"),
        ("..", "report.html"),
        (name, "run.json"),
        ("nope", "report.html"),
    ):
        with pytest.raises(InputError):
            ws.run_file(run, file)
    assert ws.run_folders() == [out]


def test_workspace_from_a_file_or_a_folder(tmp_path: Path) -> None:
    f = tmp_path / "a.toml"
    f.write_text("")
    w = Workspace.from_path(f)
    assert w.root == tmp_path.resolve() and w.initial == f.resolve() and w.runs == w.root / "runs"
    with pytest.raises(InputError):
        Workspace.from_path(tmp_path / "missing.toml")
    (tmp_path / "a.pdf").write_text("")
    with pytest.raises(InputError):
        Workspace.from_path(tmp_path / "a.pdf")
    assert "europe_turkey.toml" in example_files()


def test_uploads_are_limited_and_read_by_the_cli_readers(tmp_path: Path) -> None:
    good = tmp_path / "0.toml"
    shutil.copy(REPO / "examples" / "europe_turkey.toml", good)
    (s,) = read_upload("case.toml", good.stat().st_size, good)
    assert s.id == "europe_turkey"
    with pytest.raises(InputError, match="10 MB"):
        read_upload("big.toml", MAX_UPLOAD_BYTES + 1, good)
    with pytest.raises(InputError, match="not a scenario file"):
        read_upload("evil.exe", 10, good)
    bad = tmp_path / "1.toml"
    bad.write_text(good.read_text().replace("position = 55", "position = 155", 1))
    with pytest.raises(InputError) as err:
        read_upload("../../mine.toml", bad.stat().st_size, bad)
    p = err.value.problems[0]
    assert p.file == "mine.toml" and p.line is not None and "155" in p.message


def _call(
    app: Any,
    method: str,
    path: str,
    body: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)] or [b""]

    async def receive() -> dict[str, Any]:
        if not chunks:  # the body was read: the client waits for the answer
            await asyncio.sleep(3600)
        chunk = chunks.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    async def send(msg: dict[str, Any]) -> None:
        sent.append(msg)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "headers": headers or [],
        "query_string": b"",
    }
    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_request_bodies_beyond_the_limit_are_refused() -> None:
    from detente.app.web import BodyLimit

    async def echo(scope: Any, receive: Any, send: Any) -> None:
        size = 0
        while True:
            msg = await receive()
            size += len(msg.get("body", b""))
            if not msg.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(size).encode()})

    app = BodyLimit(echo, 1000)
    assert _call(app, "POST", "/u", b"x" * 900) == (200, b"900")
    assert _call(app, "POST", "/u", b"x" * 200_000)[0] == 413
    assert _call(app, "POST", "/u", b"", [(b"content-length", b"5000")])[0] == 413
    assert _call(app, "GET", "/u")[0] == 200


def test_loopback_addresses() -> None:
    from detente.app.web import is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "127.5.0.1", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.2", "example.org", "::"))


def test_the_app_serves_run_files_only_from_the_store(ws: Workspace) -> None:
    from detente.app.jobs import JobRunner
    from detente.app.web import create_app

    name, out, _ = ws.new_run("case")
    out.mkdir()
    (out / "results.duckdb").write_bytes(b"db")
    (out / "report.html").write_text("<p>report</p>")
    (out / "summary.md").write_text("# s")
    app, ctx = create_app(ws, runner=JobRunner(max_running=1), start=False)
    host = [(b"host", b"127.0.0.1:8000")]
    try:
        status, body = _call(app, "GET", f"/runs/{name}/report.html", headers=host)
        assert status == 200 and body == b"<p>report</p>"
        assert _call(app, "GET", f"/runs/{name}/summary.md", headers=host) == (200, b"# s")
        for bad in (
            f"/runs/{name}/../../case.toml",
            "/runs/../report.html",
            f"/runs/{name}/run.json",
            "/runs/nope/report.html",
        ):
            status, body = _call(app, "GET", bad, headers=host)
            assert status == 404 and b"scenario" not in body, bad
        assert _call(app, "GET", "/", headers=[(b"host", b"evil.example")])[0] == 400
        status, body = _call(app, "GET", "/", headers=host)
        assert status == 200 and b"detente workbench" in body
        assert _call(app, "GET", "/wb/workbench.js", headers=host)[0] == 200
    finally:
        ctx.runner.shutdown()


def test_the_cli_warns_when_listening_beyond_this_machine(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import detente.app.web as web
    from detente.cli import main

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(web, "serve", lambda path, **kw: calls.append({"path": path, **kw}))
    assert main(["app", str(REPO / "examples"), "--host", "0.0.0.0", "--port", "8123"]) == 0
    assert calls and calls[0]["host"] == "0.0.0.0" and calls[0]["port"] == 8123
    assert "warning: listening on 0.0.0.0" in capsys.readouterr().err
    assert main(["app", str(REPO / "examples")]) == 0
    assert calls[-1]["host"] == "127.0.0.1" and "warning" not in capsys.readouterr().err
