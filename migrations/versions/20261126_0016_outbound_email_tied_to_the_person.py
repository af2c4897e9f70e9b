"""outbound emails are tied to the person they concern, and an erasure's goodbye is discarded

Each email points at the forum member, "tell me what happened" address or unfinished
response it concerns (deleted with it); ``discard_after`` marks the goodbye sent after an
erasure, deleted once sent or at that time.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import surveys.orm

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKS = (("forum_member_id", "forum_member"), ("follow_up_id", "follow_up"), ("response_id", "response"))


def upgrade() -> None:
    with op.batch_alter_table("outbound_email", schema=None) as batch_op:
        for column, table in LINKS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_outbound_email_{column}"), [column], unique=False)
            batch_op.create_foreign_key(
                batch_op.f(f"fk_outbound_email_{column}_{table}"), table, [column], ["id"], ondelete="CASCADE"
            )
        batch_op.add_column(sa.Column("discard_after", surveys.orm.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbound_email", schema=None) as batch_op:
        batch_op.drop_column("discard_after")
        for column, table in reversed(LINKS):
            batch_op.drop_constraint(batch_op.f(f"fk_outbound_email_{column}_{table}"), type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_outbound_email_{column}"))
            batch_op.drop_column(column)
