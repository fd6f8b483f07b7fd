"""The job registry: processes, progress, results, failures, cancelling, owners."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

import app_jobfns as jobfns
from detente.app.jobs import JobRunner, JobState


@pytest.fixture(scope="module")
def runner() -> Iterator[JobRunner]:
    r = JobRunner(max_running=2, grace=1.0)
    yield r
    r.shutdown()


def test_a_job_runs_in_another_process_and_reports_progress(runner: JobRunner) -> None:
    job = runner.submit("alice", "count", "Counting", jobfns.count, n=5, pause=0.05)
    seen = set()
    while not (j := runner.get("alice", job.id)).state.finished:
        if j.progress is not None:
            seen.add(round(j.progress, 1))
        time.sleep(0.01)
    done = runner.get("alice", job.id)
    assert done.state is JobState.DONE and done.result == sum(range(5))
    assert done.progress == 1.0 and done.message == "step 5 of 5"
    pid = runner.wait("alice", runner.submit("alice", "pid", "pid", jobfns.pid).id, 30).result
    assert pid != os.getpid()


def test_failures_say_whose_mistake_it_is(runner: JobRunner) -> None:
    user = runner.wait("alice", runner.submit("alice", "f", "f", jobfns.fail, user=True).id, 30)
    assert user.state is JobState.FAILED and not user.internal
    assert "the value is wrong" in (user.error or "") and "Fix: give another." in (user.error or "")
    bug = runner.wait("alice", runner.submit("alice", "f", "f", jobfns.fail, user=False).id, 30)
    assert bug.state is JobState.FAILED and bug.internal
    assert (bug.error or "").startswith("ZeroDivisionError: a bug")
    died = runner.wait("alice", runner.submit("alice", "d", "d", jobfns.die).id, 30)
    assert died.state is JobState.FAILED and "exit code 3" in (died.error or "")


def test_cancel_stops_a_cooperative_job_and_terminates_a_stuck_one(runner: JobRunner) -> None:
    for ignore in (False, True):
        job = runner.submit("bob", "sleep", "sleep", jobfns.sleep_forever, ignore_cancel=ignore)
        while runner.get("bob", job.id).state is not JobState.RUNNING:
            time.sleep(0.02)
        t0 = time.perf_counter()
        assert runner.cancel("bob", job.id)
        done = runner.wait("bob", job.id, timeout=30)
        assert done.state is JobState.CANCELLED
        assert time.perf_counter() - t0 < (5.0 if ignore else 3.0)
        assert not runner.cancel("bob", job.id)  # already finished


def test_owners_see_and_cancel_only_their_own_jobs(runner: JobRunner) -> None:
    job = runner.submit("carol", "sleep", "sleep", jobfns.sleep_forever)
    assert runner.get("dave", job.id) is None
    assert all(j.owner == "dave" for j in runner.jobs("dave"))
    assert not runner.cancel("dave", job.id)
    v = runner.version("carol")
    runner.cancel("carol", job.id)
    runner.wait("carol", job.id, 30)
    assert runner.version("carol") > v
    runner.forget("carol")
    assert runner.jobs("carol") == []


def test_jobs_beyond_the_limit_wait_and_can_be_cancelled_while_waiting() -> None:
    r = JobRunner(max_running=1, grace=0.5)
    try:
        first = r.submit("e", "sleep", "sleep", jobfns.sleep_forever)
        second = r.submit("e", "count", "count", jobfns.count, n=2)
        while r.get("e", first.id).state is not JobState.RUNNING:
            time.sleep(0.02)
        time.sleep(0.3)
        assert r.get("e", second.id).state is JobState.QUEUED
        r.cancel("e", second.id)
        assert r.get("e", second.id).state is JobState.CANCELLED
        third = r.submit("e", "count", "count", jobfns.count, n=3)
        r.cancel("e", first.id)
        assert r.wait("e", third.id, 30).result == 3
        assert r.get("e", second.id).state is JobState.CANCELLED
    finally:
        r.shutdown()
