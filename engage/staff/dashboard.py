"""What an officer's dashboard shows: their surveys with today's and all responses, and
the things waiting for someone to act on them.

Every figure is read with a few aggregate queries over the whole service (one per kind
of thing, never one per survey), so the dashboard costs the same with ten responses or a
hundred thousand. Only the theme analyses are read whole: whether a theme counts as
reviewed is worked out from its codebook and snapshot (:mod:`engage.themes.queries`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from engage.actions import queries as action_queries
from engage.actions.queries import DueAction
from engage.forums.models import Forum, ForumMember, MemberStatus
from engage.platform import clock
from engage.themes import queries as theme_queries
from engage.themes.models import AnalysisStatus, ThemeAnalysis
from surveys import services as survey_services
from surveys.models import Response, Submission, Survey

#: An open survey closing within this many days is "closing soon".
CLOSING_SOON_DAYS = 7
#: An action due within this many days (or already past its date) is on the to-do list.
ACTION_DUE_DAYS = 14
#: Statuses after which an action needs nothing more.


@dataclass(frozen=True)
class SurveyRow:
    """One survey as the dashboard lists it."""

    slug: str
    title: str
    mine: bool
    status: str  # "draft", "open", "not_open_yet" or "closed"
    opens_at: datetime | None
    closes_at: datetime | None
    published: bool  # has a published version (its responses, themes and pages exist)
    responses_today: int
    responses: int
    themes: int  # themes in its finished analyses (0: none analysed yet)
    reviewed: int  # of those, themes that count as reviewed
    analysed: bool
    said_we_did_published: bool

    @property
    def closes_on(self) -> date | None:
        """The day it closes, in the council's time."""
        return clock.local(self.closes_at).date() if self.closes_at is not None else None

    @property
    def themes_to_review(self) -> bool:
        return self.analysed and self.reviewed < self.themes

    @property
    def awaits_said_we_did(self) -> bool:
        """Closed, or with reviewed themes, and no published "You said, we did" page yet."""
        return (
            self.published
            and not self.said_we_did_published
            and (self.status == "closed" or self.reviewed > 0)
        )


@dataclass(frozen=True)
class WaitingList:
    slug: str
    name: str
    waiting: int


@dataclass
class Dashboard:
    mine: list[SurveyRow] = field(default_factory=list)
    others: list[SurveyRow] = field(default_factory=list)
    closing_soon: list[SurveyRow] = field(default_factory=list)
    themes_to_review: list[SurveyRow] = field(default_factory=list)
    said_we_did: list[SurveyRow] = field(default_factory=list)
    actions_due: list[DueAction] = field(default_factory=list)
    waiting_lists: list[WaitingList] = field(default_factory=list)

    @property
    def to_do(self) -> int:
        return (
            len(self.closing_soon)
            + len(self.themes_to_review)
            + len(self.said_we_did)
            + len(self.actions_due)
            + len(self.waiting_lists)
        )


# --- the figures, each in one query ------------------------------------------------------


def responses_by_survey(session: Session, since: datetime) -> tuple[Counter[int], Counter[int]]:
    """Submitted responses per survey id: those submitted at or after ``since``, and all."""
    today = session.execute(
        select(Response.survey_id, func.count())
        .join(Submission, Submission.response_id == Response.id)
        .where(Submission.submitted_at >= since)
        .group_by(Response.survey_id)
    )
    return Counter({row[0]: int(row[1]) for row in today}), survey_services.submitted_counts(session)


def themes_by_survey(session: Session) -> tuple[Counter[int], Counter[int]]:
    """Per survey id: themes in its finished analyses, and how many count as reviewed."""
    themes: Counter[int] = Counter()
    reviewed: Counter[int] = Counter()
    for analysis in session.scalars(select(ThemeAnalysis).where(ThemeAnalysis.status == AnalysisStatus.DONE)):
        progress = theme_queries.review_progress(analysis)
        themes[analysis.survey_id] += len(progress)
        reviewed[analysis.survey_id] += sum(1 for review in progress.values() if review.reviewed)
    return themes, reviewed


def actions_due(session: Session, today: date) -> list[DueAction]:
    """Actions with a date that is past or within :data:`ACTION_DUE_DAYS`, not yet finished."""
    return action_queries.actions_due(session, today, ACTION_DUE_DAYS)


def waiting_lists(session: Session) -> list[WaitingList]:
    """Forums with people on the waiting list: an officer decides whether to give them a place."""
    rows = session.execute(
        select(Forum.slug, Forum.name, func.count(ForumMember.id))
        .join(ForumMember, ForumMember.forum_id == Forum.id)
        .where(ForumMember.status == MemberStatus.WAITING)
        .group_by(Forum.id, Forum.slug, Forum.name)
        .order_by(Forum.name)
    )
    return [WaitingList(slug, name, int(count)) for slug, name, count in rows]


def _status(survey: Survey, now: datetime) -> str:
    reason = survey_services.availability(survey, now).reason
    return "draft" if reason == "not_published" else reason


def build(session: Session, user_id: int, now: datetime) -> Dashboard:
    """The dashboard of the member of staff ``user_id`` at ``now``."""
    today = clock.local(now).date()
    responses_today, responses = responses_by_survey(session, clock.start_of_day(today))
    themes, reviewed = themes_by_survey(session)
    published_pages = action_queries.published_survey_ids(session)
    surveys = session.scalars(
        select(Survey)
        .options(selectinload(Survey.versions))
        .order_by(Survey.created_at.desc(), Survey.id.desc())
    )
    board = Dashboard()
    soon = now + timedelta(days=CLOSING_SOON_DAYS)
    for survey in surveys:
        if not survey.versions:
            continue
        version = survey.published
        definition = survey_services.definition_of(version) if version is not None else None
        status = _status(survey, now)
        closes_at = definition.closes_at if definition is not None else None
        row = SurveyRow(
            slug=survey.slug,
            title=survey.title,
            mine=survey.created_by_id == user_id,
            status=status,
            opens_at=definition.opens_at if definition is not None else None,
            closes_at=closes_at,
            published=version is not None,
            responses_today=responses_today[survey.id],
            responses=responses[survey.id],
            themes=themes[survey.id],
            reviewed=reviewed[survey.id],
            analysed=survey.id in themes,
            said_we_did_published=survey.id in published_pages,
        )
        (board.mine if row.mine else board.others).append(row)
        if status == "open" and closes_at is not None and closes_at <= soon:
            board.closing_soon.append(row)
    rows = board.mine + board.others
    board.closing_soon.sort(key=lambda row: row.closes_at or now)
    board.themes_to_review = [row for row in rows if row.themes_to_review]
    board.said_we_did = [row for row in rows if row.awaits_said_we_did]
    board.actions_due = actions_due(session, today)
    board.waiting_lists = waiting_lists(session)
    return board
