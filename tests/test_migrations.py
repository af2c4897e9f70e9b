"""Migrations are the only way the schema changes; they must run both ways on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

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


def _rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = database.make_engine(url, pooled=False)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def test_who_did_it_becomes_the_staff_account_and_back(empty_database: str) -> None:
    """0019: "Name (email)" text becomes the account's id (a note's author by a unique name);
    text naming no account becomes "not recorded"; downgrading writes the text back."""
    database.upgrade(empty_database, "0018")
    now = "2026-12-01 09:00:00"
    engine = database.make_engine(empty_database, pooled=False)
    with engine.begin() as db:
        for id_, email, name in (
            (1, "sam@anyshire.gov.uk", "Sam Officer"),
            (2, "jo@anyshire.gov.uk", "Jo Other"),
        ):
            db.execute(
                text(
                    "INSERT INTO staff_user (id, email, name, role, password_hash, is_active_account,"
                    " must_change_password, created_at)"
                    " VALUES (:id, :email, :name, 'officer', 'x', true, false, :now)"
                ),
                {"id": id_, "email": email, "name": name, "now": now},
            )
        db.execute(
            text("INSERT INTO survey (id, slug, title, created_at) VALUES (1, 's', 'S', :now)"), {"now": now}
        )
        db.execute(
            text(
                "INSERT INTO theme_analysis (id, survey_id, question_id, status, progress, message, codebook,"
                " result, requested_at) VALUES (1, 1, 'q', 'done', 100, '', '{}', '{}', :now)"
            ),
            {"now": now},
        )
        for id_, author in ((1, "Sam Officer"), (2, "Somebody Gone")):
            db.execute(
                text(
                    "INSERT INTO theme_note (id, analysis_id, theme_id, text, author, created_at)"
                    " VALUES (:id, 1, 't1', 'A note', :author, :now)"
                ),
                {"id": id_, "author": author, "now": now},
            )
        db.execute(
            text(
                "INSERT INTO action_priority (id, title, description, created_at) VALUES (1, 'P', '', :now)"
            ),
            {"now": now},
        )
        db.execute(
            text(
                "INSERT INTO action (id, priority_id, title, description, lead_officer, timescale, outputs,"
                " outcomes, status, status_reason, created_at, updated_at)"
                " VALUES (1, 1, 'A', '', '', 'pilot', '', '', 'agreed', '', :now, :now)"
            ),
            {"now": now},
        )
        for id_, who in ((1, "Jo Other (JO@anyshire.gov.uk)"), (2, "Demo data")):
            db.execute(
                text(
                    "INSERT INTO action_status_change (id, action_id, status, reason, changed_at, changed_by)"
                    " VALUES (:id, 1, 'agreed', '', :now, :who)"
                ),
                {"id": id_, "who": who, "now": now},
            )
    engine.dispose()
    database.upgrade(empty_database, "0019")
    assert _rows(empty_database, "SELECT id, changed_by_id FROM action_status_change ORDER BY id") == [
        (1, 2),
        (2, None),
    ]
    assert _rows(empty_database, "SELECT id, author_id FROM theme_note ORDER BY id") == [(1, 1), (2, None)]
    database.downgrade(empty_database, "0018")
    assert _rows(empty_database, "SELECT id, changed_by FROM action_status_change ORDER BY id") == [
        (1, "Jo Other (jo@anyshire.gov.uk)"),
        (2, ""),
    ]
    assert _rows(empty_database, "SELECT id, author FROM theme_note ORDER BY id") == [
        (1, "Sam Officer"),
        (2, ""),
    ]


def test_a_responses_locality_comes_from_its_answer(empty_database: str) -> None:
    """0021: submitted responses with no locality get it from their answer to the area
    question (or the library question); each response says where its locality came from."""
    from sqlalchemy import JSON, column, table

    database.upgrade(empty_database, "0020")
    now = "2026-12-01 09:00:00"
    definition = {
        "localities": [
            {"code": "north", "name": "Northgate", "branches": [{"code": "north-lib", "name": "N"}]},
            {"code": "river", "name": "Riverside"},
        ],
        "pages": [
            {
                "id": "p1",
                "questions": [
                    {"id": "library", "type": "branch", "text": "Which library?"},
                    {"id": "home", "type": "locality", "text": "Which area do you live in?"},
                ],
            }
        ],
    }
    version = table(
        "survey_version",
        column("id"),
        column("survey_id"),
        column("number"),
        column("status"),
        column("definition", JSON()),
        column("created_at"),
    )
    response = table(
        "response",
        *(column(c) for c in ("id", "public_id", "survey_id", "version_id", "channel", "locality_code")),
        *(column(c) for c in ("branch_code", "status", "resume_token_hash", "created_at", "updated_at")),
        column("answers", JSON()),
        column("pages_done", JSON()),
    )
    engine = database.make_engine(empty_database, pooled=False)
    with engine.begin() as db:
        db.execute(
            text("INSERT INTO survey (id, slug, title, created_at) VALUES (1, 's', 'S', :now)"), {"now": now}
        )
        db.execute(
            version.insert().values(
                id=1, survey_id=1, number=1, status="published", definition=definition, created_at=now
            )
        )
        rows = (  # id, locality, branch, status, answers
            (
                1,
                None,
                None,
                "submitted",
                {"home": "river", "library": "north-lib"},
            ),  # the area question first
            (2, None, None, "submitted", {"library": "north-lib"}),  # the library's area
            (3, None, None, "submitted", {"home": "atlantis"}),  # not one of the survey's areas
            (4, None, None, "in_progress", {"home": "river"}),  # not sent yet
            (5, "north", "north-lib", "submitted", {"home": "river"}),  # a poster's library wins
            (6, "river", None, "submitted", {}),  # a locality link
        )
        for id_, locality, branch, status, answers in rows:
            db.execute(
                response.insert().values(
                    id=id_,
                    public_id=f"r{id_}",
                    survey_id=1,
                    version_id=1,
                    channel="online",
                    locality_code=locality,
                    branch_code=branch,
                    status=status,
                    answers=answers,
                    pages_done=[],
                    resume_token_hash=f"h{id_}",
                    created_at=now,
                    updated_at=now,
                )
            )
    engine.dispose()
    database.upgrade(empty_database, "0021")
    assert _rows(empty_database, "SELECT id, locality_code, locality_source FROM response ORDER BY id") == [
        (1, "river", "answer"),
        (2, "north", "answer"),
        (3, None, None),
        (4, None, None),
        (5, "north", "library"),
        (6, "river", "link"),
    ]
