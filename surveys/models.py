"""Surveys, their immutable published versions, responses and submissions."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, and_
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.orm import Base, UTCDateTime


class VersionStatus(enum.StrEnum):
    """Where a survey version is in its life: one draft at a time, one published."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"  # was published; a newer version replaced it


class ResponseStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"  # being answered (resumable until it expires)
    SUBMITTED = "submitted"


class Survey(Base):
    """A consultation. Its questions live in versions; one may be published at a time."""

    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(150))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # String reference: the staff table belongs to the web application.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )

    versions: Mapped[list[SurveyVersion]] = relationship(
        back_populates="survey", order_by="SurveyVersion.number", cascade="all, delete-orphan"
    )
    # The published version alone, for residents' pages: loading ``versions`` reads every
    # version's definition, and with ten versions a survey's start page took a third
    # longer (docs/performance.md). Read through ``published``.
    published_version: Mapped[SurveyVersion | None] = relationship(
        primaryjoin=lambda: and_(
            Survey.id == SurveyVersion.survey_id, SurveyVersion.status == VersionStatus.PUBLISHED.value
        ),
        viewonly=True,
        uselist=False,
    )

    @property
    def published(self) -> SurveyVersion | None:
        """The published version. When ``versions`` is already loaded (officers' pages,
        publishing) it is read from there, so a version published in this session is seen
        at once; otherwise only the published version is loaded."""
        if "versions" in self.__dict__:
            return next((v for v in reversed(self.versions) if v.status == VersionStatus.PUBLISHED), None)
        return self.published_version

    @property
    def draft(self) -> SurveyVersion | None:
        return next((v for v in reversed(self.versions) if v.status == VersionStatus.DRAFT), None)

    @property
    def latest(self) -> SurveyVersion:
        return self.versions[-1]


class SurveyVersion(Base):
    """One version of a survey's definition. Once published it never changes."""

    __tablename__ = "survey_version"
    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))  # VersionStatus
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    survey: Mapped[Survey] = relationship(back_populates="versions")


class Response(Base):
    """One person's answers to one survey version, saved page by page as they go."""

    __tablename__ = "response"
    __table_args__ = (
        Index("ix_response_survey_status", "survey_id", "status"),
        Index("ix_response_expiry", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))
    #: The language code of the survey text the resident answered in ("en", "cy", …): the
    #: survey's own language unless they chose one of its translations.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    locality_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    #: Where ``locality_code`` came from: "library" (a branch's poster, kiosk or paper
    #: entry), "link" (a locality link) or "answer" (the resident's own answer to an area
    #: or library question); ``None`` while it is not known.
    locality_source: Mapped[str | None] = mapped_column(String(12), nullable=True)
    branch_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    status: Mapped[str] = mapped_column(String(12))  # ResponseStatus
    # jsonb on PostgreSQL: parsed once when saved, so reports that count answers in SQL
    # (one key, or every key with jsonb_each) do not re-parse 100,000 documents each time.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    pages_done: Mapped[list[str]] = mapped_column(JSON)
    resume_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    resume_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    client_key: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    # Set when the response was kept with answers left out or missing (a kiosk's queued
    # response that did not pass every check): a plain explanation for staff. None: nothing to check.
    review_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )

    survey: Mapped[Survey] = relationship()
    version: Mapped[SurveyVersion] = relationship()
    submission: Mapped[Submission | None] = relationship(back_populates="response", uselist=False)


class Submission(Base):
    """The moment a response was submitted. The unique response_id is what makes
    submission exactly-once: a second insert for the same response fails in the database.
    """

    __tablename__ = "submission"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), unique=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    response: Mapped[Response] = relationship(back_populates="submission")


class EqualityRecord(Base):
    """Equality monitoring answers, kept apart from the answers of the response they came with.

    They are never shown with a response, exported or listed one by one: only counted,
    in :mod:`surveys.reporting`, with small groups hidden. ``response_id`` ties them to
    their response so that a theme can be split by equality group (as suppressed totals)
    and so that erasing a response erases these too. Records stored before the link
    existed have none and count only in the survey's totals.
    """

    __tablename__ = "equality_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), unique=True, nullable=True
    )
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))
    locality_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_on: Mapped[date] = mapped_column(Date)


class PostcodeArea(Base):
    """The council's table from postcodes to the areas it reports by, uploaded by an officer.

    ``prefix`` is a whole postcode ("NG1 5AB"), a sector ("NG1 5"), a district ("NG1") or
    an area ("NG"), written with its single space; the longest prefix that matches a
    resident's postcode wins. ``area`` is matched to a survey's locality by name or code.
    """

    __tablename__ = "postcode_area"

    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    area: Mapped[str] = mapped_column(String(100))
