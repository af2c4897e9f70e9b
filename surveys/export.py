"""Submitted responses as rows: one per response, one column per answer, for CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.definition import SurveyDefinition
from surveys.models import Response, Submission, Survey
from surveys.services import definition_of

FIXED_COLUMNS = ["response_id", "reference", "channel", "locality", "branch", "version", "submitted_at"]
# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


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


def response_rows(session: Session, survey: Survey) -> tuple[list[str], list[dict[str, Any]]]:
    """Columns and rows for every submitted response, oldest first.

    Columns follow the latest published definition (or the latest version); answers
    are stored values (option codes), so they stay stable when labels are reworded.
    Equality monitoring answers are stored apart and never included.
    """
    version = survey.published or survey.latest
    columns = answer_columns(definition_of(version))
    rows = []
    query = (
        select(Response, Submission)
        .join(Submission, Submission.response_id == Response.id)
        .where(Response.survey_id == survey.id)
        .order_by(Submission.submitted_at, Response.id)
    )
    for response, submission in session.execute(query):
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
