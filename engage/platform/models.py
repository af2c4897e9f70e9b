"""The platform's own tables: the audit log, the outbox of emails and rate-limit counts."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engage.platform import clock
from surveys.i18n import N_
from surveys.orm import Base, UTCDateTime


class AuditEvent(Base):
    """Who changed what, when, and to which record. Rows are only ever added."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    client_address: Mapped[str | None] = mapped_column(String(64), nullable=True)


class EmailStatus(enum.StrEnum):
    """Where an email is: waiting without a mail server, queued for one, sent, or failed."""

    OUTBOX = "outbox"
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"

    @property
    def label(self) -> str:
        """ "Outbox", as the staff's outbox pages show it, in the page's language."""
        return str(_(_EMAIL_STATUS_LABELS[self]))


# Staff see these only (scripts/i18n.py lists this file in STAFF_ONLY).
_EMAIL_STATUS_LABELS = {
    EmailStatus.OUTBOX: N_("Outbox"),
    EmailStatus.QUEUED: N_("Queued"),
    EmailStatus.SENT: N_("Sent"),
    EmailStatus.FAILED: N_("Failed"),
}


class OutboundEmail(Base):
    """An email the service sends, kept so nothing is silently lost (see engage.platform.mail).

    An email holds personal data (the address, often a name), so it is tied to the person
    it concerns: a forum member, a "tell me what happened" address or an unfinished
    response (a resume email). Deleting that row deletes the email (the foreign keys
    cascade); erasing a forum member deletes their emails explicitly (the member row stays
    for anonymous counts). Every email is deleted ``ENGAGE_OUTBOX_RETENTION_DAYS`` after it
    was made, and an erasure's goodbye (``discard_after`` set) as soon as it is sent, or at
    that time if it never is.
    """

    __tablename__ = "outbound_email"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(40))
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12))  # an EmailStatus
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Whom it concerns (at most one is set).
    forum_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("forum_member.id", ondelete="CASCADE"), nullable=True, index=True
    )
    follow_up_id: Mapped[int | None] = mapped_column(
        ForeignKey("follow_up.id", ondelete="CASCADE"), nullable=True, index=True
    )
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), nullable=True, index=True
    )
    # Set on the goodbye after an erasure: deleted once sent, and at this time at the latest.
    discard_after: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def status_label(self) -> str:
        """Its status as the outbox pages show it ("Outbox"), in the page's language."""
        return EmailStatus(self.status).label


class RateLimitCounter(Base):
    """One rate-limit window (see engage.platform.ratelimit), when Redis is not configured.

    Every web worker counts here, so a limit holds across processes and machines. ``key``
    names the limit and a digest of who is counted (never an address in clear).
    """

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
