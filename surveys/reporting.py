"""Aggregate reports that never expose small groups."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.definition import SurveyDefinition
from surveys.equality import SMALL_GROUP, equality_page
from surveys.models import EqualityRecord, Response, Survey
from surveys.runner import choices


@dataclass(frozen=True)
class Row:
    label: str
    count: int | None  # None: fewer than SMALL_GROUP people, so not shown


@dataclass(frozen=True)
class EqualityTable:
    question: str
    rows: list[Row]
    answered: int
    suppressed: bool


def suppress(counts: dict[str, int], labels: dict[str, str]) -> tuple[list[Row], bool]:
    """Rows in option order; any group of 1 to SMALL_GROUP - 1 people is hidden.

    When exactly one group is hidden its size could be worked out from the total,
    so the next smallest group is hidden too.
    """
    rows = [Row(labels[value], counts.get(value, 0)) for value in labels]
    small = [i for i, row in enumerate(rows) if row.count and row.count < SMALL_GROUP]
    if len(small) == 1:
        others = sorted((row.count or 0, i) for i, row in enumerate(rows) if i not in small and row.count)
        if others:
            small.append(others[0][1])
    hidden = [Row(row.label, None) if i in small else row for i, row in enumerate(rows)]
    return hidden, bool(small)


def equality_summary(session: Session, survey: Survey) -> list[EqualityTable]:
    """The survey's equality totals, every question, small groups hidden."""
    records: list[dict[str, Any]] = list(
        session.scalars(select(EqualityRecord.answers).where(EqualityRecord.survey_id == survey.id))
    )
    return equality_tables(records)


def equality_tables(records: list[dict[str, Any]], *, at_least: int = 0) -> list[EqualityTable]:
    """Suppressed totals for each equality question over some people's equality answers.

    Questions fewer than ``at_least`` of them answered are left out altogether.
    """
    tables = []
    for question in equality_page().questions:
        counts = Counter(str(answers[question.id]) for answers in records if question.id in answers)
        answered = sum(counts.values())
        if answered < at_least:
            continue
        labels = {option.value: option.label for option in question.options}
        rows, suppressed = suppress(dict(counts), labels)
        tables.append(EqualityTable(question.text, rows, answered, suppressed))
    return tables


def equality_by_response(session: Session, survey: Survey) -> dict[str, dict[str, Any]]:
    """Each response's equality answers, by the response's public id, for splitting groups of
    responses (themes) into suppressed totals. Never for showing one response's answers.
    """
    rows = session.execute(
        select(Response.public_id, EqualityRecord.answers)
        .join(EqualityRecord, EqualityRecord.response_id == Response.id)
        .where(Response.survey_id == survey.id)
    )
    return dict(rows.all())


CLOSED_TYPES = ("single_choice", "multiple_choice", "likert", "locality", "branch", "grid", "ranking")


@dataclass(frozen=True)
class OptionCount:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class ClosedCounts:
    """How often each answer was given to one closed question (or one grid statement)."""

    key: str  # question id, or "question.statement" for a grid row
    title: str
    answered: int
    rows: list[OptionCount]
    several: bool  # people could pick more than one, so shares do not add up to 100%


def closed_counts(definition: SurveyDefinition, answer_sets: Iterable[dict[str, Any]]) -> list[ClosedCounts]:
    """Counts for every closed question over the given responses' answers, in survey order.

    Rankings count first choices. Answers are stored option values, so relabelled
    options still count together.
    """
    answers = list(answer_sets)
    out: list[ClosedCounts] = []
    for question in definition.questions():
        if question.type not in CLOSED_TYPES:
            continue
        labels = choices(question, definition)
        if question.type == "grid":
            for statement in question.statements:
                values = [
                    a[question.id].get(statement.id) for a in answers if isinstance(a.get(question.id), dict)
                ]
                out.append(
                    _counted(
                        f"{question.id}.{statement.id}", f"{question.text}: {statement.text}", labels, values
                    )
                )
            continue
        if question.type == "ranking":
            firsts = [
                a[question.id][0] for a in answers if isinstance(a.get(question.id), list) and a[question.id]
            ]
            out.append(_counted(question.id, f"{question.text} (first choice)", labels, firsts))
            continue
        values = [a.get(question.id) for a in answers]
        out.append(
            _counted(question.id, question.text, labels, values, several=question.type == "multiple_choice")
        )
    return out


def _counted(
    key: str, title: str, labels: dict[str, str], values: list[Any], several: bool = False
) -> ClosedCounts:
    counts: Counter[str] = Counter()
    answered = 0
    for value in values:
        picked = value if isinstance(value, list) else [value]
        picked = [str(v) for v in picked if v not in (None, "")]
        if picked:
            answered += 1
            counts.update(picked)
    rows = [OptionCount(value, label, counts.get(value, 0)) for value, label in labels.items()]
    rows += [OptionCount(value, value, n) for value, n in counts.items() if value not in labels]
    return ClosedCounts(key, title, answered, rows, several)
