"""a response's locality comes from the resident's own answer too

Online responses got a locality only from a library's poster, a kiosk, paper entry or a
locality link, so people who said "Northgate" in the survey's "Which area do you live
in?" question counted as "Not recorded" in every locality report, theme split and
public page. ``locality_source`` says where each response's locality came from
("library", "link" or "answer"). Submitted responses without a locality get it from
their answer to the survey's first area question, or else from the library they chose
in its first library question, read from the version they answered.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_response = sa.table(
    "response",
    sa.column("id", sa.Integer()),
    sa.column("version_id", sa.Integer()),
    sa.column("status", sa.String()),
    sa.column("locality_code", sa.String()),
    sa.column("locality_source", sa.String()),
    sa.column("branch_code", sa.String()),
    sa.column("answers", sa.JSON()),
)
_equality = sa.table(
    "equality_record",
    sa.column("response_id", sa.Integer()),
    sa.column("locality_code", sa.String()),
)
_version = sa.table("survey_version", sa.column("id", sa.Integer()), sa.column("definition", sa.JSON()))


def locality_from(definition: dict[str, Any], answers: dict[str, Any]) -> str | None:
    """As ``surveys.services.locality_from_answers``, on the stored JSON (a migration
    keeps its own copy: the application's code may change after it)."""
    localities = {str(loc.get("code")) for loc in definition.get("localities", [])}
    branches = {
        str(branch.get("code")): str(loc.get("code"))
        for loc in definition.get("localities", [])
        for branch in loc.get("branches", [])
    }
    questions = [q for page in definition.get("pages", []) for q in page.get("questions", [])]
    for kind in ("locality", "branch"):
        for question in questions:
            given = answers.get(str(question.get("id"))) if question.get("type") == kind else None
            if not isinstance(given, str):
                continue
            if kind == "locality" and given in localities:
                return given
            if kind == "branch" and given in branches:
                return branches[given]
    return None


def upgrade() -> None:
    with op.batch_alter_table("response") as batch:
        batch.add_column(sa.Column("locality_source", sa.String(length=12), nullable=True))
    bind = op.get_bind()
    bind.execute(
        _response.update()
        .where(_response.c.locality_code.is_not(None), _response.c.branch_code.is_not(None))
        .values(locality_source="library")
    )
    bind.execute(
        _response.update()
        .where(_response.c.locality_code.is_not(None), _response.c.branch_code.is_(None))
        .values(locality_source="link")
    )
    definitions = {
        row.id: row.definition for row in bind.execute(sa.select(_version.c.id, _version.c.definition))
    }
    missing = bind.execute(
        sa.select(_response.c.id, _response.c.version_id, _response.c.answers).where(
            _response.c.locality_code.is_(None), _response.c.status == "submitted"
        )
    ).all()
    for row in missing:
        found = locality_from(definitions.get(row.version_id) or {}, row.answers or {})
        if found:
            bind.execute(
                _response.update()
                .where(_response.c.id == row.id)
                .values(locality_code=found, locality_source="answer")
            )
    # Equality answers are kept apart, with the response's locality copied when sent.
    bind.execute(
        _equality.update()
        .where(_equality.c.locality_code.is_(None))
        .values(
            locality_code=sa.select(_response.c.locality_code)
            .where(_response.c.id == _equality.c.response_id)
            .scalar_subquery()
        )
    )


def downgrade() -> None:
    # The localities found from answers stay: they are what the residents said.
    with op.batch_alter_table("response") as batch:
        batch.drop_column("locality_source")
