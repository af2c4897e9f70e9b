"""Unit tests for the pure definition edits behind the survey builder."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from engage.builder import editing
from surveys.definition import (
    Branch,
    Locality,
    Option,
    Problem,
    Question,
    Statement,
    SurveyDefinition,
    parse,
    validate,
)
from tests.residents.conftest import SURVEY


@pytest.fixture
def data() -> SurveyDefinition:
    return parse(SURVEY)


def _valid(definition: SurveyDefinition) -> bool:
    return validate(definition.to_data()) == []


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
    assert _valid(data)
    assert data.pages[0].title == "Your views"
    assert data.pages[0].questions[0].type == "long_text"
    assert data.to_data()["pages"][0]["questions"][0] == {
        "id": "what_would_you_like_to_tell_us",
        "type": "long_text",
        "text": "What would you like to tell us?",
    }


def test_duplicate_and_details(data: SurveyDefinition) -> None:
    dated = editing.update_details(
        data,
        editing.Details(
            title="T",
            purpose="P",
            opens_at=parse({**SURVEY, "opens_at": "2027-01-01T00:00:00Z"}).opens_at,
            offers_follow_up=False,
        ),
    )
    assert (dated.title, dated.purpose, dated.offers_follow_up) == ("T", "P", False)
    assert dated.pages == data.pages, "details leave the pages alone"
    copy = editing.duplicate(dated, "copy", "Copy")
    assert (copy.slug, copy.title, copy.opens_at, copy.offers_follow_up) == ("copy", "Copy", None, False)
    with pytest.raises(editing.EditError, match="title cannot be empty"):
        editing.update_details(data, editing.Details(title="", purpose="P"))
    assert editing.Details.of(dated).title == "T"


def test_localities_round_trip_keeps_codes(data: SurveyDefinition) -> None:
    text = editing.localities_to_text(data)
    assert text == "Northgate: Northgate Central Library\nRiverside: Mill Lane Library"
    changed = text + ", Hill Road Library\nEastfield\n\n  Westbury :  Westbury Library ,  , Kiosk  "
    parsed = editing.localities_from_text(changed, data.localities)
    assert parsed == (
        Locality("north", "Northgate", (Branch("north-central", "Northgate Central Library", "north"),)),
        Locality(
            "river",
            "Riverside",
            (
                Branch("river-mill", "Mill Lane Library", "river"),
                Branch("hill-road-library", "Hill Road Library", "river"),
            ),
        ),
        Locality("eastfield", "Eastfield"),
        Locality(
            "westbury",
            "Westbury",
            (
                Branch("westbury-library", "Westbury Library", "westbury"),
                Branch("kiosk", "Kiosk", "westbury"),
            ),
        ),
    )


def test_localities_branch_codes_unique_across_survey() -> None:
    parsed = editing.localities_from_text("North: Central\nSouth: Central-Library, Central Library")
    codes = [b.code for loc in parsed for b in loc.branches]
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


def test_empty_localities_are_removed(data: SurveyDefinition) -> None:
    emptied = editing.set_localities(data, editing.localities_from_text("\n  \n"))
    assert "localities" not in emptied.to_data()


def test_options_keep_values_for_unchanged_labels() -> None:
    existing = [
        Option("weekly", "Every week", "Most weeks"),
        Option("monthly", "Every month"),
        Option("none", "None of these", exclusive=True),
    ]
    options = editing.options_from_lines(["Every month", "Every day", "every week", "Every day!"], existing)
    assert options == [
        Option("monthly", "Every month"),
        Option("every-day", "Every day"),
        Option("weekly", "every week", "Most weeks"),
        Option("every-day-2", "Every day!"),
    ]
    assert editing.options_from_lines(["Other", "Yes"], reserved={"other"})[0].value == "other-2"
    assert editing.options_from_lines(["???", "Yes"])[0].value == "option-1"
    none = editing.exclusive_option("None of these", options, existing)
    assert none == Option("none", "None of these", exclusive=True)


def test_statements_keep_ids() -> None:
    existing = [Statement("welcoming", "The library is welcoming")]
    statements = editing.statements_from_lines(
        ["It is quiet", "The library is welcoming", "It is quiet!"], existing
    )
    assert statements == [
        Statement("it_is_quiet", "It is quiet"),
        Statement("welcoming", "The library is welcoming"),
        Statement("it_is_quiet_2", "It is quiet!"),
    ]


def test_pages_add_update_move_delete(data: SurveyDefinition) -> None:
    likert = Question(id="x", type="likert", text="X")
    data, page_id = editing.add_page(data, "Your views", "Hello", questions=[likert])
    assert page_id == "your_views"  # "views" is the existing page's id; this is unique anyway
    data, check_id = editing.add_page(data, "Check", questions=[Question(id="y", type="likert", text="Y")])
    assert check_id == "check_2"
    assert _valid(data)
    before = data
    data = editing.update_page(data, page_id, "New title", "", {"question": "visits", "equals": "weekly"})
    assert editing.get_page(before, page_id).title == "Your views", "the original is not changed"
    page = editing.get_page(data, page_id)
    assert (
        page.title == "New title"
        and page.intro == ""
        and page.show_if == {"question": "visits", "equals": "weekly"}
    )
    assert list(page.to_data()) == ["id", "title", "show_if", "questions"]
    assert editing.page_ids(data)[-2:] == [page_id, "check_2"]
    moved = editing.move_page(data, "check_2", -1)
    assert moved is not None and editing.page_ids(moved)[-2:] == ["check_2", page_id]
    assert editing.move_page(moved, page_id, 1) is None
    assert editing.move_page(moved, "use", -1) is None
    gone = editing.delete_page(moved, page_id)
    assert page_id not in editing.page_ids(gone)
    with pytest.raises(KeyError):
        editing.delete_page(gone, page_id)
    single = editing.new_definition("abc", "A", "B")
    with pytest.raises(editing.EditError):
        editing.delete_page(single, "your_views")


def test_questions_add_update_move_delete(data: SurveyDefinition) -> None:
    asked = Question(id="", type="number", text="How old are you?", min=0, max=120, integer=False)
    data, qid = editing.add_question(data, "use", asked)
    assert qid == "how_old_are_you"
    assert editing.get_question(data, qid).to_data() == {
        "id": qid,
        "type": "number",
        "text": "How old are you?",
        "min": 0,
        "max": 120,
        "integer": False,
    }
    data = editing.update_question(
        data, qid, Question(id="", type="short_text", text="Your age", max_length=10, min=5, required=False)
    )
    assert editing.get_question(data, qid).to_data() == {
        "id": qid,
        "type": "short_text",
        "text": "Your age",
        "required": False,
        "max_length": 10,
    }
    moved = editing.move_question(data, qid, -1)
    assert moved is not None
    assert [q.id for q in editing.get_page(moved, "use").questions] == [qid, "visits"]
    assert editing.move_question(moved, qid, -1) is None
    data = editing.delete_question(moved, qid)
    with pytest.raises(editing.EditError):
        editing.delete_question(data, "visits")
    assert _valid(data)


def test_build_question_drops_fields_of_other_types() -> None:
    given = Question(
        id="q",
        type="likert",
        text="Q",
        options=(Option("a", "A"),),
        other_label="Other",
        statements=(Statement("s", "S"),),
        top_n=1,
        max_length=5,
        min=1,
        suffix="km",
        earliest=date(2020, 1, 1),
        kiosk_skip=True,
    )
    assert editing.build_question(given).to_data() == {
        "id": "q",
        "type": "likert",
        "text": "Q",
        "kiosk": "skip",
    }
    assert set(editing.build_question(replace(given, type="multiple_choice")).to_data()) == {
        "id",
        "type",
        "text",
        "options",
        "other",
        "kiosk",
    }
    long_text = editing.build_question(Question(id="q", type="long_text", text="Q"))
    assert long_text.max_length == 2000, "a text question without a limit gets its type's default"
    with pytest.raises(editing.EditError):
        editing.build_question(Question(id="q", type="essay", text="Q"))


def test_conditions_in_words(data: SurveyDefinition) -> None:
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
    assert describe(data.pages[5].show_if, data) == (
        "Only shown if 'What one thing would you change?' was not answered and "
        "('How often do you visit?' is 'Every week')"
    )
    assert "no longer exists" in describe({"question": "gone", "equals": "x"}, data)
    question = Question(id="q", type="single_choice", text="Q")
    assert editing.make_condition(question, "any_of", ["a"]) == {"question": "q", "any_of": ["a"]}
    with pytest.raises(editing.EditError):
        editing.make_condition(question, "equals", ["a", "b"])


def test_earlier_questions_and_references(data: SurveyDefinition) -> None:
    assert [q.id for q in editing.earlier_questions(data, "details")] == ["visits", "barrier"]
    assert "agree" not in [q.id for q in editing.earlier_questions(data, None)], "grids cannot be tested"
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
