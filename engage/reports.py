"""Officers' survey report: counts and charts for every closed question, with filters by
locality, branch, channel and date, each count linking to the responses behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, make_response, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import Select, func, select

from engage import pdf
from engage.auth.decorators import role_required
from engage.models import Role
from engage.platform import clock
from engage.platform.database import db
from engage.platform.errors import summary_items
from engage.platform.security import mark_private
from engage.staff.surveys import survey_or_404
from surveys import reporting, runner, services
from surveys.definition import SurveyDefinition
from surveys.models import Response, Submission, Survey

bp = Blueprint("reports", __name__, url_prefix="/surveys")
LONDON = ZoneInfo("Europe/London")
FIRST_FILTER_DATE, LAST_FILTER_DATE = date(2000, 1, 1), date(2999, 12, 31)


@dataclass
class Filters:
    """What an officer narrowed the report to; anything unrecognised is reported, not used."""

    locality: str = ""
    branch: str = ""
    channel: str = ""
    since: str = ""
    until: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, args: Any, definition: SurveyDefinition) -> Filters:
        def arg(key: str) -> str:
            return str(args.get(key, "")).strip()

        chosen = cls(arg("locality"), arg("branch"), arg("channel"), arg("since"), arg("until"))
        if chosen.locality and definition.locality(chosen.locality) is None:
            chosen.errors["locality"], chosen.locality = "Select a locality from the list", ""
        if chosen.branch and definition.branch(chosen.branch) is None:
            chosen.errors["branch"], chosen.branch = "Select a library from the list", ""
        if chosen.channel and chosen.channel not in runner.CHANNELS:
            chosen.errors["channel"], chosen.channel = "Select a channel from the list", ""
        for name in ("since", "until"):
            value = getattr(chosen, name)
            if value:
                try:
                    day = date.fromisoformat(value)
                except ValueError:
                    chosen.errors[name] = "Enter the date as year-month-day, like 2026-10-01"
                    setattr(chosen, name, "")
                    continue
                if not FIRST_FILTER_DATE <= day <= LAST_FILTER_DATE:
                    # 9999-12-31 has no next day to count up to; 0001-01-01 is before the clocks.
                    chosen.errors[name] = "Enter a date from 2000 to 2999 as year-month-day, like 2026-10-01"
                    setattr(chosen, name, "")
                else:
                    setattr(chosen, name, day.isoformat())
        if chosen.since and chosen.until and chosen.since > chosen.until:
            chosen.errors["until"] = "The end date must be on or after the start date"
        return chosen

    def apply(self, query: Any) -> Any:
        """Narrow a ``select`` that joins Response and Submission."""
        if self.locality:
            query = query.where(Response.locality_code == self.locality)
        if self.branch:
            query = query.where(Response.branch_code == self.branch)
        if self.channel:
            query = query.where(Response.channel == self.channel)
        if self.since:
            start = datetime.combine(date.fromisoformat(self.since), time.min, LONDON)
            query = query.where(Submission.submitted_at >= start)
        if self.until and "until" not in self.errors:
            end = datetime.combine(date.fromisoformat(self.until) + timedelta(days=1), time.min, LONDON)
            query = query.where(Submission.submitted_at < end)
        return query

    def args(self) -> dict[str, str]:
        return {
            k: v
            for k, v in (
                ("locality", self.locality),
                ("branch", self.branch),
                ("channel", self.channel),
                ("since", self.since),
                ("until", self.until),
            )
            if v
        }


def _submitted(column: Any, survey: Survey, filters: Filters) -> Any:
    """``column`` of the survey's submitted responses that pass the filters."""
    query = (
        select(column)
        .join(Submission, Submission.response_id == Response.id)
        .where(Response.survey_id == survey.id)
    )
    return filters.apply(query)


def _matching(survey: Survey, filters: Filters) -> Select[tuple[int]]:
    """The ids of the survey's submitted responses that pass the filters (a subquery)."""
    matching: Select[tuple[int]] = _submitted(Response.id, survey, filters)
    return matching


def submitted_ids(survey: Survey, filters: Filters) -> set[str]:
    return set(db().scalars(_submitted(Response.public_id, survey, filters)))


@dataclass(frozen=True)
class Tally:
    """What the report counts: how many responses pass the filters, and every closed question."""

    total: int
    tables: list[reporting.ClosedCounts]


def tally(survey: Survey, definition: SurveyDefinition, filters: Filters) -> Tally:
    """Counted in the database: no response is loaded (4.0 s for 100,000 responses when
    they were; see docs/performance.md)."""
    matching = _matching(survey, filters)
    total = db().scalar(select(func.count()).select_from(matching.subquery())) or 0
    values = reporting.answer_value_counts(db(), matching, reporting.closed_keys(definition))
    return Tally(total, reporting.closed_counts_from(definition, values))


def _report(slug: str) -> tuple[Survey, SurveyDefinition, Filters]:
    mark_private()
    survey = survey_or_404(slug, published=True)
    assert survey.published is not None
    definition = services.definition_of(survey.published)
    return survey, definition, Filters.read(request.args, definition)


def _render_report(survey: Survey, definition: SurveyDefinition, filters: Filters) -> ResponseReturnValue:
    counted = tally(survey, definition, filters)
    return render_template(
        "reports/survey.html",
        title=f"Report: {survey.title}",
        survey=survey,
        definition=definition,
        filters=filters,
        total=counted.total,
        tables=counted.tables,
        channels=runner.CHANNELS,
        page_errors=summary_items(filters.errors),
    ), (400 if filters.errors else 200)


@bp.get("/<slug>/report")
@role_required(Role.VIEWER)
def report(slug: str) -> ResponseReturnValue:
    return _render_report(*_report(slug))


@bp.get("/<slug>/report.pdf")
@role_required(Role.VIEWER)
def report_pdf(slug: str) -> ResponseReturnValue:
    """The same report as a PDF for a committee paper: charts, themes, quotes and the method."""
    survey, definition, filters = _report(slug)
    if filters.errors:
        return _render_report(survey, definition, filters)
    counted = tally(survey, definition, filters)
    html = render_template(
        "reports/pdf.html",
        survey=survey,
        definition=definition,
        filters=filters,
        total=counted.total,
        tables=counted.tables,
        themes=pdf.theme_sections(db(), survey, definition, submitted_ids(survey, filters)),
        localities={loc.code: loc.name for loc in definition.localities},
        made_at=clock.now().astimezone(LONDON),
    )
    try:
        document = pdf.render(html)
    except pdf.PdfUnavailableError:
        abort(503)
    name = f"{survey.slug}-report-{clock.now().astimezone(LONDON):%Y-%m-%d}.pdf"
    reply = make_response(document)
    reply.mimetype = "application/pdf"
    reply.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return reply
