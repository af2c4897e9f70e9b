"""Staff accounts, their server-side sessions, the audit log, the outbox and rate-limit counts."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.platform import clock
from surveys.orm import Base, UTCDateTime


class Role(enum.StrEnum):
    """What a member of staff may do. Each role includes the ones below it."""

    ADMIN = "admin"
    OFFICER = "officer"
    BRANCH_STAFF = "branch_staff"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return {
            Role.ADMIN: "Administrator",
            Role.OFFICER: "Officer",
            Role.BRANCH_STAFF: "Branch staff",
            Role.VIEWER: "Viewer",
        }[self]

    @property
    def description(self) -> str:
        return {
            Role.ADMIN: "Manages staff accounts and everything officers can do.",
            Role.OFFICER: "Builds surveys, reviews themes, keeps the action plan and publishes results.",
            Role.BRANCH_STAFF: "Enters paper responses and looks after kiosks in a branch.",
            Role.VIEWER: "Reads reports and responses but changes nothing.",
        }[self]

    @property
    def rank(self) -> int:
        return {Role.VIEWER: 0, Role.BRANCH_STAFF: 1, Role.OFFICER: 2, Role.ADMIN: 3}[self]


class StaffUser(Base):
    __tablename__ = "staff_user"
    __allow_unmapped__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    sessions: Mapped[list[StaffSession]] = relationship(back_populates="user")

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def has_role(self, minimum: Role) -> bool:
        return self.is_active_account and self.role_enum.rank >= minimum.rank

    # Flask-Login's view of a staff member. The id it keeps in the cookie is the
    # session token set by the loader, never the account's primary key.
    session_token: str | None = None
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return self.session_token is not None

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def get_id(self) -> str | None:
        return self.session_token

    def __repr__(self) -> str:
        return f"<StaffUser {self.id} {self.role}>"


class StaffSession(Base):
    """A signed-in browser. The cookie holds only this row's random token.

    Logging out, a password change or deactivation revokes the row, so a copy of
    an old cookie is worthless afterwards.
    """

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    client_address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(255), nullable=True)

    user: Mapped[StaffUser] = relationship(back_populates="sessions")

    __table_args__ = (Index("ix_staff_session_user_active", "user_id", "revoked_at"),)


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

    actor: Mapped[StaffUser | None] = relationship()


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
    status: Mapped[str] = mapped_column(String(12))  # outbox, queued, sent, failed
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


class RateLimitCounter(Base):
    """One rate-limit window (see engage.platform.ratelimit), when Redis is not configured.

    Every web worker counts here, so a limit holds across processes and machines. ``key``
    names the limit and a digest of who is counted (never an address in clear).
    """

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
