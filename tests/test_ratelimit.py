"""Rate limits count the same in the database and in Redis, atomically across workers, and a
store fault is loud, not fatal."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import redis
from flask import Flask
from sqlalchemy import func, select

from engage import connect_redis
from engage.platform import database
from engage.platform.extensions import rate_limiter
from engage.platform.maintenance import run_maintenance
from engage.platform.models import AuditEvent, RateLimitCounter
from engage.platform.ratelimit import DatabaseStorage, Limit, RateLimiter, SharedRedisStorage, epoch_now
from tests.conftest import FrozenClock

LIMIT = Limit("test", count=3, seconds=60)


def redis_limiter(url: str, namespace: str) -> RateLimiter:
    return RateLimiter(SharedRedisStorage(connect_redis(url), namespace))


@pytest.fixture(params=["database", "redis"])
def new_limiter(request: pytest.FixtureRequest) -> Iterator[Callable[[], RateLimiter]]:
    """Makes limiters that share one store, each with its own connections, like workers."""
    engines = []
    if request.param == "database":
        request.getfixturevalue("app")  # a migrated database, emptied afterwards
        url = request.getfixturevalue("database_url")

        def make() -> RateLimiter:
            engine = database.make_engine(url)
            engines.append(engine)
            return RateLimiter(DatabaseStorage(engine), clock=epoch_now)

        yield make
    else:
        url = request.getfixturevalue("redis_url")
        namespace = request.getfixturevalue("redis_namespace")
        yield lambda: redis_limiter(url, namespace)
    for engine in engines:
        engine.dispose()


def test_allows_up_to_the_limit_then_refuses(new_limiter: Callable[[], RateLimiter]) -> None:
    limiter = new_limiter()
    verdicts = [limiter.hit(LIMIT, "someone") for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert 0 < verdicts[-1].retry_after <= 61
    assert limiter.hit(LIMIT, "someone else").allowed, "identities are counted apart"


def test_identities_are_normalised(new_limiter: Callable[[], RateLimiter]) -> None:
    limiter = new_limiter()
    for _ in range(3):
        limiter.hit(LIMIT, "Person@Example.org ")
    assert not limiter.hit(LIMIT, "person@example.org").allowed


def test_reset_clears_the_window_and_forgive_takes_back_one_hit(
    new_limiter: Callable[[], RateLimiter],
) -> None:
    limiter = new_limiter()
    for _ in range(3):
        limiter.hit(LIMIT, "x")
    limiter.reset(LIMIT, "x")
    assert [limiter.hit(LIMIT, "x").allowed for _ in range(4)] == [True, True, True, False]
    limiter.forgive(LIMIT, "y")  # nothing to take back: never below a fresh window
    assert [limiter.hit(LIMIT, "y").allowed for _ in range(3)] == [True, True, True]
    limiter.forgive(LIMIT, "y")
    assert limiter.hit(LIMIT, "y").allowed, "one hit taken back gives exactly one more"
    assert not limiter.hit(LIMIT, "y").allowed


def test_a_window_ends(new_limiter: Callable[[], RateLimiter]) -> None:
    limiter = new_limiter()
    short = Limit("short", count=1, seconds=1)
    assert limiter.hit(short, "x").allowed
    assert not limiter.hit(short, "x").allowed
    time.sleep(1.2)
    assert limiter.hit(short, "x").allowed, "a new window starts afresh"


def test_concurrent_hits_from_several_workers_allow_exactly_the_limit(
    new_limiter: Callable[[], RateLimiter],
) -> None:
    """Each thread has its own limiter and connections, as separate worker processes do."""
    attempts, limit = 24, Limit("race", count=5, seconds=60)
    limiters = [new_limiter() for _ in range(attempts)]
    start = threading.Barrier(attempts)
    allowed: list[bool] = []

    def attempt(limiter: RateLimiter) -> None:
        start.wait()
        allowed.append(limiter.hit(limit, "target@example.org").allowed)

    threads = [threading.Thread(target=attempt, args=(limiter,)) for limiter in limiters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(allowed) == attempts and all(limiter.last_error is None for limiter in limiters)
    assert allowed.count(True) == 5


def test_database_windows_follow_the_app_clock_and_maintenance_purges_ended_ones(
    app: Flask, frozen_clock: FrozenClock
) -> None:
    storage = DatabaseStorage(app.extensions["engage.engine"])
    limiter = RateLimiter(storage, clock=epoch_now)
    for _ in range(4):
        limiter.hit(LIMIT, "x")
    refused = limiter.hit(LIMIT, "x")
    assert not refused.allowed and refused.retry_after == 60
    frozen_clock.advance(seconds=30)
    limiter.hit(LIMIT, "y")
    assert limiter.hit(LIMIT, "x").retry_after == 30
    frozen_clock.advance(seconds=31)
    with app.app_context():
        assert run_maintenance()["ended rate-limit windows"] == 1, "x's window ended; y's has not"
        assert database.db().scalar(select(func.count()).select_from(RateLimitCounter)) == 1
    assert limiter.hit(LIMIT, "x").allowed


def test_redis_keys_expire(redis_url: str, redis_namespace: str) -> None:
    redis_limiter(redis_url, redis_namespace).hit(LIMIT, "x")
    client = redis.Redis.from_url(redis_url)
    [key] = list(client.scan_iter(f"{redis_namespace}:rl:*"))
    assert 0 < client.ttl(key) <= 60


def test_unreachable_redis_fails_open_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    dead = connect_redis("redis://127.0.0.1:1/0")
    limiter = RateLimiter(SharedRedisStorage(dead, "dead"))
    with caplog.at_level(logging.ERROR, logger="engage.platform.ratelimit"):
        for _ in range(5):
            verdict = limiter.hit(LIMIT, "x")
        limiter.forgive(LIMIT, "x")
        limiter.reset(LIMIT, "x")
    assert verdict.allowed
    assert limiter.last_error and "ConnectionError" in limiter.last_error
    assert any("Rate limit store unavailable" in r.getMessage() for r in caplog.records)


def test_unusable_database_fails_open_and_logs(tmp_path: object, caplog: pytest.LogCaptureFixture) -> None:
    engine = database.make_engine(f"sqlite:///{tmp_path}/no-tables.sqlite3")
    limiter = RateLimiter(DatabaseStorage(engine), clock=epoch_now)
    with caplog.at_level(logging.ERROR, logger="engage.platform.ratelimit"):
        verdicts = [limiter.hit(LIMIT, "x") for _ in range(5)]
    engine.dispose()
    assert all(v.allowed for v in verdicts)
    assert limiter.last_error and "OperationalError" in limiter.last_error
    assert any("Rate limit store unavailable" in r.getMessage() for r in caplog.records)


def test_counting_after_the_request_has_written_neither_waits_nor_fails(app: Flask) -> None:
    """On SQLite the request's session then holds the write lock; the count joins its
    transaction instead of waiting five seconds for a lock its own request holds."""
    with app.test_request_context():
        database.db().add(AuditEvent(actor_label="test", action="test.write", object_type="test"))
        database.db().flush()
        started = time.monotonic()
        verdicts = [rate_limiter().hit(LIMIT, "writer") for _ in range(4)]
        assert time.monotonic() - started < 2
        assert [v.allowed for v in verdicts] == [True, True, True, False]
        assert rate_limiter().last_error is None
        database.db().commit()
    with app.test_request_context():
        assert not rate_limiter().hit(LIMIT, "writer").allowed, "the counts were kept"
