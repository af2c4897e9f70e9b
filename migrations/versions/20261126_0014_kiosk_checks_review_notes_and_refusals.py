"""queued kiosk responses are checked: a review note on responses, refusals kept as a trace

``response.review_note`` explains to staff what was left out of a response kept with
answers that did not pass the survey's checks; ``kiosk_device.flagged_count`` counts
them per tablet; ``kiosk_refusal`` records each queued response refused for good (the
survey had closed, nothing valid was sent...), without its answers.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import surveys.orm

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = surveys.orm.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=True))
    with op.batch_alter_table("kiosk_device", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flagged_count", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "kiosk_refusal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("survey_slug", sa.String(length=60), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("message", sa.String(length=300), nullable=False),
        sa.Column("answers_sent", sa.Integer(), nullable=False),
        sa.Column("finished_at", UTC, nullable=True),
        sa.Column("received_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["kiosk_device.id"],
            name=op.f("fk_kiosk_refusal_device_id_kiosk_device"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_refusal")),
        sa.UniqueConstraint("client_key", name=op.f("uq_kiosk_refusal_client_key")),
    )
    op.create_index(op.f("ix_kiosk_refusal_device_id"), "kiosk_refusal", ["device_id"], unique=False)
    op.create_index(op.f("ix_kiosk_refusal_received_at"), "kiosk_refusal", ["received_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_kiosk_refusal_received_at"), table_name="kiosk_refusal")
    op.drop_index(op.f("ix_kiosk_refusal_device_id"), table_name="kiosk_refusal")
    op.drop_table("kiosk_refusal")
    with op.batch_alter_table("kiosk_device", schema=None) as batch_op:
        batch_op.drop_column("flagged_count")
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_column("review_note")
