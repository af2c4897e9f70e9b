"""The action plan (priorities → actions, with their status changes and edits), the links
from themes to actions, and the public "You said, we did" page of each survey."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.accounts.models import StaffUser
from engage.themes.models import ThemeAnalysis
from surveys.i18n import N_
from surveys.models import Response, Survey
from surveys.orm import Base, UTCDateTime


class ActionStatus(enum.StrEnum):
    """Where an action is; stored as its text. Every change is kept in ``StatusChange``."""

    PROPOSED = "proposed"
    AGREED = "agreed"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_TAKEN_FORWARD = "not_taken_forward"

    @property
    def label(self) -> str:
        """The status's name in English ("In progress"), as spreadsheets and records have it."""
        return STATUSES[self.value]


#: Each status's label in English, in order: the exported and imported spreadsheets and the
#: audit log use these; pages show them in the page's language (``status_label``, ``shown``).
STATUSES = {
    ActionStatus.PROPOSED.value: N_("Proposed"),
    ActionStatus.AGREED.value: N_("Agreed"),
    ActionStatus.IN_PROGRESS.value: N_("In progress"),
    ActionStatus.DONE.value: N_("Done"),
    ActionStatus.NOT_TAKEN_FORWARD.value: N_("Not taken forward"),
}
#: Each timescale's label in English, like ``STATUSES``.
TIMESCALES = {
    "year_1": N_("Year 1"),
    "year_2": N_("Year 2"),
    "year_3": N_("Year 3"),
    "pilot": N_("Pilot"),
    "roll_out": N_("Roll-out"),
    "ongoing": N_("Ongoing"),
    "date": N_("By a date"),
}


def shown(label: str) -> str:
    """A label of ``STATUSES`` or ``TIMESCALES`` in the page's language (one not listed, as it is)."""
    return str(_(label)) if label else label


#: What an officer may edit, in the order the history and the audit log name the changes:
#: each field and its name in a sentence. The history quotes short fields' values and only
#: names the long ones (``LONG_TEXT``).
EDITABLE = {
    "priority": "priority",
    "title": "title",
    "lead_officer": "lead officer",
    "timescale": "timescale",
    "description": "description",
    "outputs": "output measures",
    "outcomes": "impact outcomes",
}
LONG_TEXT = ("description", "outputs", "outcomes")


def timescale_label(timescale: str, due_on: str | None) -> str:
    """How a timescale reads in English, as records and spreadsheets keep it: "Pilot", or
    "By 2027-03-31" for a date."""
    if timescale == "date" and due_on:
        return f"By {due_on}"
    return TIMESCALES.get(timescale, timescale)


def timescale_shown(timescale: str, due_on: str | None) -> str:
    """How a timescale reads on a page, in the page's language: "Pilot", "By 2027-03-31"."""
    if timescale == "date" and due_on:
        return str(_("By %(date)s", date=due_on))
    return shown(TIMESCALES.get(timescale, timescale))


class Priority(Base):
    __tablename__ = "action_priority"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    actions: Mapped[list[Action]] = relationship(back_populates="priority", order_by="Action.id")


class Action(Base):
    __tablename__ = "action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("action_priority.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    lead_officer: Mapped[str] = mapped_column(String(120), default="")
    timescale: Mapped[str] = mapped_column(String(12))
    due_on: Mapped[str | None] = mapped_column(String(10), nullable=True)  # ISO date when timescale is "date"
    outputs: Mapped[str] = mapped_column(Text, default="")
    outcomes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.PROPOSED)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    priority: Mapped[Priority] = relationship(back_populates="actions")
    history: Mapped[list[StatusChange]] = relationship(
        back_populates="action", order_by="StatusChange.id", cascade="all, delete-orphan"
    )
    links: Mapped[list[ThemeLink]] = relationship(
        back_populates="action", order_by="ThemeLink.id", cascade="all, delete-orphan"
    )
    edits: Mapped[list[ActionEdit]] = relationship(
        back_populates="action", order_by="ActionEdit.id", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        """The status as pages show it, in the page's language."""
        return shown(STATUSES.get(self.status, self.status))

    @property
    def timescale_label(self) -> str:
        """The timescale as pages show it, in the page's language."""
        return timescale_shown(self.timescale, self.due_on)


class StatusChange(Base):
    """Every status an action has had: dated and attributed."""

    __tablename__ = "action_status_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )

    action: Mapped[Action] = relationship(back_populates="history")
    changed_by: Mapped[StaffUser | None] = relationship()

    @property
    def status_label(self) -> str:
        """The status as pages show it, in the page's language."""
        return shown(STATUSES.get(self.status, self.status))


class ActionEdit(Base):
    """Every edit of an action's wording, priority, timescale or measures: dated, attributed,
    and what changed, as ``{field: [before, after]}`` (the fields are ``EDITABLE``); the
    timescale and the priority as they read then ("By 2027-03-31", the priority's title)."""

    __tablename__ = "action_edit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    edited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )
    changes: Mapped[dict[str, list[str]]] = mapped_column(JSON)

    action: Mapped[Action] = relationship(back_populates="edits")
    edited_by: Mapped[StaffUser | None] = relationship()


class ThemeLink(Base):
    """This action answers this theme (of one question's analysis)."""

    __tablename__ = "action_theme_link"
    __table_args__ = (UniqueConstraint("action_id", "analysis_id", "theme_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("theme_analysis.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )

    action: Mapped[Action] = relationship(back_populates="links")
    created_by: Mapped[StaffUser | None] = relationship()
    analysis: Mapped[ThemeAnalysis] = relationship()


class Publication(Base):
    """A survey's "You said, we did" page: shown to the public only while published."""

    __tablename__ = "you_said_we_did"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), unique=True)
    intro: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: What the public page showed when last published (see ``services.publish_content``);
    #: ``None`` for pages published before snapshots were kept.
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    #: Why the page was published while the survey was still open ("" if it was closed).
    open_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )

    survey: Mapped[Survey] = relationship()
    published_by: Mapped[StaffUser | None] = relationship()


class ResponseLink(Base):
    """An individual response an officer links to an action, where one answer says it best."""

    __tablename__ = "action_response_link"
    __table_args__ = (UniqueConstraint("action_id", "response_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )

    action: Mapped[Action] = relationship()
    response: Mapped[Response] = relationship()
    created_by: Mapped[StaffUser | None] = relationship()
