"""Officers' survey report: counts and charts for every closed question, with filters by
locality, branch, channel and date, each count linking to the responses behind it; and
the same report as a PDF."""

from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template, request
from flask.typing import ResponseReturnValue

from engage.accounts.decorators import role_required
from engage.accounts.models import Role
from engage.platform import clock
from engage.platform.database import db
from engage.platform.errors import summary_items
from engage.platform.security import mark_private
from engage.reports import pdf
from engage.reports.queries import Filters, submitted_ids, tally
from engage.staff.surveys import survey_or_404
from surveys import runner, services
from surveys.definition import SurveyDefinition
from surveys.models import Survey

bp = Blueprint("reports", __name__, url_prefix="/surveys")


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
        made_at=clock.local(clock.now()),
    )
    try:
        document = pdf.render(html)
    except pdf.PdfUnavailableError:
        abort(503)
    name = f"{survey.slug}-report-{clock.today():%Y-%m-%d}.pdf"
    reply = make_response(document)
    reply.mimetype = "application/pdf"
    reply.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return reply
