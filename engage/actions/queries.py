"""Reading the action plan: the read model other features share.

The themes pages, the responses pages and the PDF report ask which actions answer a
theme or a response through this module; only :mod:`engage.actions.services` changes
the plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.actions.models import (
    Action,
    ResponseLink,
    ThemeLink,
)
from engage.themes import queries as theme_queries
from engage.themes.models import AnalysisStatus, ThemeAnalysis
from surveys.models import Response, Survey


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
        return ThemeRef(analysis, theme_id, "A theme no longer in the analysis", 0, [], {}, exists=False)
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
