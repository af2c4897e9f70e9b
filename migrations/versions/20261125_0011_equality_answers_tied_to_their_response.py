"""equality answers tied to their response (for suppressed per-theme splits and erasure)

Records stored before this revision keep no link: nothing in them can find their
response again, so they count in the survey's equality totals only.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("equality_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("response_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_equality_record_response_id"), ["response_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_equality_record_response_id_response"),
            "response",
            ["response_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("equality_record", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_equality_record_response_id_response"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_equality_record_response_id"), type_="unique")
        batch_op.drop_column("response_id")
