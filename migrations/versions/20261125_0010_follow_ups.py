"""residents who asked to hear what happened (email kept apart from answers)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import surveys.orm

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = surveys.orm.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("consent_text", sa.Text(), nullable=False),
        sa.Column("consented_at", UTC, nullable=False),
        sa.Column("confirm_token_hash", sa.String(length=64), nullable=True),
        sa.Column("confirmed_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_follow_up_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["response.id"],
            name=op.f("fk_follow_up_response_id_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up")),
        sa.UniqueConstraint("confirm_token_hash", name=op.f("uq_follow_up_confirm_token_hash")),
        sa.UniqueConstraint("response_id", name=op.f("uq_follow_up_response_id")),
    )
    op.create_index(op.f("ix_follow_up_survey_id"), "follow_up", ["survey_id"], unique=False)
    op.create_table(
        "follow_up_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("follow_up_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=80), nullable=False),
        sa.Column("sent_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["follow_up_id"],
            ["follow_up.id"],
            name=op.f("fk_follow_up_notice_follow_up_id_follow_up"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_notice")),
        sa.UniqueConstraint("follow_up_id", "event", name=op.f("uq_follow_up_notice_follow_up_id_event")),
    )
    op.create_index(
        op.f("ix_follow_up_notice_follow_up_id"), "follow_up_notice", ["follow_up_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_follow_up_notice_follow_up_id"), table_name="follow_up_notice")
    op.drop_table("follow_up_notice")
    op.drop_index(op.f("ix_follow_up_survey_id"), table_name="follow_up")
    op.drop_table("follow_up")
