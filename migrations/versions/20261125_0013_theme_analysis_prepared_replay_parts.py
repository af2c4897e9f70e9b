"""theme analyses keep the slow-to-make parts of a codebook replay

Added answers' vectors and every answer's word counts (pickled), written by each
analysis run, so a web worker's first edit does not embed every added answer again.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("theme_analysis", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prepared", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("theme_analysis", schema=None) as batch_op:
        batch_op.drop_column("prepared")
