"""Stakeholder forums, their members, consent records and meetings.

A member's personal data (name, email, organisation, role, accessibility needs)
lives only on :class:`ForumMember`. Erasure and lapse blank those columns and keep
the row, so anonymous counts (by organisation type, locality, interest) survive.
Consent records never hold personal data themselves: they point at the member.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.i18n import N_
from surveys.orm import Base, UTCDateTime

# The library strategy's themes (../shared/seeds): a forum picks from these.
INTEREST_AREAS: dict[str, str] = {
    "learning-skills": "Learning and skills",
    "health-wellbeing": "Health and wellbeing",
    "culture-creativity": "Culture and creativity",
    "digital-inclusion": "Digital inclusion",
    "community-cohesion": "Community cohesion",
    "economic-development": "Economic development",
}

ORGANISATION_TYPES: dict[str, str] = {
    "resident": "Resident, not representing an organisation",
    "community-group": "Community or voluntary group",
    "charity": "Charity or social enterprise",
    "school-college": "School, college or university",
    "health-care": "Health or care provider",
    "business": "Business",
    "arts-heritage": "Arts, culture or heritage organisation",
    "public-body": "Council or other public body",
    "volunteer": "Library or heritage volunteer",
    "other": "Other",
}


class MemberStatus(enum.StrEnum):
    """Where a sign-up is. Stored as its text; ``CURRENT`` and ``ENDED`` group them."""

    PENDING = "pending"  # signed up, email not yet confirmed: nothing is active
    ACTIVE = "active"  # confirmed; counts as a member
    WAITING = "waiting"  # confirmed, but the forum was full
    ERASED = "erased"  # withdrew consent; personal data removed
    LAPSED = "lapsed"  # did not re-confirm in time; personal data removed

    CURRENT = enum.nonmember((ACTIVE, WAITING))
    ENDED = enum.nonmember((ERASED, LAPSED))

    # In English; ``ForumMember.status_label`` shows them in the page's language.
    LABELS = enum.nonmember(
        {
            PENDING: N_("Waiting for email confirmation"),
            ACTIVE: N_("Member"),
            WAITING: N_("On the waiting list"),
            ERASED: N_("Left and erased"),
            LAPSED: N_("Lapsed and erased"),
        }
    )


class BookingStatus(enum.StrEnum):
    """A place at a meeting, or a place on its waiting list."""

    BOOKED = "booked"
    WAITING = "waiting"


class Forum(Base):
    __tablename__ = "forum"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(150))
    purpose: Mapped[str] = mapped_column(Text)
    localities: Mapped[list[str]] = mapped_column(JSON, default=list)
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    opens_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    closes_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )

    members: Mapped[list[ForumMember]] = relationship(back_populates="forum", cascade="all, delete-orphan")
    meetings: Mapped[list[ForumMeeting]] = relationship(
        back_populates="forum", cascade="all, delete-orphan", order_by="ForumMeeting.starts_at"
    )

    def is_open(self, today: date) -> bool:
        if self.opens_on is not None and today < self.opens_on:
            return False
        return self.closes_on is None or today <= self.closes_on


class ConsentWording(Base):
    """One version of the consent statements shown on the sign-up form.

    ``purposes`` is a list of ``{"key", "text", "required"}``; a version is never
    edited once created, so every consent record can show exactly what was agreed.
    """

    __tablename__ = "consent_wording"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    introduction: Mapped[str] = mapped_column(Text)
    purposes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )

    def purpose(self, key: str) -> dict[str, Any] | None:
        return next((p for p in self.purposes if p["key"] == key), None)


class ForumMember(Base):
    __tablename__ = "forum_member"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12))
    # Personal data: blanked on erasure or lapse.
    name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    email_key: Mapped[str | None] = mapped_column(String(254), nullable=True)
    organisation: Mapped[str | None] = mapped_column(String(150), nullable=True)
    role: Mapped[str | None] = mapped_column(String(100), nullable=True)
    access_needs: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Kept for anonymous counts.
    organisation_type: Mapped[str] = mapped_column(String(30))
    localities: Mapped[list[str]] = mapped_column(JSON, default=list)
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    channel: Mapped[str] = mapped_column(String(20))
    emails_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    # The language (en, cy) of the pages they registered on, updated when they act on
    # their own pages: emails to them are written in it, even those sent later.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    # Purposes ticked at sign-up, recorded as consent only once the email link is used.
    pending_consent: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    renewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Secrets are stored only as SHA-256 digests.
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    confirm_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    manage_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    manage_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A new address the member asked for: it replaces ``email`` only when they open the link
    # sent to it (personal data: blanked on erasure or lapse).
    new_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    new_email_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    new_email_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    forum: Mapped[Forum] = relationship(back_populates="members")
    consents: Mapped[list[ConsentRecord]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="ConsentRecord.id"
    )
    bookings: Mapped[list[MeetingBooking]] = relationship(
        back_populates="member", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("forum_id", "email_key"),
        Index("ix_forum_member_forum_status", "forum_id", "status"),
    )

    @property
    def status_label(self) -> str:
        """The member's status as pages show it, in the page's language."""
        label = MemberStatus.LABELS.get(self.status)
        return str(_(label)) if label else self.status

    def current_consents(self) -> list[ConsentRecord]:
        return [c for c in self.consents if c.withdrawn_at is None]

    def has_consent(self, purpose: str) -> bool:
        return any(c.purpose == purpose for c in self.current_consents())


class ConsentRecord(Base):
    """One purpose agreed to: which wording version, when (UTC), how; and its withdrawal."""

    __tablename__ = "consent_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("forum_member.id", ondelete="CASCADE"), index=True)
    wording_id: Mapped[int] = mapped_column(ForeignKey("consent_wording.id", ondelete="RESTRICT"))
    purpose: Mapped[str] = mapped_column(String(40))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(20))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    withdrawal_channel: Mapped[str | None] = mapped_column(String(20), nullable=True)
    withdrawal_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)

    member: Mapped[ForumMember] = relationship(back_populates="consents")
    wording: Mapped[ConsentWording] = relationship()


class ForumMeeting(Base):
    __tablename__ = "forum_meeting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(150))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    details: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    forum: Mapped[Forum] = relationship(back_populates="meetings")
    bookings: Mapped[list[MeetingBooking]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingBooking.id"
    )

    @property
    def booked(self) -> list[MeetingBooking]:
        return [b for b in self.bookings if b.status == BookingStatus.BOOKED]

    @property
    def waiting(self) -> list[MeetingBooking]:
        return [b for b in self.bookings if b.status == BookingStatus.WAITING]


class MeetingBooking(Base):
    __tablename__ = "meeting_booking"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("forum_meeting.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("forum_member.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))  # booked, waiting
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    meeting: Mapped[ForumMeeting] = relationship(back_populates="bookings")
    member: Mapped[ForumMember] = relationship(back_populates="bookings")

    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)
