"""actions can be edited, and every edit is kept

An action's title, priority, description, lead officer, timescale and measures could not
be changed once added. Each edit now adds an ``action_edit`` row: when, which staff
account (kept as "not recorded" if the account is deleted), and what changed as
``{field: [before, after]}``. The action's page lists these with its status changes.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import surveys.orm

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = surveys.orm.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "action_edit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("edited_at", UTC, nullable=False),
        sa.Column("edited_by_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["action.id"], name=op.f("fk_action_edit_action_id_action"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["edited_by_id"],
            ["staff_user.id"],
            name=op.f("fk_action_edit_edited_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_edit")),
    )
    op.create_index(op.f("ix_action_edit_action_id"), "action_edit", ["action_id"], unique=False)
    op.create_index(op.f("ix_action_edit_edited_at"), "action_edit", ["edited_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_action_edit_edited_at"), table_name="action_edit")
    op.drop_index(op.f("ix_action_edit_action_id"), table_name="action_edit")
    op.drop_table("action_edit")
