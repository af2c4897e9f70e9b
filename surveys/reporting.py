"""Aggregate reports that never expose small groups."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, case, cast, func, select
from sqlalchemy.orm import Session

from surveys.definition import SurveyDefinition
from surveys.equality import SMALL_GROUP, equality_page
from surveys.models import EqualityRecord, Response, Survey
from surveys.question_types import TYPES, choices


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


CLOSED_TYPES = tuple(t.name for t in TYPES.values() if t.counted)


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


# One distinct answer to one question and how many responses gave it:
# (question id, the answer as JSON text, number of responses). The report gets these from
# the database (answer_value_counts) rather than loading each response.
ValueCount = tuple[str, str, int]


def closed_keys(definition: SurveyDefinition) -> list[str]:
    """The ids of the questions :func:`closed_counts_from` counts."""
    return [question.id for question in definition.questions() if question.type in CLOSED_TYPES]


def closed_counts_from(definition: SurveyDefinition, values: Iterable[ValueCount]) -> list[ClosedCounts]:
    """Counts for every closed question from each distinct answer and how often it was given.

    Rankings count first choices; grids count each statement. Answers are stored option
    values, so relabelled options still count together.
    """
    given: dict[str, list[tuple[Any, int]]] = defaultdict(list)
    for key, text, n in values:
        given[key].append((json.loads(text), n))
    out: list[ClosedCounts] = []
    for question in definition.questions():
        if question.type not in CLOSED_TYPES:
            continue
        labels = choices(question, definition)
        answers = given.get(question.id, [])
        if question.type == "grid":
            for statement in question.statements:
                rows = [(value.get(statement.id), n) for value, n in answers if isinstance(value, dict)]
                key, title = f"{question.id}.{statement.id}", f"{question.text}: {statement.text}"
                out.append(_counted(key, title, labels, rows))
        elif question.type == "ranking":
            firsts = [(value[0], n) for value, n in answers if isinstance(value, list) and value]
            out.append(_counted(question.id, f"{question.text} (first choice)", labels, firsts))
        else:
            several = question.type == "multiple_choice"
            out.append(_counted(question.id, question.text, labels, answers, several=several))
    return out


def answer_value_counts(
    session: Session, response_ids: Select[tuple[int]], keys: Sequence[str]
) -> list[ValueCount]:
    """How many of the given responses gave each distinct answer to each of ``keys``.

    The database takes each response's answers apart (``json_each``, ``jsonb_each``) and counts, so a
    report over 100,000 responses moves a few hundred rows instead of every response.
    Answers come back as JSON text on both databases.
    """
    if not keys:
        return []
    if session.get_bind().dialect.name == "postgresql":
        # Answers are jsonb there (see Response.answers); each value casts to JSON text.
        each = func.jsonb_each(Response.answers).table_valued("key", "value", joins_implicitly=True)
        value: ColumnElement[str] = cast(each.c.value, Text)
    else:
        each = func.json_each(Response.answers).table_valued("key", "value", "type", joins_implicitly=True)
        # SQLite gives arrays and objects as JSON text and the rest as plain values.
        value = case(
            (each.c.type.in_(("array", "object")), each.c.value), else_=func.json_quote(each.c.value)
        )
    query = (
        select(each.c.key, value, func.count())
        .select_from(Response)
        .where(Response.id.in_(response_ids), each.c.key.in_(list(keys)))
        .group_by(each.c.key, value)
    )
    return [(str(row[0]), str(row[1]), int(row[2])) for row in session.execute(query)]


def _counted(
    key: str, title: str, labels: dict[str, str], values: list[tuple[Any, int]], several: bool = False
) -> ClosedCounts:
    counts: Counter[str] = Counter()
    answered = 0
    for value, n in values:
        picked = value if isinstance(value, list) else [value]
        picked = [str(v) for v in picked if v not in (None, "")]
        if picked:
            answered += n
            for v in picked:
                counts[v] += n
    rows = [OptionCount(value, label, counts.get(value, 0)) for value, label in labels.items()]
    rows += [OptionCount(value, value, n) for value, n in counts.items() if value not in labels]
    return ClosedCounts(key, title, answered, rows, several)
