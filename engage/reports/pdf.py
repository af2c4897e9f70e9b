"""PDF reports with WeasyPrint: HTML and inline SVG from our own templates, nothing fetched.

The report is for councillors and committee papers, so it is a tagged PDF (PDF/UA-1: a
structure tree from the HTML's headings, tables and figures, the document's language and
title, bookmarks from the headings) and reads in the order they need: a one-page summary
(who took part, the top themes, what is being done), then the themes, then the counts,
then how it was made in plain words, with the technical detail in an annex at the end.

WeasyPrint needs Pango (Debian's libpango-1.0-0 and libpangoft2-1.0-0, which `make
install` checks for). If the library cannot load, the report page says the PDF is not
available (503) and the error is logged; everything else keeps working.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from engage.actions import queries as action_queries
from engage.actions.models import Action
from engage.themes import queries as theme_queries
from engage.themes.models import AnalysisStatus, ThemeAnalysis
from surveys.definition import Question, SurveyDefinition
from surveys.models import Survey

log = logging.getLogger(__name__)

QUOTES_PER_THEME = 3
# The summary page names this many of each question's largest themes (fewer when several
# questions have themes, so the summary stays on one page).
SUMMARY_THEMES = 5
SUMMARY_THEMES_SEVERAL = 3
# ...and at most this many actions; the rest are in the themes section.
SUMMARY_ACTIONS = 8
# The themes chart shows the largest themes only (the table lists them all).
CHART_THEMES = 10


class PdfUnavailableError(RuntimeError):
    """WeasyPrint or the system libraries it needs are missing."""


class PdfFailedError(RuntimeError):
    """WeasyPrint loaded but could not make this document (the error is logged)."""


@dataclass
class ThemeRow:
    label: str
    count: int
    share: float
    keywords: list[str]
    quotes: list[str]
    by_locality: dict[str, int]
    actions: list[Action]


@dataclass
class ThemeSection:
    question: Question
    analysis: ThemeAnalysis | None
    answered: int = 0
    unassigned: int = 0
    reviewed: int = 0  # themes an officer has reviewed (name confirmed, a sample checked)
    rows: list[ThemeRow] = field(default_factory=list)


def theme_sections(
    session: Session, survey: Survey, definition: SurveyDefinition, allowed: set[str]
) -> list[ThemeSection]:
    """For each free-text question, its themes counted over the responses in ``allowed``
    (the report's filters), with the quotes an officer has approved for publication (the
    report goes to committee papers) and the actions linked to each theme."""
    sections = []
    for question in theme_queries.free_text_questions(definition):
        analysis = theme_queries.get(session, survey, question.id)
        section = ThemeSection(
            question, analysis if analysis and analysis.status == AnalysisStatus.DONE else None
        )
        sections.append(section)
        if section.analysis is None:
            continue
        saved = section.analysis.snapshot
        sizes = saved.counts(allowed)
        section.answered = sum(1 for answer in saved.assignments if answer in allowed)
        section.unassigned = sizes.get("unassigned", 0)
        progress = theme_queries.review_progress(section.analysis)
        section.reviewed = sum(1 for review in progress.values() if review.reviewed)
        reviews = theme_queries.quote_reviews(session, [section.analysis.id])
        for theme in saved.themes:
            count = sizes.get(theme.id, 0)
            section.rows.append(
                ThemeRow(
                    label=theme.label,
                    count=count,
                    share=count / section.answered if section.answered else 0.0,
                    keywords=theme.keywords[:6],
                    quotes=theme_queries.public_quotes(section.analysis, theme, reviews)[:QUOTES_PER_THEME],
                    by_locality=dict(theme.by_locality),
                    actions=action_queries.actions_for_theme(session, section.analysis, theme.id),
                )
            )
        section.rows.sort(key=lambda row: -row.count)
    return sections


@dataclass
class SummaryAction:
    action: Action
    themes: list[str]


@dataclass
class Summary:
    """The first page: the largest themes per question and the actions linked to themes."""

    top_themes: list[tuple[ThemeSection, list[ThemeRow]]]
    actions: list[SummaryAction]
    more_actions: int


def summary(sections: list[ThemeSection]) -> Summary:
    analysed = [section for section in sections if section.analysis is not None]
    per_question = SUMMARY_THEMES if len(analysed) <= 1 else SUMMARY_THEMES_SEVERAL
    top = [(section, [row for row in section.rows if row.count][:per_question]) for section in analysed]
    linked: dict[int, SummaryAction] = {}
    for section in analysed:
        for row in section.rows:
            for action in row.actions:
                linked.setdefault(action.id, SummaryAction(action, [])).themes.append(row.label)
    actions = list(linked.values())
    return Summary(top, actions[:SUMMARY_ACTIONS], max(0, len(actions) - SUMMARY_ACTIONS))


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Our templates reference nothing outside the document; refuse anything that tries."""
    raise ValueError(f"PDF reports do not fetch {url!r}")


def render(html: str) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:
        log.error("PDF report unavailable: WeasyPrint could not load (%s)", error)
        raise PdfUnavailableError(str(error)) from error
    # PDF/UA-1 tags the document (headings, tables with their headers, figures with their
    # alt text) and records its language and title; bookmarks come from the headings.
    try:
        document: bytes = HTML(string=html, url_fetcher=_refuse).write_pdf(pdf_variant="pdf/ua-1")
    except Exception as error:
        log.exception("PDF report failed")
        raise PdfFailedError(str(error)) from error
    return document
