"""The survey report's read model: filters by locality, branch, channel, language and date, and
counts of every closed question over the submitted responses that pass them.

Other features' staff pages (themes, responses) narrow their lists with the same
:class:`Filters`, so an officer's filter means the same thing everywhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from engage.platform import clock
from engage.platform.database import db
from surveys import reporting, runner
from surveys.definition import SurveyDefinition
from surveys.models import Response, Submission, Survey

FIRST_FILTER_DATE, LAST_FILTER_DATE = date(2000, 1, 1), date(2999, 12, 31)


@dataclass
class Filters:
    """What an officer narrowed the report to; anything unrecognised is reported, not used."""

    locality: str = ""
    branch: str = ""
    channel: str = ""
    since: str = ""
    until: str = ""
    # The language the response was answered in (a survey offered in more than one).
    language: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, args: Any, definition: SurveyDefinition) -> Filters:
        def arg(key: str) -> str:
            return str(args.get(key, "")).strip()

        chosen = cls(
            arg("locality"), arg("branch"), arg("channel"), arg("since"), arg("until"), arg("language")
        )
        if chosen.language and chosen.language not in definition.languages:
            chosen.errors["language"], chosen.language = "Select a language from the list", ""
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
        if self.language:
            query = query.where(Response.language == self.language)
        if self.since:
            start = clock.start_of_day(date.fromisoformat(self.since))
            query = query.where(Submission.submitted_at >= start)
        if self.until and "until" not in self.errors:
            end = clock.day_after(date.fromisoformat(self.until))
            query = query.where(Submission.submitted_at < end)
        return query

    def args(self) -> dict[str, str]:
        return {
            k: v
            for k, v in (
                ("locality", self.locality),
                ("branch", self.branch),
                ("channel", self.channel),
                ("language", self.language),
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


@dataclass(frozen=True)
class Participation:
    """Who took part: the filtered submitted responses by locality, by channel and by
    language, each as ``(code, count)`` in the survey's own order ("" is a response with
    no locality)."""

    total: int
    by_locality: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]
    by_language: list[tuple[str, int]] = field(default_factory=list)


def participation(survey: Survey, definition: SurveyDefinition, filters: Filters) -> Participation:
    """Counted in the database, grouped by locality and by channel."""

    def grouped(column: Any) -> dict[str, int]:
        query = _submitted(column, survey, filters).add_columns(func.count()).group_by(column)
        return {str(row[0] or ""): int(row[1]) for row in db().execute(query)}

    localities = grouped(Response.locality_code)
    channels = grouped(Response.channel)
    order = [loc.code for loc in definition.localities]
    by_locality = [(code, localities.pop(code, 0)) for code in order]
    # A locality the survey no longer lists, then responses with none, keep their count.
    by_locality += sorted((code, n) for code, n in localities.items() if code)
    if localities.get(""):
        by_locality.append(("", localities[""]))
    by_channel = [(channel, channels.pop(channel, 0)) for channel in runner.CHANNELS]
    by_channel += sorted(channels.items())
    return Participation(
        sum(n for _, n in by_channel), by_locality, by_channel, by_language(survey, definition, filters)
    )


def by_language(survey: Survey, definition: SurveyDefinition, filters: Filters) -> list[tuple[str, int]]:
    """The filtered submitted responses by the language they were answered in: each of the
    survey's languages in its order (0 when none), then any other language responses have."""
    column = Response.language
    query = _submitted(column, survey, filters).add_columns(func.count()).group_by(column)
    counts = {str(row[0]): int(row[1]) for row in db().execute(query)}
    found = [(code, counts.pop(code, 0)) for code in definition.languages]
    return found + sorted(counts.items())
