"""each forum member has a language, so emails sent later are written in it

``forum_member.language`` is the language code (``en``, ``cy``) of the pages the member
registered on, updated when they act on their own pages. Members already kept signed up
before there was a choice, so the column starts at ``en``.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("forum_member") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=False, server_default="en"))


def downgrade() -> None:
    with op.batch_alter_table("forum_member") as batch:
        batch.drop_column("language")
