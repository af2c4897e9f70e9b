"""Migrations are the only way the schema changes; they must run both ways on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from engage.cli.schema import metadata
from engage.platform import database
from tests.conftest import BACKEND, create_postgres_database, drop_postgres_database


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    if BACKEND == "postgresql":
        url = create_postgres_database("engage_migrations")
        yield url
        drop_postgres_database(url)
    else:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"


def tables(url: str) -> set[str]:
    engine = database.make_engine(url, pooled=False)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(empty_database: str) -> None:
    expected = set(metadata.tables)
    database.upgrade(empty_database)
    assert tables(empty_database) == expected
    assert database.current_revision(empty_database) == database.head_revision()
    database.downgrade(empty_database, "base")
    assert tables(empty_database) == set()
    assert database.current_revision(empty_database) is None
    database.upgrade(empty_database)
    assert tables(empty_database) == expected


def test_models_match_migrations(empty_database: str) -> None:
    """A model change without a migration fails here, not in production."""
    database.upgrade(empty_database)
    engine = database.make_engine(empty_database, pooled=False)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert differences == []
