"""kiosk devices

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import surveys.orm

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = surveys.orm.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "kiosk_device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("branch_code", sa.String(length=40), nullable=False),
        sa.Column("branch_name", sa.String(length=100), nullable=False),
        sa.Column("idle_seconds", sa.Integer(), nullable=False),
        sa.Column("enrol_code_hash", sa.String(length=64), nullable=True),
        sa.Column("enrol_expires_at", UTC, nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("enrolled_at", UTC, nullable=True),
        sa.Column("revoked_at", UTC, nullable=True),
        sa.Column("last_contact_at", UTC, nullable=True),
        sa.Column("queued_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("queued_reported_at", UTC, nullable=True),
        sa.Column("received_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_user.id"],
            name=op.f("fk_kiosk_device_created_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_device")),
        sa.UniqueConstraint("enrol_code_hash", name=op.f("uq_kiosk_device_enrol_code_hash")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_kiosk_device_token_hash")),
    )
    op.create_index(op.f("ix_kiosk_device_branch_code"), "kiosk_device", ["branch_code"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_kiosk_device_branch_code"), table_name="kiosk_device")
    op.drop_table("kiosk_device")
