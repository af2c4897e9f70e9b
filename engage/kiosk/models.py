"""A shared tablet enrolled to a library branch."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from surveys.i18n import N_
from surveys.orm import Base, UTCDateTime

# A tablet's states. Staff see these only (scripts/i18n.py lists this file in STAFF_ONLY).
REVOKED = N_("Revoked")
WAITING = N_("Waiting to be enrolled")
ENROLLED = N_("Enrolled")


class KioskDevice(Base):
    """One tablet. Secrets (the one-time enrolment code, the device token) are stored as digests."""

    __tablename__ = "kiosk_device"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    branch_code: Mapped[str] = mapped_column(String(40), index=True)
    branch_name: Mapped[str] = mapped_column(String(100))
    idle_seconds: Mapped[int] = mapped_column(Integer, default=120)
    enrol_code_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    enrol_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # How many finished responses the tablet said it was still holding (offline queue).
    queued_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    queued_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    received_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Of those, how many were kept with answers left out or missing (flagged for staff).
    flagged_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )

    @property
    def state(self) -> str:
        """Where the tablet is, in English: "Revoked", "Waiting to be enrolled", "Enrolled"."""
        if self.revoked_at is not None:
            return REVOKED
        if self.enrolled_at is None:
            return WAITING
        return ENROLLED

    @property
    def state_label(self) -> str:
        """``state`` as the staff kiosk page shows it, in the page's language."""
        return str(_(self.state))


class KioskRefusal(Base):
    """A response a tablet sent from its queue that the server refused, with the reason.

    Refused for good (the survey had closed when it was finished, no answer passed the
    survey's checks, a version the kiosk could not have been offered...), so the tablet
    drops it. Its answers are not kept; this row is the trace staff see on the kiosk page.
    ``client_key`` is unique, so a resent refusal is recorded once, like a stored response.
    """

    __tablename__ = "kiosk_refusal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("kiosk_device.id", ondelete="CASCADE"), index=True)
    client_key: Mapped[str] = mapped_column(String(64), unique=True)
    survey_slug: Mapped[str] = mapped_column(String(60))
    version_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str] = mapped_column(String(20))  # closed, not_open_yet, not_published, ...
    message: Mapped[str] = mapped_column(String(300))
    answers_sent: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
