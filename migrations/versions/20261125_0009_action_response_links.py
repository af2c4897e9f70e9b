"""links from single responses to actions

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import surveys.orm

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = surveys.orm.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "action_response_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_action_response_link_action_id_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["response.id"],
            name=op.f("fk_action_response_link_response_id_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_response_link")),
        sa.UniqueConstraint(
            "action_id", "response_id", name=op.f("uq_action_response_link_action_id_response_id")
        ),
    )
    op.create_index(
        op.f("ix_action_response_link_action_id"), "action_response_link", ["action_id"], unique=False
    )
    op.create_index(
        op.f("ix_action_response_link_response_id"), "action_response_link", ["response_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_action_response_link_response_id"), table_name="action_response_link")
    op.drop_index(op.f("ix_action_response_link_action_id"), table_name="action_response_link")
    op.drop_table("action_response_link")
