"""Backup and restore: a backup of the demo data restored into a fresh database holds every
row of every table; bad files are refused with a clear message and change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import MetaData, create_engine, select

from engage import create_app
from engage.platform import database
from tests.conftest import (
    BACKEND,
    create_postgres_database,
    drop_postgres_database,
    make_settings,
)


@pytest.fixture
def fresh_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the backend under test, nothing in it at all."""
    if BACKEND == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    url = create_postgres_database("engage_restore")
    try:
        yield url
    finally:
        drop_postgres_database(url)


def everything(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (migrations' own table included), in primary-key order."""
    engine = create_engine(database.normalise_url(url))
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        found = {}
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                found[table.name] = [tuple(row) for row in connection.execute(select(table).order_by(*order))]
        return found
    finally:
        engine.dispose()


def test_a_backup_restores_every_table_into_a_fresh_database(
    app: Flask, database_url: str, fresh_url: str, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    made = runner.invoke(args=["backup", "create", "--output", str(tmp_path / "nightly" / "engage.bak")])
    assert made.exit_code == 0, made.output
    assert f"database to {tmp_path / 'nightly' / 'engage.bak'}" in made.output
    before = everything(database_url)
    assert sum(len(rows) for rows in before.values()) > 500, "the demo data fills the tables"
    assert {"response", "follow_up", "forum_member", "action", "theme_analysis", "alembic_version"} <= set(
        before
    )

    restored_app = create_app({"INSTANCE_PATH": tmp_path / "other"}, settings=make_settings(fresh_url))
    try:
        result = restored_app.test_cli_runner().invoke(
            args=["backup", "restore", str(tmp_path / "nightly" / "engage.bak"), "--yes"]
        )
        assert result.exit_code == 0, result.output
        assert f"database is at revision {database.head_revision()}" in result.output
    finally:
        restored_app.extensions["engage.engine"].dispose()
    after = everything(fresh_url)
    assert after.keys() == before.keys()
    for name, rows in before.items():
        assert after[name] == rows, name


def test_the_default_name_goes_under_the_instance_folder_and_is_never_overwritten(
    app: Flask, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["backup", "create"])
    assert first.exit_code == 0, first.output
    written = next((Path(app.instance_path) / "backups").iterdir())
    assert written.name.startswith("engage-") and written.suffix in {".sqlite3", ".dump"}
    again = runner.invoke(args=["backup", "create", "--output", str(written)])
    assert again.exit_code == 1 and "already exists: choose another name" in again.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "There is no backup file at"),
        (b"", "is not a backup made by `backup create`"),
        (b"DROP TABLE response;\n", "is not a backup made by `backup create`"),
        (b"\xff\xfe\x00garbage", "is not a backup made by `backup create`"),
    ],
)
def test_anything_else_is_refused_and_changes_nothing(
    app: Flask, database_url: str, tmp_path: Path, content: bytes | None, message: str
) -> None:
    runner = app.test_cli_runner()
    assert (
        runner.invoke(args=["staff", "create", "kept@anyshire.gov.uk", "--generate-password"]).exit_code == 0
    )
    before = everything(database_url)
    source = tmp_path / "suspicious.bak"
    if content is not None:
        source.write_bytes(content)
    result = runner.invoke(args=["backup", "restore", str(source), "--yes"])
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output
    assert everything(database_url) == before


def test_a_backup_for_the_other_engine_or_an_unknown_version_is_refused(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    if BACKEND == "sqlite":
        other = tmp_path / "from-postgres.dump"
        other.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 32)
        expected = "is a postgresql backup; this service's database is sqlite"
    else:
        other = tmp_path / "from-sqlite.sqlite3"
        engine = create_engine(f"sqlite:///{other}")
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        engine.dispose()
        expected = "is a sqlite backup; this service's database is postgresql"
    result = runner.invoke(args=["backup", "restore", str(other), "--yes"])
    assert result.exit_code == 1 and expected in result.output
    if BACKEND == "sqlite":
        future = tmp_path / "future.sqlite3"
        engine = create_engine(f"sqlite:///{future}")
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32))")
            connection.exec_driver_sql("INSERT INTO alembic_version VALUES ('9999')")
        engine.dispose()
        result = runner.invoke(args=["backup", "restore", str(future), "--yes"])
        assert result.exit_code == 1 and "revision 9999, which this version of the service does not know" in (
            result.output
        )


def test_restore_asks_first(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    target = tmp_path / "b.bak"
    assert runner.invoke(args=["backup", "create", "--output", str(target)]).exit_code == 0
    declined = runner.invoke(args=["backup", "restore", str(target)], input="n\n")
    assert declined.exit_code == 1 and "replaces everything" in declined.output
