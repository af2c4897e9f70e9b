"""Redis going away while the service runs: rate limits fail open, jobs run in-process.

Redis holds no data of record (rate-limit counts and the job queue), so its loss must
never stop a resident or an officer: every failure is logged at ERROR, /healthz says
"degraded" (still 200), and when Redis returns the limits count again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask

from tests.faults.proxy import TcpProxy
from tests.forums.conftest import make_forum, members, outbox
from tests.support.forums import register
from tests.support.mail import Inbox, smtp_server
from tests.support.pages import PageClient

__all__ = ["make_forum", "smtp_server"]


@pytest.fixture
def redis_proxy(redis_url: str) -> Iterator[TcpProxy]:
    target = urlsplit(redis_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 6379).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def settings_overrides(
    redis_proxy: TcpProxy, redis_namespace: str, smtp_server: tuple[Inbox, int]
) -> dict[str, Any]:
    return {
        "redis_url": f"redis://127.0.0.1:{redis_proxy.port}/0",
        "redis_namespace": redis_namespace,
        "forum_signups_per_hour": 2,
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_server[1],
        "smtp_use_tls": False,
    }


def test_rate_limits_fail_open_and_count_again_when_redis_returns(
    client: PageClient,
    app: Flask,
    redis_proxy: TcpProxy,
    make_forum: Callable[..., str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    make_forum()
    register(client, email="one@example.org")
    redis_proxy.stop()
    with caplog.at_level(logging.ERROR):
        register(client, email="two@example.org")
        register(client, email="three@example.org")
        health = app.test_client().get("/healthz")
    assert len(members(app)) == 3, "nobody was turned away because Redis was down"
    assert any("Rate limit store unavailable" in r.getMessage() for r in caplog.records)
    assert health.status_code == 200 and health.get_json()["status"] == "degraded"

    redis_proxy.start()
    register(client, email="four@example.org")
    refused = register(client, email="five@example.org", expected_status=429)
    assert "too many sign-ups" in refused.error_summary()[0], "limits count again"
    assert app.test_client().get("/healthz").get_json()["status"] == "ok"


def test_jobs_run_in_process_while_redis_is_down(
    client: PageClient,
    app: Flask,
    redis_proxy: TcpProxy,
    smtp_server: tuple[Inbox, int],
    make_forum: Callable[..., str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    make_forum()
    register(client, email="queued@example.org")
    [queued] = outbox(app, "forum_confirm")
    inbox = smtp_server[0]
    assert queued.status == "queued" and not inbox.messages, "with Redis up, a worker would send it"

    redis_proxy.stop()
    with caplog.at_level(logging.ERROR, logger="engage.platform.jobs"):
        register(client, email="inline@example.org")
    sent = [m for m in outbox(app, "forum_confirm") if m.to_address == "inline@example.org"]
    assert [m.status for m in sent] == ["sent"], "delivered straight away instead"
    assert [m["To"] for m in inbox.messages] == ["inline@example.org"]
    assert any("Redis unavailable, running job" in r.getMessage() for r in caplog.records)
