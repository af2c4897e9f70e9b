"""Engines, the per-request session, and running Alembic migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app, g, has_app_context
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from engage.platform.config import PROJECT_ROOT

MIGRATIONS_PATH = PROJECT_ROOT / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def is_sqlite_memory(url: str) -> bool:
    parsed = make_url(normalise_url(url))
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")


def make_engine(
    url: str, *, pooled: bool = True, pool_size: int = 5, max_overflow: int | None = None
) -> Engine:
    """An engine with the project's settings; ``pooled=False`` for one-off tools.

    ``max_overflow`` defaults to 5 on PostgreSQL and to SQLAlchemy's 10 on SQLite.
    """
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        pool: dict[str, Any] = {"poolclass": NullPool}
        if pooled and is_sqlite_memory(url):  # one connection per thread: no pool sizes
            pool = {}
        elif pooled:
            pool = {"pool_size": pool_size, "max_overflow": 10 if max_overflow is None else max_overflow}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **pool,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if not pooled:
        return create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 5})
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=5 if max_overflow is None else max_overflow,
        pool_timeout=10,
        connect_args={"connect_timeout": 5},
    )


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["engage.engine"] = engine
    app.extensions["engage.sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["engage.engine"]  # type: ignore[no-any-return]


def db() -> Session:
    """The session for this request (or CLI command), opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["engage.sessionmaker"]()
    return g.db_session  # type: ignore[no-any-return]


def connection_holding_write_lock() -> Connection | None:
    """On SQLite, this request's connection if it has begun writing (it holds the database's
    write lock); ``None`` otherwise, and always on PostgreSQL, where writers lock rows.

    pysqlite begins a transaction only before a write, so an open one means a write.
    """
    if not has_app_context() or "db_session" not in g:
        return None
    session: Session = g.db_session
    if session.get_bind().dialect.name != "sqlite" or not session.in_transaction():
        return None
    connection = session.connection()
    return connection if getattr(connection.connection.driver_connection, "in_transaction", False) else None


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def ping(bind: Engine) -> None:
    """Raise if the database cannot answer a trivial query."""
    with bind.connect() as connection:
        connection.execute(text("SELECT 1"))


def alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_PATH))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    bind = make_engine(url, pooled=False)
    try:
        with bind.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        bind.dispose()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def known_revisions() -> set[str]:
    """Every migration revision this version of the service has."""
    from alembic.script import ScriptDirectory

    return {
        script.revision
        for script in ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions()
    }
