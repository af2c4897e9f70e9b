"""a published "You said, we did" page is a snapshot

``content`` holds what the public page showed when an officer last published it (themes,
their counts, the officer's wording, the quotes then shown, the actions then linked), so
later theme edits wait until the officer publishes again. ``open_reason`` is why a page
was published while its survey was still open. Pages published before this have no
snapshot: they show the current themes, by today's rules, until published again.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("you_said_we_did") as batch:
        batch.add_column(sa.Column("content", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("open_reason", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("you_said_we_did") as batch:
        batch.drop_column("open_reason")
        batch.drop_column("content")
