"""Where residents find consultations: every published survey, open ones first.

A published survey is *open*, *forthcoming* (published but its opening date is still to
come) or *closed* (by its closing date or by an officer). Drafts never show. Filters are
by area and topic, and a search matches every word typed against the title, purpose,
audience, topics and area names. Consultations without areas are for the whole council
and show under every area.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from surveys import services
from surveys.definition import SurveyDefinition
from surveys.models import Survey

OPEN = "open"
FORTHCOMING = "forthcoming"
CLOSED = "closed"
STATUS_ORDER = (OPEN, FORTHCOMING, CLOSED)

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Consultation:
    survey: Survey
    definition: SurveyDefinition
    status: str  # OPEN, FORTHCOMING or CLOSED
    closed_on: datetime | None  # when it closed or will close
    taken_part: int  # responses sent

    @property
    def slug(self) -> str:
        return self.survey.slug

    @property
    def language(self) -> str:
        """The language its title, purpose and questions are shown in."""
        return self.definition.shown_language

    def localised(self, code: str) -> Consultation:
        """The entry with its text in ``code`` when the survey is written in it; otherwise as
        it is (the page then marks it as being in its own language)."""
        if code == self.language or code not in self.definition.languages:
            return self
        return replace(self, definition=self.definition.localised(code))

    @property
    def opened_on(self) -> datetime | None:
        """Its opening date, or else when it was published."""
        version = self.survey.published
        return self.definition.opens_at or (version.published_at if version else None)

    @property
    def area_names(self) -> tuple[str, ...]:
        return tuple(loc.name for loc in self.definition.localities)

    @property
    def summary(self) -> str:
        """The purpose's first paragraph, shortened at a word to about 220 characters."""
        first = self.definition.purpose.split("\n\n", 1)[0].strip()
        if len(first) <= 220:
            return first
        return first[:220].rsplit(" ", 1)[0].rstrip(",;:") + "…"

    def questions(self) -> list[tuple[str, list[str]]]:
        """What was asked: each page's title and its questions' text (equality questions apart)."""
        return [
            (page.title, [q.text for q in page.questions]) for page in self.definition.pages if page.questions
        ]

    def words(self) -> set[str]:
        d = self.definition
        text = " ".join([d.title, d.purpose, d.audience, *d.topics, *self.area_names])
        return set(_WORD.findall(text.casefold()))

    def matches(self, area: str | None, topic: str | None, query_words: Sequence[str]) -> bool:
        codes = {loc.code for loc in self.definition.localities}
        if area and codes and area not in codes:
            return False
        if topic and topic.casefold() not in {t.casefold() for t in self.definition.topics}:
            return False
        if query_words:
            words = self.words()
            # A typed word matches a whole word or its start ("librar" finds "libraries").
            return all(any(w.startswith(q) for w in words) for q in query_words)
        return True


def query_words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())[:10]


def consultations(session: Session, now: datetime) -> list[Consultation]:
    """Every published survey, open first (closing soonest first), then forthcoming (opening
    soonest first), then closed (most recently closed first)."""
    surveys = session.scalars(select(Survey).options(selectinload(Survey.published_version))).all()
    counts = services.submitted_counts(session)
    found = [_entry(survey, now, counts.get(survey.id, 0)) for survey in surveys]
    return sorted((c for c in found if c is not None), key=_order)


def consultation(session: Session, slug: str, now: datetime) -> Consultation | None:
    """One published survey's entry, or ``None`` (no such survey, or only a draft)."""
    survey = services.get_survey(session, slug)
    if survey is None:
        return None
    return _entry(survey, now, services.count_submitted(session, survey))


def _entry(survey: Survey, now: datetime, taken_part: int) -> Consultation | None:
    version = survey.published
    if version is None:
        return None
    definition = services.definition_of(version)
    reason = services.availability(survey, now).reason
    status = {"open": OPEN, "not_open_yet": FORTHCOMING}.get(reason, CLOSED)
    closed_on = definition.closes_at
    if survey.closed_at is not None and (closed_on is None or survey.closed_at < closed_on):
        closed_on = survey.closed_at
    return Consultation(survey, definition, status, closed_on, taken_part)


def _order(c: Consultation) -> tuple[int, float]:
    rank = STATUS_ORDER.index(c.status)
    if c.status == OPEN:
        return rank, c.closed_on.timestamp() if c.closed_on else float("inf")
    if c.status == FORTHCOMING:
        return rank, c.definition.opens_at.timestamp() if c.definition.opens_at else 0.0
    return rank, -(c.closed_on.timestamp() if c.closed_on else 0.0)


def areas(found: Iterable[Consultation]) -> list[tuple[str, str]]:
    """The areas to filter by, as (code, name), by name; a code is named where first seen."""
    names: dict[str, str] = {}
    for c in found:
        for loc in c.definition.localities:
            names.setdefault(loc.code, loc.name)
    return sorted(names.items(), key=lambda item: item[1].casefold())


def topics(found: Iterable[Consultation]) -> list[str]:
    seen: dict[str, str] = {}
    for c in found:
        for topic in c.definition.topics:
            seen.setdefault(topic.casefold(), topic)
    return sorted(seen.values(), key=str.casefold)
