"""A shared tablet enrolled to a library branch."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from surveys.orm import Base, UTCDateTime


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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "Revoked"
        if self.enrolled_at is None:
            return "Waiting to be enrolled"
        return "Enrolled"
