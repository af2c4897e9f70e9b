"""The question-type table: one row per type owns reading, describing and drawing it."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from surveys import definition as definition_module
from surveys import question_types
from surveys.definition import parse
from surveys.question_types import TYPES, PageResult, answer_text

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = {
    "pick": {
        "type": "single_choice",
        "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
        "other": {"label": "Something else"},
    },
    "many": {
        "type": "multiple_choice",
        "options": [{"value": "books", "label": "Books"}, {"value": "computers", "label": "Computers"}],
    },
    "agree": {"type": "likert"},
    "rate": {"type": "grid", "statements": [{"id": "staff", "text": "Staff are helpful"}]},
    "order": {
        "type": "ranking",
        "options": [{"value": v, "label": v.title()} for v in ("books", "computers", "events")],
        "top_n": 2,
    },
    "name": {"type": "short_text"},
    "story": {"type": "long_text"},
    "visits": {"type": "number", "integer": True, "suffix": "visits"},
    "when": {"type": "date"},
    "where": {"type": "locality"},
    "branch": {"type": "branch"},
}
FORM = {
    "pick": "other",
    "pick.other": "Maybe",
    "many": ["books", "computers"],
    "agree": "agree",
    "rate.staff": "strongly_agree",
    "order.1": "events",
    "order.2": "books",
    "name": "Sam",
    "story": "Line one\nline two",
    "visits": "12",
    "when-day": "3",
    "when-month": "12",
    "when-year": "2026",
    "where": "north",
    "branch": "central",
}
WORDS = {
    "pick": "Something else: Maybe",
    "many": "Books; Computers",
    "agree": "Agree",
    "rate": "Staff are helpful: Strongly agree",
    "order": "1. Events; 2. Books",
    "name": "Sam",
    "story": "Line one\nline two",
    "visits": "12 visits",
    "when": "3 December 2026",
    "where": "North",
    "branch": "Central Library",
}


@pytest.fixture
def survey() -> definition_module.SurveyDefinition:
    return parse(
        {
            "schema_version": 1,
            "slug": "types",
            "title": "Every type",
            "purpose": "Testing each type.",
            "localities": [
                {
                    "code": "north",
                    "name": "North",
                    "branches": [{"code": "central", "name": "Central Library"}],
                }
            ],
            "pages": [
                {
                    "id": "p1",
                    "title": "All of them",
                    "questions": [
                        {"id": qid, "text": f"Question {qid}?", **spec} for qid, spec in QUESTIONS.items()
                    ],
                }
            ],
        }
    )


def test_every_type_the_schema_accepts_has_one_row_and_a_macro_that_draws_it() -> None:
    assert tuple(TYPES) == definition_module.QUESTION_TYPES
    template = (ROOT / "templates" / "residents" / "questions.html").read_text(encoding="utf-8")
    for kind in TYPES.values():
        assert f"{{% macro draw_{kind.renderer}(" in template, kind.name
        assert kind.label and kind.hint


def test_each_type_reads_its_answer_and_says_it_in_words(survey: definition_module.SurveyDefinition) -> None:
    form = MultiDict(
        [(k, v) for k, values in FORM.items() for v in (values if isinstance(values, list) else [values])]
    )
    result = PageResult()
    for question in survey.questions():
        TYPES[question.type].read(question, form, survey, result)
    assert result.errors == {}
    words = {q.id: answer_text(q, result.answers, survey) for q in survey.questions()}
    assert words == WORDS


def test_a_required_answer_left_out_gets_its_type_s_message(
    survey: definition_module.SurveyDefinition,
) -> None:
    result = PageResult()
    for question in survey.questions():
        TYPES[question.type].read(question, MultiDict(), survey, result)
    assert result.answers == {} or all(v in (None, "", [], {}) for v in result.answers.values())
    assert set(result.errors) >= {"pick", "many", "name", "when"}
    assert question_types.clean_text("a\x00b", multiline=False) == ("ab", True)
