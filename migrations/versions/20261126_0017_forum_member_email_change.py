"""a forum member's new email address waits for its confirmation link

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import surveys.orm

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("forum_member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("new_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("new_email_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("new_email_expires_at", surveys.orm.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_forum_member_new_email_token_hash"), ["new_email_token_hash"]
        )


def downgrade() -> None:
    with op.batch_alter_table("forum_member", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_forum_member_new_email_token_hash"), type_="unique")
        batch_op.drop_column("new_email_expires_at")
        batch_op.drop_column("new_email_token_hash")
        batch_op.drop_column("new_email")
