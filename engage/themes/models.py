"""A theme analysis of one free-text question of a survey, with the officers' codebook."""

from __future__ import annotations

import enum
import re
from datetime import datetime
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.accounts.models import StaffUser
from engage.themes.snapshot import Snapshot, SnapshotTheme
from surveys.i18n import N_
from surveys.models import Survey
from surveys.orm import Base, UTCDateTime
from surveys.services import definition_of


class AnalysisStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


# What the analysis is doing, as its jobs write it in ``ThemeAnalysis.message``. A job has no
# page, so the message is kept in English (one of these, filled in with ``%``) and shown in
# the page's language by ``ThemeAnalysis.shown_message``.
WAITING = N_("Waiting to start")
READING = N_("Reading the answers")
FINDING = N_("Finding themes in %(num)s answers")
PLACING = N_("Placing %(num)s new answers in the themes")
APPLYING = N_("Applying your change to %(num)s answers")
SAVING = N_("Saving the themes")
FAILED_WITH = N_("The analysis stopped with an error: %(error)s")
UNDONE = N_("Your last change could not be made and was undone: %(error)s")
PROGRESS_MESSAGES = (WAITING, READING, FINDING, PLACING, APPLYING, SAVING, FAILED_WITH, UNDONE)


@cache
def _pattern(message: str) -> re.Pattern[str]:
    """A message's English as a pattern: its ``%(name)s`` placeholders match anything."""
    parts = re.split(r"%\((\w+)\)s", message)  # text, name, text, name, ..., text
    return re.compile(
        "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*)" for i, part in enumerate(parts)),
        re.DOTALL,
    )


def progress_message(stored: str) -> str:
    """A stored progress message in the page's language (one not listed, as it is)."""
    for message in PROGRESS_MESSAGES:
        found = _pattern(message).fullmatch(stored)
        if found:
            return str(_(message, **found.groupdict()))
    return stored


class ThemeAnalysis(Base):
    """The fitted model (pickled), its codebook of officers' edits, and a snapshot to show.

    The model and codebook are the truth: replaying the codebook on the model gives the
    themes exactly. ``result`` is that replay's output, saved so pages need not redo it.
    """

    __tablename__ = "theme_analysis"
    __table_args__ = (UniqueConstraint("survey_id", "question_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(12))  # AnalysisStatus
    progress: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    # Megabytes for a large survey, and only the analysis itself needs it: loaded on use.
    model: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    # ThemeState.prepared() of the last run (pickled): added answers' vectors and every
    # answer's word counts, so a worker replaying the codebook need not make them again.
    prepared: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    codebook: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )

    survey: Mapped[Survey] = relationship()

    @property
    def shown_message(self) -> str:
        """``message`` as pages show it, in the page's language."""
        return progress_message(self.message or "")

    @property
    def question_text(self) -> str:
        """The question's wording in the published survey (its id if it is no longer asked)."""
        version = self.survey.published
        question = definition_of(version).question(self.question_id) if version is not None else None
        return question.text if question is not None else self.question_id

    @property
    def snapshot(self) -> Snapshot:
        """The saved snapshot, typed (the only way ``result`` is read). Read once per loaded
        ``result``: assigning a new one (or reloading it) reads it again."""
        result = self.result
        cached: tuple[object, Snapshot] | None = self.__dict__.get("_snapshot")
        if cached is None or cached[0] is not result:
            cached = (result, Snapshot.from_result(result))
            self.__dict__["_snapshot"] = cached
        return cached[1]

    def theme(self, theme_id: str) -> SnapshotTheme | None:
        """One current theme from the snapshot (label, size, keywords, quotes, splits)."""
        return self.snapshot.theme(theme_id)


class ThemeNote(Base):
    """An officer's note on a theme: why it was merged, what to check, who to ask."""

    __tablename__ = "theme_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("theme_analysis.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    author: Mapped[StaffUser | None] = relationship()


class QuoteReview(Base):
    """An officer's decision on one quote of an analysis: show it on public pages, or hide it.

    A quote is known by the SHA-256 of its text exactly as it is shown (redacted with
    today's rules), so a decision holds for that wording only: a quote that appears later
    (new answers, a merge, a split), or reads differently because redaction changed, has
    no decision and is not public until an officer has seen it.
    """

    __tablename__ = "theme_quote_review"
    __table_args__ = (UniqueConstraint("analysis_id", "quote_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("theme_analysis.id", ondelete="CASCADE"), index=True)
    quote_key: Mapped[str] = mapped_column(String(64))
    shown: Mapped[bool] = mapped_column(Boolean)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )

    decided_by: Mapped[StaffUser | None] = relationship()
