"""Fixed-window rate limits, counted in Redis when configured, in memory otherwise.

Several gunicorn workers only share limits through Redis; the in-memory store is
for the embedded single-machine default and for tests. When a configured Redis
fails, the limit is not enforced for that request (residents are not locked out by
an infrastructure fault) but the failure is logged at ERROR and shown by /healthz.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import redis

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """``count`` hits per ``seconds`` for one kind of key (e.g. ``login:account``)."""

    scope: str
    count: int
    seconds: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    remaining: int
    retry_after: int


class Store(Protocol):
    def hit(self, key: str, window_seconds: int, now: float) -> int:
        """Add one hit to ``key``'s current window and return the window's total."""

    def peek(self, key: str, window_seconds: int, now: float) -> int:
        """The current window's total without adding to it."""

    def clear(self, key: str, window_seconds: int, now: float) -> None:
        """Forget ``key``'s current window (e.g. after a successful sign-in)."""


def _window(window_seconds: int, now: float) -> int:
    return int(now // window_seconds)


class MemoryStore:
    """Counts in this process. Right for one worker; each worker counts on its own."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, window_seconds: int, now: float) -> int:
        window = _window(window_seconds, now)
        with self._lock:
            self._expire(window_seconds, window)
            total = self._counts.get((key, window), 0) + 1
            self._counts[(key, window)] = total
            return total

    def peek(self, key: str, window_seconds: int, now: float) -> int:
        with self._lock:
            return self._counts.get((key, _window(window_seconds, now)), 0)

    def clear(self, key: str, window_seconds: int, now: float) -> None:
        with self._lock:
            self._counts.pop((key, _window(window_seconds, now)), None)

    def _expire(self, window_seconds: int, current: int) -> None:
        if len(self._counts) > 10_000:
            for stale in [k for k in self._counts if k[1] < current]:
                del self._counts[stale]


class RedisStore:
    """Counts shared by every worker and machine through Redis."""

    def __init__(self, client: redis.Redis, prefix: str = "engage:rl:") -> None:
        self._client = client
        self._prefix = prefix

    def _key(self, key: str, window_seconds: int, now: float) -> str:
        return f"{self._prefix}{key}:{_window(window_seconds, now)}"

    def hit(self, key: str, window_seconds: int, now: float) -> int:
        full = self._key(key, window_seconds, now)
        pipe = self._client.pipeline()
        pipe.incr(full)
        pipe.expire(full, window_seconds + 1)
        total, _ = pipe.execute()
        return int(total)

    def peek(self, key: str, window_seconds: int, now: float) -> int:
        value = self._client.get(self._key(key, window_seconds, now))
        return int(value) if value is not None else 0  # type: ignore[arg-type]

    def clear(self, key: str, window_seconds: int, now: float) -> None:
        self._client.delete(self._key(key, window_seconds, now))


class RateLimiter:
    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self._clock = clock
        self.last_error: str | None = None

    @staticmethod
    def _key(limit: Limit, identity: str) -> str:
        digest = hashlib.sha256(identity.strip().lower().encode("utf-8")).hexdigest()[:32]
        return f"{limit.scope}:{digest}"

    def _retry_after(self, limit: Limit, now: float) -> int:
        return int(limit.seconds - (now % limit.seconds)) + 1

    def hit(self, limit: Limit, identity: str) -> Verdict:
        """Count one attempt; refused once the window already holds ``limit.count``."""
        now = self._clock()
        try:
            total = self.store.hit(self._key(limit, identity), limit.seconds, now)
        except redis.RedisError as error:
            self._record_failure(error)
            return Verdict(allowed=True, remaining=limit.count, retry_after=0)
        self.last_error = None
        return Verdict(
            allowed=total <= limit.count,
            remaining=max(limit.count - total, 0),
            retry_after=self._retry_after(limit, now) if total > limit.count else 0,
        )

    def is_blocked(self, limit: Limit, identity: str) -> Verdict:
        """Whether ``identity`` has used up its attempts, without counting one."""
        now = self._clock()
        try:
            total = self.store.peek(self._key(limit, identity), limit.seconds, now)
        except redis.RedisError as error:
            self._record_failure(error)
            return Verdict(allowed=True, remaining=limit.count, retry_after=0)
        blocked = total >= limit.count
        return Verdict(
            allowed=not blocked,
            remaining=max(limit.count - total, 0),
            retry_after=self._retry_after(limit, now) if blocked else 0,
        )

    def reset(self, limit: Limit, identity: str) -> None:
        try:
            self.store.clear(self._key(limit, identity), limit.seconds, self._clock())
        except redis.RedisError as error:
            self._record_failure(error)

    def _record_failure(self, error: Exception) -> None:
        self.last_error = f"{type(error).__name__}: {error}"
        log.error("Rate limit store unavailable; limit not enforced for this request: %s", error)
