"""surveys versions responses submissions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import surveys.orm

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("created_at", surveys.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", surveys.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_user.id"],
            name=op.f("fk_survey_created_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey")),
        sa.UniqueConstraint("slug", name=op.f("uq_survey_slug")),
    )
    op.create_table(
        "survey_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", surveys.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", surveys.orm.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_survey_version_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_version")),
        sa.UniqueConstraint("survey_id", "number", name=op.f("uq_survey_version_survey_id_number")),
    )
    with op.batch_alter_table("survey_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_version_survey_id"), ["survey_id"], unique=False)

    op.create_table(
        "equality_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("locality_code", sa.String(length=40), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_equality_record_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["survey_version.id"],
            name=op.f("fk_equality_record_version_id_survey_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equality_record")),
    )
    with op.batch_alter_table("equality_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_equality_record_survey_id"), ["survey_id"], unique=False)

    op.create_table(
        "response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("locality_code", sa.String(length=40), nullable=True),
        sa.Column("branch_code", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("pages_done", sa.JSON(), nullable=False),
        sa.Column("resume_token_hash", sa.String(length=64), nullable=False),
        sa.Column("resume_code_hash", sa.String(length=64), nullable=True),
        sa.Column("client_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", surveys.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", surveys.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", surveys.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["staff_user.id"],
            name=op.f("fk_response_entered_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_response_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["survey_version.id"],
            name=op.f("fk_response_version_id_survey_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response")),
        sa.UniqueConstraint("client_key", name=op.f("uq_response_client_key")),
        sa.UniqueConstraint("public_id", name=op.f("uq_response_public_id")),
        sa.UniqueConstraint("resume_code_hash", name=op.f("uq_response_resume_code_hash")),
        sa.UniqueConstraint("resume_token_hash", name=op.f("uq_response_resume_token_hash")),
    )
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.create_index("ix_response_expiry", ["status", "expires_at"], unique=False)
        batch_op.create_index("ix_response_survey_status", ["survey_id", "status"], unique=False)

    op.create_table(
        "submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("submitted_at", surveys.orm.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["response.id"],
            name=op.f("fk_submission_response_id_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission")),
        sa.UniqueConstraint("reference", name=op.f("uq_submission_reference")),
        sa.UniqueConstraint("response_id", name=op.f("uq_submission_response_id")),
    )
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submission_submitted_at"), ["submitted_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_submitted_at"))

    op.drop_table("submission")
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index("ix_response_survey_status")
        batch_op.drop_index("ix_response_expiry")

    op.drop_table("response")
    with op.batch_alter_table("equality_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_equality_record_survey_id"))

    op.drop_table("equality_record")
    with op.batch_alter_table("survey_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_version_survey_id"))

    op.drop_table("survey_version")
    op.drop_table("survey")
