"""Residents who asked to hear what happened to their answers.

The email address lives here, never in the response's answers, so analysis,
exports and reports cannot reach it. A row belongs to one submitted response
(deleted with it) and records exactly what the resident agreed to and when.
Only confirmed rows (the resident used the link in the first email) get news.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.models import Response, Survey
from surveys.orm import Base, UTCDateTime


class FollowUp(Base):
    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    consent_text: Mapped[str] = mapped_column(Text)
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    survey: Mapped[Survey] = relationship()
    response: Mapped[Response] = relationship()


class FollowUpNotice(Base):
    """One email sent for one event, so no resident hears about the same thing twice."""

    __tablename__ = "follow_up_notice"
    __table_args__ = (UniqueConstraint("follow_up_id", "event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(ForeignKey("follow_up.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(80))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
