"""Officers' survey report: counts and charts for every closed question, with filters by
locality, branch, channel and date, each count linking to the responses behind it; and
the same report as a PDF.

Making the PDF takes a second or more (docs/performance.md), so the report links to a
"Preparing your PDF" page first: it says what is happening and, without JavaScript,
refreshes straight away to the PDF itself, which the browser downloads while the page
stays on screen.
If the PDF cannot be made, the browser lands on a page that says so in plain words."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, make_response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engage.accounts.decorators import role_required
from engage.accounts.models import Role
from engage.platform import clock
from engage.platform.database import db
from engage.platform.errors import summary_items
from engage.platform.security import mark_private
from engage.reports import pdf
from engage.reports.queries import Filters, by_language, participation, submitted_ids, tally
from engage.staff.surveys import survey_or_404
from surveys import runner, services
from surveys.definition import SurveyDefinition
from surveys.export import language_name
from surveys.models import Survey

bp = Blueprint("reports", __name__, url_prefix="/surveys")

# The "Preparing your PDF" page asks for the PDF at once: it stays on screen while the PDF
# is made, because the PDF arrives as a download. (A delayed refresh fails WCAG 2.2.1.)
PREPARE_REFRESH_SECONDS = 0


def _report(slug: str) -> tuple[Survey, SurveyDefinition, Filters]:
    mark_private()
    survey = survey_or_404(slug, published=True)
    assert survey.published is not None
    definition = services.definition_of(survey.published)
    return survey, definition, Filters.read(request.args, definition)


def _render_report(survey: Survey, definition: SurveyDefinition, filters: Filters) -> ResponseReturnValue:
    counted = tally(survey, definition, filters)
    languages = by_language(survey, definition, filters)
    return render_template(
        "reports/survey.html",
        # Only a survey offered in more than one language (or with responses in another) is split.
        language_counts=languages if len(languages) > 1 else [],
        language_names={code: language_name(code) for code, _count in languages},
        title=_("Report: %(title)s", title=survey.title),
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


@bp.get("/<slug>/report/pdf")
@role_required(Role.VIEWER)
def prepare_pdf(slug: str) -> ResponseReturnValue:
    """'Preparing your PDF': the page the report links to; it fetches the PDF by itself."""
    survey, definition, filters = _report(slug)
    if filters.errors:
        return _render_report(survey, definition, filters)
    return render_template(
        "reports/preparing.html",
        title=_("Preparing your PDF: %(title)s", title=survey.title),
        survey=survey,
        filters=filters,
        pdf_url=_pdf_url(survey, filters),
        seconds=PREPARE_REFRESH_SECONDS,
    )


@bp.get("/<slug>/report.pdf")
@role_required(Role.VIEWER)
def report_pdf(slug: str) -> ResponseReturnValue:
    """The same report as a PDF for a committee paper: a one-page summary, the themes with
    quotes and actions, the counts, the method in plain words and a technical annex."""
    survey, definition, filters = _report(slug)
    if filters.errors:
        return _render_report(survey, definition, filters)
    counted = tally(survey, definition, filters)
    sections = pdf.theme_sections(db(), survey, definition, submitted_ids(survey, filters))
    html = render_template(
        "reports/pdf.html",
        survey=survey,
        definition=definition,
        filters=filters,
        total=counted.total,
        tables=counted.tables,
        themes=sections,
        summary=pdf.summary(sections),
        chart_themes=pdf.CHART_THEMES,
        took_part=participation(survey, definition, filters),
        language_names={code: language_name(code) for code in definition.languages},
        localities={loc.code: loc.name for loc in definition.localities},
        made_at=clock.local(clock.now()),
    )
    try:
        document = pdf.render(html)
    except pdf.PdfUnavailableError:
        return _failed(survey, filters, 503)
    except pdf.PdfFailedError:
        return _failed(survey, filters, 500)
    name = f"{survey.slug}-report-{clock.today():%Y-%m-%d}.pdf"
    reply = make_response(document)
    reply.mimetype = "application/pdf"
    reply.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return reply


def _pdf_url(survey: Survey, filters: Filters) -> str:
    values: dict[str, Any] = {"slug": survey.slug, **filters.args()}
    return url_for("staff.reports.report_pdf", **values)


def _failed(survey: Survey, filters: Filters, status: int) -> ResponseReturnValue:
    """The PDF could not be made (the error is logged): say so, and what still works."""
    return render_template(
        "reports/pdf_failed.html",
        title=_("The PDF report could not be made: %(title)s", title=survey.title),
        survey=survey,
        filters=filters,
        pdf_url=_pdf_url(survey, filters),
    ), status
