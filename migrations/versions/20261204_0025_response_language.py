"""each response records the language it was answered in

``response.language`` is the language code (``en``, ``cy``, …) of the survey text the
resident answered: the survey's own language unless they chose one of its translations.
Responses already kept were all answered in English (no survey had translations), so the
column starts at ``en``.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("response") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=False, server_default="en"))


def downgrade() -> None:
    with op.batch_alter_table("response") as batch:
        batch.drop_column("language")
