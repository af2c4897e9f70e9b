"""Reading theme analyses: the read model other features share.

The action plan, the responses pages, follow-up emails and the PDF report read themes
and their quotes through this module; only :mod:`engage.themes.services` changes them.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.model import UNASSIGNED
from analysis.redact import redact
from engage.themes.models import QuoteReview, ThemeAnalysis
from engage.themes.snapshot import Relearnt, SnapshotTheme
from surveys import services as survey_services
from surveys.definition import Question, SurveyDefinition
from surveys.models import Survey
from surveys.refusal import RefusedError


class ThemeError(RefusedError):
    """Something an officer asked for that cannot be done, in words they can act on."""


def free_text_questions(definition: SurveyDefinition) -> list[Question]:
    """Questions whose answers are worth theming: long text, and short text that is not personal."""
    return [
        q
        for q in definition.questions()
        if q.type == "long_text" or (q.type == "short_text" and not q.kiosk_skip)
    ]


def get(session: Session, survey: Survey, question_id: str) -> ThemeAnalysis | None:
    return session.scalar(
        select(ThemeAnalysis).where(
            ThemeAnalysis.survey_id == survey.id, ThemeAnalysis.question_id == question_id
        )
    )


def theme_label(analysis: ThemeAnalysis, theme_id: str) -> str:
    if theme_id == UNASSIGNED:
        return str(_("Not in any theme"))
    theme = analysis.theme(theme_id)
    if theme is None:
        raise ThemeError(_("Select a theme from the list"))
    return theme.label


# A theme counts as reviewed when an officer has confirmed its name and checked this many
# of its answers, least sure first (docs/themes-and-actions.md says why).
REVIEW_SAMPLE = 5
REVIEW_SHARE = 0.1


def review_sample(size: int) -> int:
    """How many of a theme's answers an officer checks: 5 (all, if fewer), or one in ten of
    a theme of more than 50."""
    return min(size, max(REVIEW_SAMPLE, math.ceil(size * REVIEW_SHARE)))


@dataclass(frozen=True)
class ThemeReview:
    """How far officers have checked one theme."""

    answers: int  # answers whose main theme it is
    accepted: int  # of those, kept in it by an officer
    moved_in: int  # of those, put in it by an officer from elsewhere
    moved_out: int  # answers an officer took out of it
    name_confirmed: bool

    @property
    def checked(self) -> int:
        return self.accepted + self.moved_in + self.moved_out

    @property
    def sample(self) -> int:
        return review_sample(self.answers + self.moved_out)

    @property
    def reviewed(self) -> bool:
        return self.name_confirmed and self.checked >= self.sample


@dataclass(frozen=True)
class Decision:
    """An officer's last decision about one answer (the codebook's last move of it)."""

    theme_id: str  # where it is now, by the officer's hand
    review: str  # "accepted", "moved", "not_relevant", or "" for a plain move
    from_theme: str  # the theme it was in when decided ("" for moves before reviews)
    version: int = 0  # the codebook operation that made it


def decisions(analysis: ThemeAnalysis) -> dict[str, Decision]:
    """Answer id -> the officer's last decision about it, from the codebook."""
    found: dict[str, Decision] = {}
    for op in analysis.codebook or []:
        if op.get("kind") == "move_answer":
            found[str(op["answer_id"])] = Decision(
                str(op["theme_id"]),
                str(op.get("review", "")),
                str(op.get("from_theme", "")),
                int(op.get("version", 0)),
            )
        elif op.get("kind") == "new_theme":
            for answer in op.get("answer_ids", []):
                found[str(answer)] = Decision(str(op["theme_id"]), "moved", "", int(op.get("version", 0)))
    return found


def review_progress(analysis: ThemeAnalysis) -> dict[str, ThemeReview]:
    """Theme id -> how far officers have checked it (every current theme)."""
    decided = decisions(analysis)
    named: set[str] = set()
    for op in analysis.codebook or []:
        if op.get("kind") in ("rename", "new_theme", "pin_seed_theme"):
            named.add(str(op["theme_id"]))
    assignments = analysis.snapshot.assignments
    sizes = Counter(assignments.values())
    accepted: Counter[str] = Counter()
    moved_in: Counter[str] = Counter()
    moved_out: Counter[str] = Counter()
    for answer, decision in decided.items():
        now_in = assignments.get(answer)
        if now_in is None:
            continue
        (accepted if decision.review == "accepted" else moved_in)[now_in] += 1
        if decision.from_theme and decision.from_theme != now_in:
            moved_out[decision.from_theme] += 1
    return {
        t.id: ThemeReview(sizes[t.id], accepted[t.id], moved_in[t.id], moved_out[t.id], t.id in named)
        for t in analysis.snapshot.themes
    }


@dataclass(frozen=True)
class Learning:
    """What the engine can learn from: answers officers placed (in a theme), how many of
    them since it last re-placed answers, and that last re-placing."""

    placed: int
    since_last: int
    last: Relearnt | None
    last_at: datetime | None


def learning(analysis: ThemeAnalysis) -> Learning:
    last = analysis.snapshot.relearnt
    assignments = analysis.snapshot.assignments
    in_theme = [
        decision
        for answer, decision in decisions(analysis).items()
        if assignments.get(answer, UNASSIGNED) != UNASSIGNED
    ]
    since = sum(1 for decision in in_theme if last is None or decision.version > last.version)
    made = next((op for op in analysis.codebook or [] if last and op.get("version") == last.version), None)
    at = datetime.fromisoformat(str(made["at"])) if made else None
    return Learning(len(in_theme), since, last, at)


@dataclass(frozen=True)
class ReviewSummary:
    """The whole question's review, for the themes page."""

    themes: int
    reviewed: int  # themes that count as reviewed
    checked: int  # answers an officer has decided about
    accepted: int
    moved: int  # to another theme, or to none


def review_summary(analysis: ThemeAnalysis, progress: dict[str, ThemeReview]) -> ReviewSummary:
    """The question's review from its themes' (``review_progress``) and the officers' decisions."""
    decided = decisions(analysis).values()
    accepted = sum(1 for d in decided if d.review == "accepted")
    return ReviewSummary(
        themes=len(progress),
        reviewed=sum(1 for p in progress.values() if p.reviewed),
        checked=len(decided),
        accepted=accepted,
        moved=len(decided) - accepted,
    )


@dataclass(frozen=True)
class Stability:
    """How much a question's themes changed since a moment, from the codebook."""

    themes: int  # themes now
    changed: int  # of those, renamed, described, merged, split, made, or given or losing answers
    edits: int  # officers' codebook operations since then
    new_answers: int  # answers added since then (placed without moving earlier ones)


def _touched(op: dict[str, Any], assignments: dict[str, str]) -> set[str]:
    """The themes one codebook operation changed."""
    kind = op.get("kind")
    if kind == "merge":
        return {str(op.get("into", "")), *map(str, op.get("theme_ids", []))}
    if kind == "split":
        return {str(op.get("theme_id", "")), *map(str, op.get("new_theme_ids", []))}
    if kind == "move_answer":
        return {str(op.get("theme_id", "")), str(op.get("from_theme", ""))}
    if kind == "add_answers":
        return {assignments[a] for a in op.get("answer_ids", []) if a in assignments}
    return {str(op.get("theme_id", ""))}


def stability(analysis: ThemeAnalysis, since: datetime) -> Stability:
    """Since ``since``: how many of the themes changed, by officers' edits or by new answers."""
    assignments = analysis.snapshot.assignments
    changed: set[str] = set()
    edits = new_answers = 0
    for op in analysis.codebook or []:
        try:
            at = datetime.fromisoformat(str(op.get("at", "")))
        except ValueError:
            continue
        if at.tzinfo is None or at < since:
            continue
        changed |= _touched(op, assignments)
        if op.get("kind") == "add_answers":
            new_answers += len(op.get("answer_ids", []))
        else:
            edits += 1
    current = {t.id for t in analysis.snapshot.themes}
    return Stability(len(current), len(changed & current), edits, new_answers)


def review_queue(analysis: ThemeAnalysis, theme_id: str) -> list[str]:
    """The theme's answers no officer has decided about, least sure first."""
    decided = decisions(analysis)
    scores = analysis.snapshot.scores
    waiting = [a for a, t in analysis.snapshot.assignments.items() if t == theme_id and a not in decided]
    return sorted(waiting, key=lambda a: (scores.get(a, 0.0), a))


def shown_quotes(theme: SnapshotTheme) -> list[str]:
    """The theme's quotes as they are shown anywhere: redacted with today's rules, no repeats."""
    return list(dict.fromkeys(redact(quote) for quote in theme.quotes))


def quote_key(quote: str) -> str:
    """What a decision about a quote is kept against: its exact wording as shown."""
    return hashlib.sha256(quote.encode("utf-8")).hexdigest()


def quote_reviews(session: Session, analysis_ids: list[int]) -> dict[tuple[int, str], bool]:
    """(analysis id, quote key) → shown (True) or hidden (False); no entry: not checked yet."""
    if not analysis_ids:
        return {}
    return {
        (row.analysis_id, row.quote_key): row.shown
        for row in session.scalars(select(QuoteReview).where(QuoteReview.analysis_id.in_(analysis_ids)))
    }


@dataclass(frozen=True)
class ShownQuote:
    text: str
    key: str
    state: str  # "shown", "hidden" or "unchecked"
    count: int = 1  # how many answers are this quote or almost the same text


def quotes_with_state(
    analysis: ThemeAnalysis, theme: SnapshotTheme, reviews: dict[tuple[int, str], bool]
) -> list[ShownQuote]:
    """Each quote of the theme with whether an officer has shown it, hidden it, or neither."""
    counts: dict[str, int] = {}
    for quote, count in zip(theme.quotes, theme.quote_counts, strict=False):
        counts.setdefault(redact(quote), count)
    out = []
    for text in shown_quotes(theme):
        key = quote_key(text)
        decision = reviews.get((analysis.id, key))
        state = "unchecked" if decision is None else "shown" if decision else "hidden"
        out.append(ShownQuote(text, key, state, counts.get(text, 1)))
    return out


def public_quotes(
    analysis: ThemeAnalysis, theme: SnapshotTheme, reviews: dict[tuple[int, str], bool]
) -> list[str]:
    """Only the quotes an officer has chosen to show, in the theme's order."""
    return [quote.text for quote in quotes_with_state(analysis, theme, reviews) if quote.state == "shown"]


def still_shown(analysis_id: int, quotes: list[str], reviews: dict[tuple[int, str], bool]) -> list[str]:
    """Of quotes saved when a page was published, those an officer still shows, redacted
    with today's rules (a quote whose redaction changed needs checking again)."""
    out = []
    for quote in quotes:
        text = redact(quote)
        if reviews.get((analysis_id, quote_key(text))) is True:
            out.append(text)
    return out


def definition_for(survey: Survey) -> SurveyDefinition:
    version = survey.published
    if version is None:
        raise ThemeError(_("Publish the survey before analysing its answers"))
    return survey_services.definition_of(version)
