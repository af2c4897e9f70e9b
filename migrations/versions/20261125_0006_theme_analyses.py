"""theme analyses

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import surveys.orm

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = surveys.orm.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "theme_analysis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("model", sa.LargeBinary(), nullable=True),
        sa.Column("codebook", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("requested_at", UTC, nullable=False),
        sa.Column("finished_at", UTC, nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_theme_analysis_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["staff_user.id"],
            name=op.f("fk_theme_analysis_requested_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_analysis")),
        sa.UniqueConstraint("survey_id", "question_id", name=op.f("uq_theme_analysis_survey_id_question_id")),
    )
    op.create_index(op.f("ix_theme_analysis_survey_id"), "theme_analysis", ["survey_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_theme_analysis_survey_id"), table_name="theme_analysis")
    op.drop_table("theme_analysis")
