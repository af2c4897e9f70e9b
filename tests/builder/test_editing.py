"""Unit tests for the pure definition edits behind the survey builder."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from engage.builder import editing
from surveys.definition import Problem, validate
from tests.residents.conftest import SURVEY


@pytest.fixture
def data() -> dict[str, Any]:
    return copy.deepcopy(SURVEY)


def test_slugify_and_ids() -> None:
    assert editing.slugify("Library Opening Hours 2026!") == "library-opening-hours-2026"
    assert editing.slugify("Café & Culture") == "cafe-and-culture"
    assert editing.slugify("What's on?", "_") == "whats_on"
    assert editing.slugify("   ") == ""
    assert len(editing.slugify("word " * 40, max_length=20)) <= 20
    assert editing.make_id("2026 visits", []) == "q_2026_visits"
    assert editing.make_id("How often?", ["how_often"]) == "how_often_2"
    assert editing.make_id("!!!", []) == "q"
    assert editing.make_id("Age", ["eq_age"]) == "age"
    long_id = editing.make_id("a very long question " * 10, [])
    assert len(long_id) <= 40 and long_id.startswith("a_very_long")


def test_new_definition_is_valid() -> None:
    data = editing.new_definition("my-survey", "My survey", "Because")
    assert validate(data) == []
    assert data["pages"][0]["title"] == "Your views"
    assert data["pages"][0]["questions"][0]["type"] == "long_text"


def test_localities_round_trip_keeps_codes(data: dict[str, Any]) -> None:
    text = editing.localities_to_text(data)
    assert text == "Northgate: Northgate Central Library\nRiverside: Mill Lane Library"
    changed = text + ", Hill Road Library\nEastfield\n\n  Westbury :  Westbury Library ,  , Kiosk  "
    parsed = editing.localities_from_text(changed, data["localities"])
    assert parsed == [
        {
            "code": "north",
            "name": "Northgate",
            "branches": [{"code": "north-central", "name": "Northgate Central Library"}],
        },
        {
            "code": "river",
            "name": "Riverside",
            "branches": [
                {"code": "river-mill", "name": "Mill Lane Library"},
                {"code": "hill-road-library", "name": "Hill Road Library"},
            ],
        },
        {"code": "eastfield", "name": "Eastfield"},
        {
            "code": "westbury",
            "name": "Westbury",
            "branches": [
                {"code": "westbury-library", "name": "Westbury Library"},
                {"code": "kiosk", "name": "Kiosk"},
            ],
        },
    ]


def test_localities_branch_codes_unique_across_survey() -> None:
    parsed = editing.localities_from_text("North: Central\nSouth: Central-Library, Central Library")
    codes = [b["code"] for loc in parsed for b in loc["branches"]]
    assert codes == ["central", "central-library", "central-library-2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (": Library", "Line 1: enter the area's name before the colon"),
        ("North\nnorth", "Line 2: the area 'north' is listed twice"),
        ("North: A\nSouth: B, a", "Line 2: the library 'a' is listed twice"),
        ("x" * 101, "Line 1: the area's name must be 100 characters or fewer"),
    ],
)
def test_localities_problems(text: str, message: str) -> None:
    with pytest.raises(editing.EditError, match=message):
        editing.localities_from_text(text)


def test_empty_localities_are_removed(data: dict[str, Any]) -> None:
    editing.set_localities(data, editing.localities_from_text("\n  \n"))
    assert "localities" not in data


def test_options_keep_values_for_unchanged_labels() -> None:
    existing = [
        {"value": "weekly", "label": "Every week", "hint": "Most weeks"},
        {"value": "monthly", "label": "Every month"},
        {"value": "none", "label": "None of these", "exclusive": True},
    ]
    options = editing.options_from_lines(["Every month", "Every day", "every week", "Every day!"], existing)
    assert options == [
        {"value": "monthly", "label": "Every month"},
        {"value": "every-day", "label": "Every day"},
        {"value": "weekly", "label": "every week", "hint": "Most weeks"},
        {"value": "every-day-2", "label": "Every day!"},
    ]
    assert editing.options_from_lines(["Other", "Yes"], reserved={"other"})[0]["value"] == "other-2"
    assert editing.options_from_lines(["???", "Yes"])[0]["value"] == "option-1"
    none = editing.exclusive_option("None of these", options, existing)
    assert none == {"value": "none", "label": "None of these", "exclusive": True}


def test_statements_keep_ids() -> None:
    existing = [{"id": "welcoming", "text": "The library is welcoming"}]
    statements = editing.statements_from_lines(
        ["It is quiet", "The library is welcoming", "It is quiet!"], existing
    )
    assert statements == [
        {"id": "it_is_quiet", "text": "It is quiet"},
        {"id": "welcoming", "text": "The library is welcoming"},
        {"id": "it_is_quiet_2", "text": "It is quiet!"},
    ]


def test_pages_add_update_move_delete(data: dict[str, Any]) -> None:
    page_id = editing.add_page(
        data, "Your views", "Hello", questions=[{"id": "x", "type": "likert", "text": "X"}]
    )
    assert page_id == "your_views"  # "views" is the existing page's id; this is unique anyway
    assert (
        editing.add_page(data, "Check", questions=[{"id": "y", "type": "likert", "text": "Y"}]) == "check_2"
    )
    assert validate(data) == []
    editing.update_page(data, page_id, "New title", "", {"question": "visits", "equals": "weekly"})
    page = editing.get_page(data, page_id)
    assert page["title"] == "New title" and "intro" not in page and page["show_if"]["equals"] == "weekly"
    assert list(page) == ["id", "title", "show_if", "questions"]
    assert editing.page_ids(data)[-2:] == [page_id, "check_2"]
    assert editing.move_page(data, "check_2", -1)
    assert editing.page_ids(data)[-2:] == ["check_2", page_id]
    assert not editing.move_page(data, page_id, 1)
    assert not editing.move_page(data, "use", -1)
    editing.delete_page(data, page_id)
    assert page_id not in editing.page_ids(data)
    single = editing.new_definition("abc", "A", "B")
    with pytest.raises(editing.EditError):
        editing.delete_page(single, "your_views")


def test_questions_add_update_move_delete(data: dict[str, Any]) -> None:
    qid = editing.add_question(
        data, "use", "number", "How old are you?", {"min": 0, "max": 120, "integer": False}
    )
    assert qid == "how_old_are_you"
    assert editing.get_question(data, qid) == {
        "id": qid,
        "type": "number",
        "text": "How old are you?",
        "min": 0,
        "max": 120,
        "integer": False,
    }
    editing.update_question(
        data, qid, "short_text", "Your age", {"max_length": 10, "min": 5, "required": False}
    )
    assert editing.get_question(data, qid) == {
        "id": qid,
        "type": "short_text",
        "text": "Your age",
        "required": False,
        "max_length": 10,
    }
    assert editing.move_question(data, qid, -1)
    assert [q["id"] for q in editing.get_page(data, "use")["questions"]] == [qid, "visits"]
    assert not editing.move_question(data, qid, -1)
    editing.delete_question(data, qid)
    with pytest.raises(editing.EditError):
        editing.delete_question(data, "visits")
    assert validate(data) == []


def test_build_question_drops_fields_of_other_types() -> None:
    fields = {
        "options": [{"value": "a", "label": "A"}],
        "other": {"label": "Other"},
        "statements": [{"id": "s", "text": "S"}],
        "top_n": 1,
        "max_length": 5,
        "min": 1,
        "suffix": "km",
        "earliest": "2020-01-01",
        "kiosk_skip": True,
    }
    assert editing.build_question("q", "likert", "Q", fields) == {
        "id": "q",
        "type": "likert",
        "text": "Q",
        "kiosk": "skip",
    }
    assert set(editing.build_question("q", "multiple_choice", "Q", fields)) == {
        "id",
        "type",
        "text",
        "options",
        "other",
        "kiosk",
    }
    with pytest.raises(editing.EditError):
        editing.build_question("q", "essay", "Q", {})


def test_conditions_in_words(data: dict[str, Any]) -> None:
    describe = editing.describe_routing
    assert describe(None, data) == "Shown to everyone"
    assert describe({"question": "visits", "equals": "never"}, data) == (
        "Only shown if 'How often do you visit?' is 'I do not visit'"
    )
    assert describe({"question": "visits", "any_of": ["weekly", "monthly", "other"]}, data) == (
        "Only shown if 'How often do you visit?' is any of 'Every week', 'Every month' or 'Something else'"
    )
    assert describe({"question": "idea", "not_answered": True}, data) == (
        "Only shown if 'What one thing would you change?' was not answered"
    )
    assert describe(data["pages"][5]["show_if"], data) == (
        "Only shown if 'What one thing would you change?' was not answered and "
        "('How often do you visit?' is 'Every week')"
    )
    assert "no longer exists" in describe({"question": "gone", "equals": "x"}, data)
    assert editing.make_condition({"id": "q"}, "any_of", ["a"]) == {"question": "q", "any_of": ["a"]}
    with pytest.raises(editing.EditError):
        editing.make_condition({"id": "q"}, "equals", ["a", "b"])


def test_earlier_questions_and_references(data: dict[str, Any]) -> None:
    assert [q["id"] for q in editing.earlier_questions(data, "details")] == ["visits", "barrier"]
    assert "agree" not in [q["id"] for q in editing.earlier_questions(data, None)], "grids cannot be tested"
    assert editing.references(data, "visits") == [
        "page 2 ('Why you do not visit')",
        "page 3 ('Your library')",
        "page 6 ('Anything else')",
    ]
    assert editing.answer_choices(data, editing.get_question(data, "branch")) == [
        ("north-central", "Northgate Central Library"),
        ("river-mill", "Mill Lane Library"),
    ]


def test_problems_in_plain_english() -> None:
    assert editing.describe_path("$.pages[1].questions[0].options") == "Page 2, question 1, answer options"
    assert editing.describe_path("$.pages[0].show_if") == "Page 1, routing"
    assert editing.describe_path("$.localities[1].branches[0].code") == "Area 2, library 1, code"
    assert editing.describe_path("$.closes_at") == "Closing date"
    assert editing.describe_path("$") == "The survey"
    problem = Problem("$.pages[1].questions[0].options", "a single_choice question needs at least 2 options")
    assert editing.explain(problem) == (
        "Page 2, question 1, answer options: A 'One answer from a list' question needs at least 2 options"
    )
