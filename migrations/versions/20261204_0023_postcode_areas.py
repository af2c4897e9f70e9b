"""the council's postcode-to-area table, for postcode questions

A survey's postcode question sets the response's locality from this table (longest
matching prefix: whole postcode, sector, district or area), when no library, kiosk or
poster link set it. Officers upload the table as a CSV.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "postcode_area",
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("area", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name=op.f("pk_postcode_area")),
    )


def downgrade() -> None:
    op.drop_table("postcode_area")
