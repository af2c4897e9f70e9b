"""theme quote reviews

Officers' decisions to show or hide each quote of a theme analysis on public pages.
A quote with no decision is never public.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import surveys.orm

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = surveys.orm.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "theme_quote_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("analysis_id", sa.Integer(), nullable=False),
        sa.Column("quote_key", sa.String(length=64), nullable=False),
        sa.Column("shown", sa.Boolean(), nullable=False),
        sa.Column("decided_at", UTC, nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["analysis_id"],
            ["theme_analysis.id"],
            name=op.f("fk_theme_quote_review_analysis_id_theme_analysis"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_quote_review")),
        sa.UniqueConstraint(
            "analysis_id", "quote_key", name=op.f("uq_theme_quote_review_analysis_id_quote_key")
        ),
    )
    op.create_index(
        op.f("ix_theme_quote_review_analysis_id"), "theme_quote_review", ["analysis_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_theme_quote_review_analysis_id"), table_name="theme_quote_review")
    op.drop_table("theme_quote_review")
