"""Rate limits: the `limits` library's fixed windows, counted where every worker sees them.

* With Redis configured, counts live in Redis (``limits``' own ``RedisStorage`` on the
  app's client: one Lua ``INCRBY`` + ``EXPIRE``, atomic), under
  ``<ENGAGE_REDIS_NAMESPACE>:rl``; :class:`SharedRedisStorage` adds only a decrement.
* Without Redis, counts live in the application's database (:class:`DatabaseStorage`,
  a ``limits`` storage on the ``rate_limit_counter`` table): one ``INSERT … ON CONFLICT
  DO UPDATE … RETURNING`` per hit, atomic on SQLite and PostgreSQL, so every gunicorn
  worker, and every machine sharing a PostgreSQL database, counts together. ``limits``
  has no storage for SQL databases; its in-memory storage counts per process, which is
  what let several workers each allow the whole limit.

:meth:`RateLimiter.hit` counts an attempt and decides in one atomic step. Callers count
*before* doing what the limit guards (checking a password, looking up a code, sending an
email), so concurrent attempts cannot all pass a check that has not yet seen the others.
:meth:`RateLimiter.forgive` takes back one hit once the attempt turned out to be
legitimate (a right code), and :meth:`RateLimiter.reset` clears a key's window.

The database storage writes in its own short transaction, committed at once, so other
workers see the count straight away. One exception: on SQLite, when the request's own
session already holds the write lock (it has written something), the count joins that
transaction instead, since a second connection would wait for a lock its own request
holds. Other workers then wait for that commit before counting, so it stays atomic.

When the store fails (Redis down, the database locked), the limit is not enforced for
that request (residents are not locked out by an infrastructure fault) but the failure
is logged at ERROR and /healthz shows it.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import RedisStorage, Storage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import case, delete, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from engage.platform import clock
from engage.platform.models import RateLimitCounter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """``count`` hits per ``seconds`` for one kind of key (e.g. ``login:account``)."""

    scope: str
    count: int
    seconds: int

    def item(self) -> RateLimitItem:
        return RateLimitItemPerSecond(self.count, self.seconds, namespace=self.scope)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int


def epoch_now() -> float:
    """``engage.platform.clock`` as seconds since the epoch, so tests can move the database's windows."""
    return clock.now().timestamp()


class DatabaseStorage(Storage):
    """A ``limits`` storage on the application's database (SQLite or PostgreSQL).

    A row per key: its hits and when its window ends. :meth:`incr` is one statement that
    starts a new window when the row is missing or expired and adds to it otherwise, the
    same rule as ``limits``' Redis script, and returns the new total.
    """

    STORAGE_SCHEME = None

    def __init__(
        self,
        engine: Engine,
        *,
        now: Callable[[], float] = epoch_now,
        writing_connection: Callable[[], Connection | None] = lambda: None,
    ) -> None:
        """``writing_connection`` gives the caller's connection when it already holds SQLite's
        write lock: counts then join that transaction instead of waiting for it."""
        super().__init__(wrap_exceptions=True)
        self.engine = engine
        self.now = now
        self.writing_connection = writing_connection

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        joined = self.writing_connection()
        if joined is not None:
            yield joined
            return
        with self.engine.begin() as connection:
            yield connection

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def _at(self, seconds: float) -> datetime:
        return datetime.fromtimestamp(seconds, UTC)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        row = RateLimitCounter
        now = self.now()
        dialect = self.engine.dialect.name
        insert = (sqlite.insert if dialect == "sqlite" else postgresql.insert)(row)
        insert = insert.values(key=key, hits=amount, expires_at=self._at(now + expiry))
        expired = row.expires_at <= self._at(now)
        statement = insert.on_conflict_do_update(
            index_elements=[row.key],
            set_={
                "hits": case((expired, insert.excluded.hits), else_=row.hits + insert.excluded.hits),
                "expires_at": case((expired, insert.excluded.expires_at), else_=row.expires_at),
            },
        ).returning(row.hits)
        with self._writing() as connection:
            return int(connection.execute(statement).scalar_one())

    def decr(self, key: str, amount: int = 1) -> int:
        """Take ``amount`` back from the current window, never below zero; 0 when it has ended."""
        row = RateLimitCounter
        statement = (
            update(row)
            .where(row.key == key, row.expires_at > self._at(self.now()))
            .values(hits=case((row.hits > amount, row.hits - amount), else_=0))
            .returning(row.hits)
        )
        try:
            with self._writing() as connection:
                return int(connection.execute(statement).scalar() or 0)
        except SQLAlchemyError as error:
            raise StorageError(error) from error

    def _row(self, key: str) -> tuple[int, float] | None:
        with self._writing() as connection:  # a read, but it must see a joined transaction's counts
            row = connection.execute(
                select(RateLimitCounter.hits, RateLimitCounter.expires_at).where(
                    RateLimitCounter.key == key, RateLimitCounter.expires_at > self._at(self.now())
                )
            ).first()
        return None if row is None else (int(row.hits), row.expires_at.timestamp())

    def get(self, key: str) -> int:
        row = self._row(key)
        return 0 if row is None else row[0]

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return self.now() if row is None else row[1]

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as connection:
            return connection.execute(delete(RateLimitCounter)).rowcount

    def clear(self, key: str) -> None:
        with self._writing() as connection:
            connection.execute(delete(RateLimitCounter).where(RateLimitCounter.key == key))

    def purge_expired(self, older_than: timedelta = timedelta(0)) -> int:
        """Delete windows that ended (housekeeping; an expired row is also reused in place)."""
        cutoff = self._at(self.now()) - older_than
        with self.engine.begin() as connection:
            return connection.execute(
                delete(RateLimitCounter).where(RateLimitCounter.expires_at <= cutoff)
            ).rowcount


class SharedRedisStorage(RedisStorage):
    """``limits``' Redis storage on the app's own client, with a decrement that stops at zero."""

    # No URL scheme: not registered with limits, only built by engage.platform.extensions.
    STORAGE_SCHEME: list[str] = []  # noqa: RUF012 - the base class declares it so

    SCRIPT_DECR = b"""
    local current = tonumber(redis.call("get", KEYS[1]) or "0")
    if current <= 0 then return 0 end
    local taken = math.min(current, tonumber(ARGV[1]))
    return redis.call("decrby", KEYS[1], taken)
    """

    def __init__(self, client: redis.Redis, namespace: str) -> None:
        super().__init__(
            "redis://",  # the connection comes from the client: its time-outs and retry
            connection_pool=client.connection_pool,
            key_prefix=f"{namespace}:rl",
            wrap_exceptions=True,
        )
        self.lua_decr = self.get_connection().register_script(self.SCRIPT_DECR)

    def decr(self, key: str, amount: int = 1) -> int:
        """Take ``amount`` back from the current window, never below zero; 0 when it has ended."""
        try:
            return int(self.lua_decr([self.prefixed_key(key)], [amount]))
        except redis.RedisError as error:
            raise StorageError(error) from error


class RateLimiter:
    """Our thin interface over a ``limits`` fixed-window strategy, failing open loudly."""

    def __init__(
        self, storage: DatabaseStorage | SharedRedisStorage, clock: Callable[[], float] = time.time
    ) -> None:
        self.storage = storage
        self._strategy = FixedWindowRateLimiter(storage)
        self._clock = clock
        self.last_error: str | None = None

    @staticmethod
    def _identity(identity: str) -> str:
        # Addresses and emails are counted by digest, never stored in clear.
        return hashlib.sha256(identity.strip().lower().encode("utf-8")).hexdigest()[:32]

    def hit(self, limit: Limit, identity: str) -> Verdict:
        """Count one attempt, atomically; refused once it takes the window past ``limit.count``."""
        item, key = limit.item(), self._identity(identity)
        try:
            if self._strategy.hit(item, key):
                self.last_error = None
                return Verdict(allowed=True, retry_after=0)
            reset_at = self._strategy.get_window_stats(item, key).reset_time
        except StorageError as error:
            self._record_failure(error)
            return Verdict(allowed=True, retry_after=0)
        self.last_error = None
        return Verdict(allowed=False, retry_after=max(1, math.ceil(reset_at - self._clock())))

    def forgive(self, limit: Limit, identity: str) -> None:
        """Take back one hit (this request's own) once the attempt proved legitimate."""
        key = limit.item().key_for(self._identity(identity))
        try:
            self.storage.decr(key)
        except StorageError as error:
            self._record_failure(error)

    def reset(self, limit: Limit, identity: str) -> None:
        """Forget ``identity``'s window (e.g. the account's after a successful sign-in)."""
        try:
            self._strategy.clear(limit.item(), self._identity(identity))
        except StorageError as error:
            self._record_failure(error)

    def _record_failure(self, error: StorageError) -> None:
        cause = error.storage_error
        self.last_error = f"{type(cause).__name__}: {cause}"
        log.error("Rate limit store unavailable; limit not enforced for this request: %s", cause)
