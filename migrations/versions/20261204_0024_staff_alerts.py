"""officers choose email alerts, and each alert is sent once

``staff_alert`` holds one row per (staff account, kind of alert) switched on: a daily
digest of new responses, a survey closing in 3 days, an action due, a forum sign-up.
No row, no alert: everything is off until the officer chooses. ``covered_until`` is where
the next digest (and the next look for sign-ups) starts.

``staff_alert_sent`` records each alert decided for an account under a key saying what it
was about (a digest's day, a survey and its closing time, an action and its due date, a
forum sign-up). The unique key makes each alert go once, however often the run happens.

Both go with the staff account (``ON DELETE CASCADE``).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import surveys.orm

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = surveys.orm.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "staff_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("chosen_at", UTC, nullable=False),
        sa.Column("covered_until", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_user.id"],
            name=op.f("fk_staff_alert_staff_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_alert")),
        sa.UniqueConstraint("staff_user_id", "kind", name=op.f("uq_staff_alert_staff_user_id_kind")),
    )
    op.create_table(
        "staff_alert_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject_key", sa.String(length=80), nullable=False),
        sa.Column("sent_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_user.id"],
            name=op.f("fk_staff_alert_sent_staff_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_alert_sent")),
        sa.UniqueConstraint(
            "staff_user_id",
            "kind",
            "subject_key",
            name=op.f("uq_staff_alert_sent_staff_user_id_kind_subject_key"),
        ),
    )
    op.create_index(op.f("ix_staff_alert_sent_sent_at"), "staff_alert_sent", ["sent_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_alert_sent_sent_at"), table_name="staff_alert_sent")
    op.drop_table("staff_alert_sent")
    op.drop_table("staff_alert")
