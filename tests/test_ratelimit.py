"""Rate limits count the same in memory and in Redis, and a Redis fault is loud, not fatal."""

from __future__ import annotations

import logging

import pytest
import redis

from engage import connect_redis
from engage.ratelimit import Limit, MemoryStore, RateLimiter, RedisStore, Store

LIMIT = Limit("test", count=3, seconds=60)


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> Store:
    if request.param == "memory":
        return MemoryStore()
    url = request.getfixturevalue("redis_url")
    namespace = request.getfixturevalue("redis_namespace")
    return RedisStore(redis.Redis.from_url(url), prefix=f"{namespace}:rl:")


def test_allows_up_to_the_limit_then_refuses(store: Store) -> None:
    now = [6_000_000.0]
    limiter = RateLimiter(store, clock=lambda: now[0])
    verdicts = [limiter.hit(LIMIT, "someone") for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert [v.remaining for v in verdicts] == [2, 1, 0, 0]
    assert 0 < verdicts[-1].retry_after <= 61
    assert not limiter.is_blocked(LIMIT, "someone").allowed
    assert limiter.is_blocked(LIMIT, "someone else").allowed, "identities are counted apart"
    now[0] += 60
    assert limiter.hit(LIMIT, "someone").allowed, "a new window starts afresh"


def test_identities_are_normalised(store: Store) -> None:
    limiter = RateLimiter(store, clock=lambda: 6_000_000.0)
    for _ in range(3):
        limiter.hit(LIMIT, "Person@Example.org ")
    assert not limiter.is_blocked(LIMIT, "person@example.org").allowed


def test_reset_clears_the_window(store: Store) -> None:
    limiter = RateLimiter(store, clock=lambda: 6_000_000.0)
    for _ in range(3):
        limiter.hit(LIMIT, "x")
    limiter.reset(LIMIT, "x")
    assert limiter.is_blocked(LIMIT, "x").allowed


def test_redis_keys_expire(redis_url: str, redis_namespace: str) -> None:
    client = redis.Redis.from_url(redis_url)
    RateLimiter(RedisStore(client, prefix=f"{redis_namespace}:rl:")).hit(LIMIT, "x")
    [key] = list(client.scan_iter(f"{redis_namespace}:rl:*"))
    assert 0 < client.ttl(key) <= 61


def test_unreachable_redis_fails_open_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    dead = connect_redis("redis://127.0.0.1:1/0")
    limiter = RateLimiter(RedisStore(dead))
    with caplog.at_level(logging.ERROR, logger="engage.ratelimit"):
        verdict = limiter.hit(LIMIT, "x")
        blocked = limiter.is_blocked(LIMIT, "x")
    assert verdict.allowed and blocked.allowed
    assert limiter.last_error and "ConnectionError" in limiter.last_error
    assert any("Rate limit store unavailable" in r.getMessage() for r in caplog.records)
