"""PDF reports with WeasyPrint: HTML and inline SVG from our own templates, nothing fetched.

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


class PdfUnavailableError(RuntimeError):
    """WeasyPrint or the system libraries it needs are missing."""


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


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Our templates reference nothing outside the document; refuse anything that tries."""
    raise ValueError(f"PDF reports do not fetch {url!r}")


def render(html: str) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:
        log.error("PDF report unavailable: WeasyPrint could not load (%s)", error)
        raise PdfUnavailableError(str(error)) from error
    document: bytes = HTML(string=html, url_fetcher=_refuse).write_pdf()
    return document
