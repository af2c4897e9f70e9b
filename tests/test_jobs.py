"""Background jobs run on RQ with Redis, or straight away without it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from rq import Queue, SimpleWorker

from engage.platform import jobs

RESULTS: list[str] = []


def remember(path: str, value: str) -> None:
    Path(path).write_text(value, encoding="utf-8")


def explode() -> None:
    raise ValueError("job went wrong")


def test_without_redis_jobs_run_in_process(app: Flask, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with app.app_context():
        handle = jobs.enqueue(remember, str(target), "hello")
    assert handle.backend == "inline" and handle.status == "finished"
    assert target.read_text() == "hello"


def test_in_process_failures_are_reported_and_logged(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    with app.app_context():
        handle = jobs.enqueue(explode)
    assert handle.status == "failed"
    assert handle.error == "job went wrong"
    assert any("In-process job explode failed" in r.getMessage() for r in caplog.records)


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    if "with_redis" not in request.node.name:
        return {}
    return {
        "redis_url": request.getfixturevalue("redis_url"),
        "redis_namespace": request.getfixturevalue("redis_namespace"),
    }


def test_with_redis_jobs_are_queued_and_run_by_a_worker(app: Flask, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with app.app_context():
        handle = jobs.enqueue(remember, str(target), "from the worker")
        assert handle.backend == "rq"
        assert not target.exists(), "queued, not run yet"
        client = app.extensions["engage.redis"]
        queue = Queue(jobs.queue_name(app), connection=client)
        assert queue.count == 1
        SimpleWorker([queue], connection=client).work(burst=True)
    assert target.read_text() == "from the worker"


def test_jobs_worker_command_needs_redis(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 1
    assert "ENGAGE_REDIS_URL is not set" in result.output
