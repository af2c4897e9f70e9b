"""Submitted responses as rows: one per response, one column per answer, for CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from babel import Locale, UnknownLocaleError
from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.definition import Question, SurveyDefinition
from surveys.models import Response, Submission, Survey
from surveys.question_types import answer_text, choices
from surveys.services import definition_of

FIXED_COLUMNS = [
    "response_id",
    "reference",
    "channel",
    "language",
    "locality",
    "branch",
    "version",
    "submitted_at",
]
# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def language_name(code: str) -> str:
    """A language's name in English ("cy" → "Welsh"), for staff's exports; the code if unknown."""
    try:
        name = Locale.parse(code).get_language_name("en")
    except (ValueError, UnknownLocaleError):
        return code
    return name or code


def answer_columns(definition: SurveyDefinition) -> list[str]:
    columns: list[str] = []
    for question in definition.questions():
        if question.type == "grid":
            columns.extend(f"{question.id}.{s.id}" for s in question.statements)
            continue
        columns.append(question.id)
        if question.other_label:
            columns.append(f"{question.id}.other")
    return columns


def _cell(value: Any) -> str | int | float:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    return str(value)


def _submitted(session: Session, survey: Survey) -> Iterator[tuple[Response, Submission]]:
    """Every submitted response with its submission, oldest first."""
    query = (
        select(Response, Submission)
        .join(Submission, Submission.response_id == Response.id)
        .where(Response.survey_id == survey.id)
        .order_by(Submission.submitted_at, Response.id)
    )
    for row in session.execute(query):
        response, submission = row
        yield response, submission


def response_rows(session: Session, survey: Survey) -> tuple[list[str], list[dict[str, Any]]]:
    """Columns and rows for every submitted response, oldest first.

    Columns follow the latest published definition (or the latest version); answers
    are stored values (option codes), so they stay stable when labels are reworded.
    Equality monitoring answers are stored apart and never included.
    """
    version = survey.published or survey.latest
    columns = answer_columns(definition_of(version))
    rows = []
    for response, submission in _submitted(session, survey):
        answers: dict[str, Any] = {}
        for column in columns:
            head, _, tail = column.partition(".")
            value = response.answers.get(column) if tail == "other" or not tail else None
            if tail and tail != "other":
                grid = response.answers.get(head)
                value = grid.get(tail) if isinstance(grid, dict) else None
            answers[column] = _cell(value)
        rows.append(
            {
                "response_id": response.public_id,
                "reference": submission.reference,
                "channel": response.channel,
                "language": response.language,
                "locality": response.locality_code or "",
                "branch": response.branch_code or "",
                "version": response.version.number,
                "submitted_at": submission.submitted_at.isoformat().replace("+00:00", "Z"),
                "answers": answers,
            }
        )
    return FIXED_COLUMNS + columns, rows


def neutralise(value: Any) -> Any:
    """Make a cell safe to open in a spreadsheet: formulas become plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def to_csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        flat = {**{k: v for k, v in row.items() if k != "answers"}, **row["answers"]}
        writer.writerow([neutralise(flat.get(column, "")) for column in columns])
    return out.getvalue()


def to_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


# --- Readable: question text and answer labels ------------------------------------------

READABLE_FIXED = [
    "Response ID",
    "Reference",
    "Channel",
    "Language",
    "Area (locality)",
    "Library",
    "Survey version",
    "Sent (UTC)",
]
_ORDINALS = ("1st", "2nd", "3rd")


def _ordinal(n: int) -> str:
    return _ORDINALS[n - 1] if n <= len(_ORDINALS) else f"{n}th"


def _readable_columns(question: Question) -> list[str]:
    """A question's columns in the readable export: one per grid statement, one per
    ranked place, otherwise one."""
    if question.type == "grid":
        return [f"{question.text}: {s.text}" for s in question.statements]
    if question.type == "ranking":
        places = question.top_n or len(question.options)
        return [f"{question.text} ({_ordinal(n)} choice)" for n in range(1, places + 1)]
    return [question.text]


def _readable_cells(
    column: Question, question: Question, answers: dict[str, Any], definition: SurveyDefinition
) -> list[Any]:
    """``column`` is the question as the export's header has it (the latest version),
    ``question`` as the resident answered it, in ``definition``: its labels are used, in
    the header's columns."""
    value = answers.get(question.id)
    if column.type == "grid":
        labels = choices(question, definition) if question.type == "grid" else {}
        given = value if isinstance(value, dict) else {}
        return [labels.get(given.get(s.id, ""), "") for s in column.statements]
    if column.type == "ranking":
        labels = choices(question, definition) if question.type == "ranking" else {}
        places = len(_readable_columns(column))
        ranked = (value if isinstance(value, list) else [])[:places]
        return [labels.get(v, str(v)) for v in ranked] + [""] * (places - len(ranked))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [value]
    return [answer_text(question, answers, definition)]


def readable_rows(session: Session, survey: Survey) -> tuple[list[str], list[list[Any]], list[list[str]]]:
    """Every submitted response for people to read: headers are the questions' text,
    values the answers' labels (in the wording of the version each resident answered),
    a ranking is spread over a column per place and a grid over a column per statement.
    Also a data dictionary: each column's header, its code in the codes export, the
    question's type and its answers (code = label)."""
    definition = definition_of(survey.published or survey.latest)
    questions = definition.questions()
    header = list(READABLE_FIXED)
    dictionary: list[list[str]] = [
        [name, code, "", ""] for name, code in zip(READABLE_FIXED, FIXED_COLUMNS, strict=True)
    ]
    for question in questions:
        codes = (
            [f"{question.id}.{s.id}" for s in question.statements]
            if question.type == "grid"
            else [question.id] * len(_readable_columns(question))
        )
        listed = "; ".join(f"{c} = {label}" for c, label in choices(question, definition).items())
        for name, code in zip(_readable_columns(question), codes, strict=True):
            header.append(name)
            dictionary.append([name, code, question.type, listed])
    versions: dict[int, SurveyDefinition] = {}
    rows: list[list[Any]] = []
    for response, submission in _submitted(session, survey):
        answered = versions.setdefault(response.version_id, definition_of(response.version))
        locality = answered.locality(response.locality_code) if response.locality_code else None
        branch = answered.branch(response.branch_code) if response.branch_code else None
        row: list[Any] = [
            response.public_id,
            submission.reference,
            response.channel.capitalize(),
            language_name(response.language),
            locality.name if locality else "",
            branch.name if branch else "",
            response.version.number,
            submission.submitted_at.isoformat().replace("+00:00", "Z"),
        ]
        for question in questions:
            # Labels from the version the resident answered (codes are stable across versions).
            own = answered.question(question.id) or question
            row.extend(_readable_cells(question, own, response.answers, answered))
        rows.append(row)
    return header, rows, dictionary
