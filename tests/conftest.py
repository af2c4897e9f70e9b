"""Fixtures shared by every test.

The suite runs once per database backend, chosen by ``ENGAGE_TEST_BACKEND``:

* ``sqlite`` (default): migrations build a template file once per run; each test
  gets its own copy, so tests never see each other's rows.
* ``postgresql``: a fresh, uniquely named database is created on the server at
  ``ENGAGE_TEST_POSTGRES_URL`` (default: the local trust-auth server), built by
  the migrations, emptied after every test and dropped at the end of the run.

Redis tests use the server at ``ENGAGE_TEST_REDIS_URL`` under a namespace unique
to the run; without a reachable Redis they are skipped, except under ``CI=true``
where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engage import create_app
from engage.accounts import services as accounts
from engage.accounts.models import Role, StaffUser
from engage.platform import clock, database
from engage.platform.config import Settings
from surveys.orm import Base
from tests.support.pages import PageClient

# Under CI the property tests replay the same examples every run, so a red build is
# reproducible; locally they explore new ones (and remember failures).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")

BACKEND = os.environ.get("ENGAGE_TEST_BACKEND", "sqlite")
POSTGRES_URL = os.environ.get(
    "ENGAGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("ENGAGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "correct horse battery staple"
RUN_ID = uuid.uuid4().hex[:10]


def pytest_report_header(config: pytest.Config) -> str:
    return f"engage test backend: {BACKEND}"


_LEFT_TO_SQLITE = pytest.StashKey[int]()


def touches_the_database(item: pytest.Item) -> bool:
    """Whether a test's result can depend on the backend: it uses the test database
    (through any fixture built on ``test_database``) or its module chooses by
    ``BACKEND`` or makes PostgreSQL databases of its own."""
    if "test_database" in getattr(item, "fixturenames", ()):
        return True
    module = getattr(item, "module", None)
    return any(hasattr(module, name) for name in ("BACKEND", "create_postgres_database"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`make test` runs the suite once per backend. A test that uses no database gives
    the same result on both (the theme engine, survey definitions, configuration,
    message catalogues), so the PostgreSQL run leaves it to the SQLite run; set
    ``ENGAGE_TEST_EVERY_TEST=1`` to run it here too."""
    if BACKEND != "postgresql" or os.environ.get("ENGAGE_TEST_EVERY_TEST") == "1":
        return
    keep: list[pytest.Item] = []
    once: list[pytest.Item] = []
    for item in items:
        (keep if touches_the_database(item) else once).append(item)
    if once:
        config.hook.pytest_deselected(items=once)
        items[:] = keep
        config.stash[_LEFT_TO_SQLITE] = len(once)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    left = config.stash.get(_LEFT_TO_SQLITE, 0)
    if left:
        terminalreporter.write_line(
            f"{left} tests that use no database were left to the SQLite run "
            "(ENGAGE_TEST_EVERY_TEST=1 runs them here too)"
        )


@dataclass
class TestDatabase:
    backend: str
    url: str
    reset: Callable[[], str]


def _admin_engine(url: str) -> Any:
    return create_engine(database.normalise_url(url), isolation_level="AUTOCOMMIT")


def create_postgres_database(prefix: str = "engage_test") -> str:
    """Create a uniquely named empty database and return its URL."""
    name = f"{prefix}_{RUN_ID}_{uuid.uuid4().hex[:6]}"
    admin = _admin_engine(POSTGRES_URL)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return (
        make_url(database.normalise_url(POSTGRES_URL))
        .set(database=name)
        .render_as_string(hide_password=False)
    )


def drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    admin = _admin_engine(POSTGRES_URL)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def test_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    if BACKEND == "sqlite":
        folder = tmp_path_factory.mktemp("db")
        template = folder / "template.sqlite3"
        database.upgrade(f"sqlite:///{template}")
        counter = iter(range(1_000_000))

        def fresh_sqlite() -> str:
            copy = folder / f"test-{next(counter)}.sqlite3"
            shutil.copyfile(template, copy)
            return f"sqlite:///{copy}"

        yield TestDatabase("sqlite", f"sqlite:///{template}", fresh_sqlite)
    elif BACKEND == "postgresql":
        url = create_postgres_database()
        try:
            database.upgrade(url)
            engine = database.make_engine(url, pooled=False)
            tables = ", ".join(f'"{t.name}"' for t in reversed(Base.metadata.sorted_tables))

            def empty_postgres() -> str:
                with engine.begin() as connection:
                    connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
                return url

            yield TestDatabase("postgresql", url, empty_postgres)
            engine.dispose()
        finally:
            drop_postgres_database(url)
    else:
        raise pytest.UsageError(f"ENGAGE_TEST_BACKEND must be sqlite or postgresql, not {BACKEND!r}")


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "env": "testing",
        "secret_key": "test-secret-key-" + "x" * 32,
        "database_url": database_url,
        "argon2_time_cost": 1,
        "argon2_memory_cost": 1024,
        "argon2_parallelism": 1,
        "log_level": "WARNING",
    }
    values.update(overrides)
    settings = Settings(**values)
    settings.validate()
    return settings


@pytest.fixture
def database_url(test_database: TestDatabase) -> str:
    return test_database.reset()


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Override in a test module to change settings for its app."""
    return {}


@pytest.fixture
def app(database_url: str, tmp_path: Path, settings_overrides: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(
        {"INSTANCE_PATH": tmp_path / "instance"}, settings=make_settings(database_url, **settings_overrides)
    )
    yield app
    app.extensions["engage.engine"].dispose()
    if "engage.ratelimit_engine" in app.extensions:
        app.extensions["engage.ratelimit_engine"].dispose()


@pytest.fixture
def client(app: Flask) -> PageClient:
    return PageClient(app.test_client())


class FrozenClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def frozen_clock() -> Iterator[FrozenClock]:
    frozen = FrozenClock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    clock.set_clock(frozen)
    yield frozen
    clock.set_clock(None)


@pytest.fixture
def make_staff(app: Flask) -> Callable[..., StaffUser]:
    def make(
        role: Role = Role.OFFICER, email: str | None = None, name: str = "Sam Test", **kwargs: Any
    ) -> StaffUser:
        with app.app_context():
            session = database.db()
            user = accounts.create_staff(
                session,
                email=email or f"{role.value}.{uuid.uuid4().hex[:6]}@anyshire.gov.uk",
                name=name,
                role=role,
                password=PASSWORD,
                **kwargs,
            )
            session.commit()
            session.expunge(user)
            return user

    return make


def sign_in(client: PageClient, email: str, password: str = PASSWORD) -> Any:
    """Sign in through the form: the dashboard (200) or the form with its errors (400)."""
    page = client.get("/staff/sign-in")
    return client.submit(page, {"email": email, "password": password}, expected_status=(200, 400))


@pytest.fixture
def signed_in(client: PageClient, make_staff: Callable[..., StaffUser]) -> Callable[[Role], StaffUser]:
    """Sign the test client in as a new member of staff with ``role``."""

    def as_role(role: Role = Role.OFFICER) -> StaffUser:
        user = make_staff(role)
        page = sign_in(client, user.email)
        assert page.h1 == "Dashboard", page.text[:500]
        return user

    return as_role


@pytest.fixture(scope="session")
def redis_url() -> str:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        if IN_CI:
            pytest.fail(f"Redis at {REDIS_URL} is required under CI but is unreachable: {error}")
        pytest.skip(f"Redis at {REDIS_URL} is not reachable: {error}")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def redis_namespace(redis_url: str) -> Iterator[str]:
    namespace = f"engage-test-{RUN_ID}-{uuid.uuid4().hex[:6]}"
    yield namespace
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"*{namespace}*"))
    if keys:
        client.delete(*keys)
    client.close()
