"""action plan, theme links and "You said, we did"

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import surveys.orm

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = surveys.orm.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "action_priority",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_priority")),
        sa.UniqueConstraint("title", name=op.f("uq_action_priority_title")),
    )
    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("lead_officer", sa.String(length=120), nullable=False),
        sa.Column("timescale", sa.String(length=12), nullable=False),
        sa.Column("due_on", sa.String(length=10), nullable=True),
        sa.Column("outputs", sa.Text(), nullable=False),
        sa.Column("outcomes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["action_priority.id"],
            name=op.f("fk_action_priority_id_action_priority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action")),
    )
    op.create_index(op.f("ix_action_priority_id"), "action", ["priority_id"], unique=False)
    op.create_table(
        "action_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_at", UTC, nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_action_status_change_action_id_action"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_status_change")),
    )
    op.create_index(
        op.f("ix_action_status_change_action_id"), "action_status_change", ["action_id"], unique=False
    )
    op.create_index(
        op.f("ix_action_status_change_changed_at"), "action_status_change", ["changed_at"], unique=False
    )
    op.create_table(
        "action_theme_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("analysis_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.String(length=60), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_action_theme_link_action_id_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["analysis_id"],
            ["theme_analysis.id"],
            name=op.f("fk_action_theme_link_analysis_id_theme_analysis"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_theme_link")),
        sa.UniqueConstraint(
            "action_id",
            "analysis_id",
            "theme_id",
            name=op.f("uq_action_theme_link_action_id_analysis_id_theme_id"),
        ),
    )
    op.create_index(op.f("ix_action_theme_link_action_id"), "action_theme_link", ["action_id"], unique=False)
    op.create_index(
        op.f("ix_action_theme_link_analysis_id"), "action_theme_link", ["analysis_id"], unique=False
    )
    op.create_table(
        "you_said_we_did",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("published_at", UTC, nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_you_said_we_did_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_you_said_we_did")),
        sa.UniqueConstraint("survey_id", name=op.f("uq_you_said_we_did_survey_id")),
    )


def downgrade() -> None:
    op.drop_table("you_said_we_did")
    op.drop_index(op.f("ix_action_theme_link_analysis_id"), table_name="action_theme_link")
    op.drop_index(op.f("ix_action_theme_link_action_id"), table_name="action_theme_link")
    op.drop_table("action_theme_link")
    op.drop_index(op.f("ix_action_status_change_changed_at"), table_name="action_status_change")
    op.drop_index(op.f("ix_action_status_change_action_id"), table_name="action_status_change")
    op.drop_table("action_status_change")
    op.drop_index(op.f("ix_action_priority_id"), table_name="action")
    op.drop_table("action")
    op.drop_table("action_priority")
