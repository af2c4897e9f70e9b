"""Migrations are the only way the schema changes; they must run both ways on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from engage import database
from engage import models as staff_models
from engage.actions import models as action_models
from engage.followups import models as follow_up_models
from engage.forums import models as forum_models
from engage.kiosk import models as kiosk_models
from engage.themes import models as theme_models
from surveys import models as survey_models
from surveys.orm import Base
from tests.conftest import BACKEND, create_postgres_database, drop_postgres_database

# Importing every models module registers its tables on Base.metadata.
MODEL_MODULES = (
    staff_models,
    action_models,
    follow_up_models,
    forum_models,
    kiosk_models,
    theme_models,
    survey_models,
)


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
    expected = set(Base.metadata.tables)
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
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
