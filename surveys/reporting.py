"""Aggregate reports that never expose small groups."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.equality import SMALL_GROUP, equality_page
from surveys.models import EqualityRecord, Survey


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
    records: list[dict[str, object]] = list(
        session.scalars(select(EqualityRecord.answers).where(EqualityRecord.survey_id == survey.id))
    )
    tables = []
    for question in equality_page().questions:
        counts = Counter(str(answers[question.id]) for answers in records if question.id in answers)
        labels = {option.value: option.label for option in question.options}
        rows, suppressed = suppress(dict(counts), labels)
        tables.append(EqualityTable(question.text, rows, sum(counts.values()), suppressed))
    return tables
