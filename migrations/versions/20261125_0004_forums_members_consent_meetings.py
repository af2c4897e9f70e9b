"""forums, members, consent wording and records, meetings and bookings

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import surveys.orm

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = surveys.orm.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "forum",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("localities", sa.JSON(), nullable=False),
        sa.Column("interests", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("opens_on", sa.Date(), nullable=True),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_user.id"],
            name=op.f("fk_forum_created_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum")),
        sa.UniqueConstraint("slug", name=op.f("uq_forum_slug")),
    )
    op.create_table(
        "consent_wording",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_user.id"],
            name=op.f("fk_consent_wording_created_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_wording")),
        sa.UniqueConstraint("version", name=op.f("uq_consent_wording_version")),
    )
    op.create_table(
        "forum_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("email_key", sa.String(length=254), nullable=True),
        sa.Column("organisation", sa.String(length=150), nullable=True),
        sa.Column("role", sa.String(length=100), nullable=True),
        sa.Column("access_needs", sa.Text(), nullable=True),
        sa.Column("organisation_type", sa.String(length=30), nullable=False),
        sa.Column("localities", sa.JSON(), nullable=False),
        sa.Column("interests", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("emails_opt_out", sa.Boolean(), nullable=False),
        sa.Column("pending_consent", sa.JSON(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("confirmed_at", UTC, nullable=True),
        sa.Column("renewed_at", UTC, nullable=True),
        sa.Column("reminded_at", UTC, nullable=True),
        sa.Column("ended_at", UTC, nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("confirm_token_hash", sa.String(length=64), nullable=True),
        sa.Column("confirm_expires_at", UTC, nullable=True),
        sa.Column("manage_token_hash", sa.String(length=64), nullable=True),
        sa.Column("manage_expires_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forum.id"], name=op.f("fk_forum_member_forum_id_forum"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_member")),
        sa.UniqueConstraint("forum_id", "email_key", name=op.f("uq_forum_member_forum_id_email_key")),
        sa.UniqueConstraint("confirm_token_hash", name=op.f("uq_forum_member_confirm_token_hash")),
        sa.UniqueConstraint("manage_token_hash", name=op.f("uq_forum_member_manage_token_hash")),
    )
    op.create_index("ix_forum_member_forum_status", "forum_member", ["forum_id", "status"], unique=False)
    op.create_table(
        "consent_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("wording_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("given_at", UTC, nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("withdrawn_at", UTC, nullable=True),
        sa.Column("withdrawal_channel", sa.String(length=20), nullable=True),
        sa.Column("withdrawal_reason", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["forum_member.id"],
            name=op.f("fk_consent_record_member_id_forum_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["wording_id"],
            ["consent_wording.id"],
            name=op.f("fk_consent_record_wording_id_consent_wording"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_record")),
    )
    op.create_index(op.f("ix_consent_record_member_id"), "consent_record", ["member_id"], unique=False)
    op.create_table(
        "forum_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["forum.id"], name=op.f("fk_forum_meeting_forum_id_forum"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_meeting")),
    )
    op.create_index(op.f("ix_forum_meeting_forum_id"), "forum_meeting", ["forum_id"], unique=False)
    op.create_table(
        "meeting_booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["forum_meeting.id"],
            name=op.f("fk_meeting_booking_meeting_id_forum_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["forum_member.id"],
            name=op.f("fk_meeting_booking_member_id_forum_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_booking")),
        sa.UniqueConstraint("meeting_id", "member_id", name=op.f("uq_meeting_booking_meeting_id_member_id")),
    )
    op.create_index(op.f("ix_meeting_booking_member_id"), "meeting_booking", ["member_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_meeting_booking_member_id"), table_name="meeting_booking")
    op.drop_table("meeting_booking")
    op.drop_index(op.f("ix_forum_meeting_forum_id"), table_name="forum_meeting")
    op.drop_table("forum_meeting")
    op.drop_index(op.f("ix_consent_record_member_id"), table_name="consent_record")
    op.drop_table("consent_record")
    op.drop_index("ix_forum_member_forum_status", table_name="forum_member")
    op.drop_table("forum_member")
    op.drop_table("consent_wording")
    op.drop_table("forum")
