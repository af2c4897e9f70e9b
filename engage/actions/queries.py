"""Reading the action plan: the read model other features share.

The themes pages, the responses pages and the PDF report ask which actions answer a
theme or a response through this module; only :mod:`engage.actions.services` changes
the plan.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.accounts.models import StaffUser
from engage.actions.models import (
    EDITABLE,
    LONG_TEXT,
    TIMESCALES,
    Action,
    ActionStatus,
    Priority,
    Publication,
    ResponseLink,
    ThemeLink,
    timescale_shown,
)
from engage.themes import queries as theme_queries
from engage.themes.models import AnalysisStatus, ThemeAnalysis
from surveys.models import Response, Survey

# A link's theme the analysis no longer has, as the audit log names it (in English, as the
# log is written); pages show it in their language (:func:`theme_ref`).
MISSING_THEME = "A theme no longer in the analysis"


@dataclass(frozen=True)
class ThemeRef:
    """One theme of one question's analysis, as shown next to actions."""

    analysis: ThemeAnalysis
    theme_id: str
    label: str
    size: int
    quotes: list[str]
    by_locality: dict[str, int]
    exists: bool = True

    @property
    def key(self) -> str:
        return f"{self.analysis.id}:{self.theme_id}"


def theme_ref(analysis: ThemeAnalysis, theme_id: str) -> ThemeRef:
    theme = analysis.theme(theme_id)
    if theme is None:
        return ThemeRef(analysis, theme_id, _("A theme no longer in the analysis"), 0, [], {}, exists=False)
    return ThemeRef(
        analysis,
        theme_id,
        theme.label,
        theme.size,
        theme_queries.shown_quotes(theme),
        dict(theme.by_locality),
    )


def actions_for_theme(session: Session, analysis: ThemeAnalysis, theme_id: str) -> list[Action]:
    return list(
        session.scalars(
            select(Action)
            .join(ThemeLink, ThemeLink.action_id == Action.id)
            .where(ThemeLink.analysis_id == analysis.id, ThemeLink.theme_id == theme_id)
            .order_by(Action.id)
        )
    )


def trace_response(
    session: Session, survey: Survey, public_id: str
) -> list[tuple[str, ThemeRef, list[Action]]]:
    """For one response: each free-text answer's theme, and the actions it led to."""
    found = []
    for analysis in session.scalars(
        select(ThemeAnalysis).where(
            ThemeAnalysis.survey_id == survey.id, ThemeAnalysis.status == AnalysisStatus.DONE
        )
    ):
        for theme_id in analysis.snapshot.themes_of(public_id):
            if theme_id == "unassigned":
                continue
            ref = theme_ref(analysis, theme_id)
            if ref.exists:
                found.append((analysis.question_id, ref, actions_for_theme(session, analysis, theme_id)))
    return found


def actions_for_response(session: Session, response: Response) -> list[Action]:
    return list(
        session.scalars(
            select(Action)
            .join(ResponseLink, ResponseLink.action_id == Action.id)
            .where(ResponseLink.response_id == response.id)
            .order_by(Action.id)
        )
    )


def all_actions(session: Session) -> list[Action]:
    return list(session.scalars(select(Action).order_by(Action.priority_id, Action.id)))


# --- an action's history ----------------------------------------------------------------


@dataclass(frozen=True)
class HistoryItem:
    """One thing that happened to an action: when, who, and what they did, as the words
    after their name ("changed the title from 'A' to 'B'"); a status change's reason."""

    at: datetime
    by: StaffUser | None
    did: str
    reason: str = ""


def history(action: Action) -> list[HistoryItem]:
    """The action's status changes and edits in one list, newest first."""
    dated: list[tuple[datetime, int, int, HistoryItem]] = []
    for index, change in enumerate(action.history):
        did = (
            _("added the action (%(status)s)", status=change.status_label)
            if index == 0
            else _("changed the status to '%(status)s'", status=change.status_label)
        )
        item = HistoryItem(change.changed_at, change.changed_by, did, change.reason)
        dated.append((change.changed_at, 0 if index == 0 else 1, change.id, item))
    for edit in action.edits:
        item = HistoryItem(edit.edited_at, edit.edited_by, describe_edit(edit.changes))
        dated.append((edit.edited_at, 1, edit.id, item))
    return [item for *_rest, item in sorted(dated, key=lambda row: row[:3], reverse=True)]


# What an edit did to each field, as the words after the officer's name: a whole phrase per
# field, so a translation can order and inflect it; ``%(old)s`` and ``%(new)s`` are the
# values quoted (short fields only: long text is only named).
ADDED = {
    "description": _l("added a description"),
    "outputs": _l("added output measures"),
    "outcomes": _l("added impact outcomes"),
}
REMOVED = {
    "description": _l("removed the description"),
    "outputs": _l("removed the output measures"),
    "outcomes": _l("removed the impact outcomes"),
}
CHANGED_TEXT = {
    "description": _l("changed the description"),
    "outputs": _l("changed the output measures"),
    "outcomes": _l("changed the impact outcomes"),
}
SET = {
    "title": _l("set the title to '%(new)s'"),
    "lead_officer": _l("set the lead officer to '%(new)s'"),
    "timescale": _l("set the timescale to '%(new)s'"),
}
CLEARED = {
    "title": _l("removed the title ('%(old)s')"),
    "lead_officer": _l("removed the lead officer ('%(old)s')"),
    "timescale": _l("removed the timescale ('%(old)s')"),
}
CHANGED = {
    "title": _l("changed the title from '%(old)s' to '%(new)s'"),
    "lead_officer": _l("changed the lead officer from '%(old)s' to '%(new)s'"),
    "timescale": _l("changed the timescale from '%(old)s' to '%(new)s'"),
}
MOVED = _l("moved it from the priority '%(old)s' to '%(new)s'")
# A field the lists above do not know (an older record's), only named, as it was stored.
ADDED_OTHER = _l("added %(field)s")
REMOVED_OTHER = _l("removed the %(field)s")
CHANGED_OTHER = _l("changed the %(field)s")
DATED = re.compile(r"By (\d{4}-\d{2}-\d{2})")


def kept_timescale_shown(kept: str) -> str:
    """A timescale as an edit record keeps it (English: "Pilot", "By 2027-03-31"), as pages
    show it, in the page's language; anything else as it is."""
    code = next((code for code, label in TIMESCALES.items() if label == kept), None)
    if code is not None:
        return timescale_shown(code, None)
    dated = DATED.fullmatch(kept)
    return timescale_shown("date", dated.group(1)) if dated else kept


def _described(name: str, old: str, new: str) -> str:
    """What changing field ``name`` from ``old`` to ``new`` did, as words after a name."""
    if name == "priority":
        return str(MOVED % {"old": old, "new": new})
    if name == "timescale":
        old, new = kept_timescale_shown(old), kept_timescale_shown(new)
    if name in LONG_TEXT or name not in CHANGED:
        field = EDITABLE.get(name, name.replace("_", " "))
        if not old:
            return str(ADDED[name]) if name in ADDED else str(ADDED_OTHER % {"field": field})
        if not new:
            return str(REMOVED[name]) if name in REMOVED else str(REMOVED_OTHER % {"field": field})
        return str(CHANGED_TEXT[name]) if name in CHANGED_TEXT else str(CHANGED_OTHER % {"field": field})
    if not old:
        return str(SET[name] % {"new": new})
    if not new:
        return str(CLEARED[name] % {"old": old})
    return str(CHANGED[name] % {"old": old, "new": new})


def describe_edit(changes: Mapping[str, Sequence[str | None]]) -> str:
    """An edit in plain words, in the page's language: short fields with their values, long
    text only named.

    ``{"title": ["A", "B"], "description": ["", "…"]}`` reads "changed the title from 'A'
    to 'B' and added a description".
    """
    parts = []
    for name in [*EDITABLE, *sorted(set(changes) - set(EDITABLE))]:
        if name not in changes:
            continue
        old, new = (str(value or "") for value in changes[name])
        parts.append(_described(name, old, new))
    if not parts:
        return str(_("made no change"))
    if len(parts) == 1:
        return parts[0]
    return str(_("%(changes)s and %(last)s", changes=", ".join(parts[:-1]), last=parts[-1]))


def published_survey_ids(session: Session) -> set[int]:
    """The surveys whose "You said, we did" page is published."""
    return set(session.scalars(select(Publication.survey_id).where(Publication.published_at.is_not(None))))


#: Statuses after which an action is no longer due.
FINISHED = (ActionStatus.DONE, ActionStatus.NOT_TAKEN_FORWARD)


@dataclass(frozen=True)
class DueAction:
    """An action with a date that is past or soon, not finished (the dashboard, the alerts)."""

    id: int
    title: str
    priority: str
    due_on: date
    overdue: bool
    status_label: str
    lead_officer: str


def actions_due(session: Session, today: date, within_days: int) -> list[DueAction]:
    """Actions whose date is past or within ``within_days`` of ``today`` and that are not
    finished, soonest first. Only actions with a date ("by a date" timescale) can be due."""
    until = (today + timedelta(days=within_days)).isoformat()
    rows = session.execute(
        select(Action, Priority.title)
        .join(Priority, Priority.id == Action.priority_id)
        .where(
            Action.timescale == "date",
            Action.due_on.is_not(None),
            Action.due_on <= until,
            Action.status.not_in(FINISHED),
        )
        .order_by(Action.due_on, Action.id)
    )
    due = []
    for action, priority in rows:
        try:
            due_on = date.fromisoformat(action.due_on or "")
        except ValueError:
            continue
        due.append(
            DueAction(
                action.id,
                action.title,
                priority,
                due_on,
                due_on < today,
                action.status_label,
                action.lead_officer,
            )
        )
    return due
