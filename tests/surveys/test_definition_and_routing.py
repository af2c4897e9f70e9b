"""Unit tests: survey definition validation, routing, pruning and page validation (no app, no database)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from engage.platform.config import PROJECT_ROOT
from surveys import question_types, runner
from surveys.definition import DefinitionError, Problem, parse, validate

EXAMPLE: dict[str, Any] = json.loads(
    (PROJECT_ROOT / "examples" / "surveys" / "library-co-design.json").read_text(encoding="utf-8")
)


def example() -> dict[str, Any]:
    return copy.deepcopy(EXAMPLE)


def paths(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


def test_the_example_is_valid() -> None:
    assert validate(example()) == []
    definition = parse(example())
    assert definition.slug == "library-co-design"


def test_schema_and_cross_checks_are_all_reported_together() -> None:
    data = example()
    data["slug"] = "Bad Slug"
    del data["pages"][2]["title"]
    data["pages"][0]["questions"][0]["options"].append({"value": "weekly", "label": "Again"})
    data["pages"][4]["questions"][0]["top_n"] = 9
    found = paths(validate(data))
    assert "$.slug: 'Bad Slug' does not match '^[a-z0-9]+(-[a-z0-9]+)*$'" in found
    assert "$.pages[2]: 'title' is a required property" in found
    assert "$.pages[0].questions[0].options: option value 'weekly' is used twice" in found
    assert "$.pages[4].questions[0].top_n: top_n is 9 but there are only 6 options" in found
    with pytest.raises(DefinitionError):
        parse(data)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["pages"][1].update(show_if={"question": "nope", "equals": "x"}),
         "$.pages[1].show_if: the condition refers to 'nope', which is not a question on an earlier page"),
        (lambda d: d["pages"][0].update(show_if={"question": "one_change", "not_answered": True}),
         "the condition refers to 'one_change', which is not a question on an earlier page"),
        (lambda d: d["pages"][0]["questions"][0].update(top_n=2),
         "$.pages[0].questions[0].top_n: only ranking questions have top_n"),
        (lambda d: d["pages"][0]["questions"][0].update(max_length=5),
         "$.pages[0].questions[0].max_length: only text questions have max_length"),
        (lambda d: d["pages"][1].update(id="visiting"),
         "$.pages[1].id: page id 'visiting' is already used or reserved"),
        (lambda d: d.update(opens_at="2027-01-01T00:00:00Z", closes_at="2026-01-01T00:00:00Z"),
         "$.closes_at: the survey must close after it opens"),
        (lambda d: d["localities"].append(copy.deepcopy(d["localities"][0])),
         "locality code"),
        (lambda d: d.update(opens_at="tomorrow"),
         "$.opens_at: 'tomorrow' is not a date and time like 2027-03-01T09:00:00Z"),
        (lambda d: d.update(closes_at="2027-12-31T23:59:59"),
         "$.closes_at: give the time zone, for example 2027-03-01T09:00:00Z (UTC) or +01:00"),
    ],
)  # fmt: skip
def test_cross_checks(change: Any, expected: str) -> None:
    data = example()
    change(data)
    assert any(expected in problem for problem in paths(validate(data))), paths(validate(data))


@pytest.mark.parametrize("bad", [None, [], "text", {"pages": "x"}, {"schema_version": 1, "pages": [{}]}])
def test_garbage_is_reported_not_raised(bad: Any) -> None:
    assert validate(bad), "a broken definition must produce problems"


ANSWERS = {"visit_frequency": "weekly", "services_used": ["computers", "books"], "callback_phone": ""}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (None, True),
        ({"question": "visit_frequency", "equals": "weekly"}, True),
        ({"question": "visit_frequency", "equals": "never"}, False),
        ({"question": "visit_frequency", "any_of": ["monthly", "weekly"]}, True),
        ({"question": "services_used", "any_of": ["wifi", "computers"]}, True),
        ({"question": "services_used", "equals": "wifi"}, False),
        ({"question": "callback_phone", "not_answered": True}, True),
        ({"question": "missing", "not_answered": True}, True),
        ({"question": "visit_frequency", "not_answered": True}, False),
        ({"all": [{"question": "visit_frequency", "equals": "weekly"},
                  {"question": "callback_phone", "not_answered": True}]}, True),
        ({"all": [{"question": "visit_frequency", "equals": "weekly"},
                  {"question": "services_used", "equals": "wifi"}]}, False),
        ({"any": [{"question": "visit_frequency", "equals": "never"},
                  {"all": [{"question": "services_used", "any_of": ["books"]}]}]}, True),
    ],
)  # fmt: skip
def test_condition_operators(condition: dict[str, Any] | None, expected: bool) -> None:
    assert runner.condition_met(condition, ANSWERS) is expected


def test_routing_shows_and_skips_pages() -> None:
    definition = parse(example())
    never = [p.id for p in runner.visible_pages(definition, {"visit_frequency": "never"})]
    weekly = [p.id for p in runner.visible_pages(definition, {"visit_frequency": "weekly"})]
    assert "not_visiting" in never and "your_library" not in never
    assert "your_library" in weekly and "not_visiting" not in weekly
    assert runner.next_page(definition, {"visit_frequency": "never"}, "visiting").id == "not_visiting"  # type: ignore[union-attr]
    assert runner.next_page(definition, {"visit_frequency": "weekly"}, "visiting").id == "your_library"  # type: ignore[union-attr]
    last = runner.visible_pages(definition, {"visit_frequency": "weekly"})[-1]
    assert runner.next_page(definition, {"visit_frequency": "weekly"}, last.id) is None  # check answers next


def test_changing_an_answer_prunes_what_routing_now_skips() -> None:
    definition = parse(example())
    answers = {"visit_frequency": "never", "why_not": ["no_time"], "what_would_help": "Later hours"}
    assert runner.prune(definition, answers) == answers
    answers["visit_frequency"] = "weekly"
    assert runner.prune(definition, answers) == {"visit_frequency": "weekly"}


def test_kiosk_skips_personal_questions() -> None:
    definition = parse(example())
    online = {q.id for p in runner.visible_pages(definition, {}) for q in runner.visible_questions(p, {})}
    kiosk = {
        q.id
        for p in runner.visible_pages(definition, {}, "kiosk")
        for q in runner.visible_questions(p, {}, "kiosk")
    }
    assert online - kiosk, "the example marks at least one question kiosk: skip"


def read(page_id: str, form: dict[str, Any]) -> question_types.PageResult:
    definition = parse(example())
    page = next(p for p in definition.all_pages if p.id == page_id)
    return runner.read_page(page, list(page.questions), MultiDict(form), definition)


def test_page_validation_messages_and_kept_values() -> None:
    result = read("visiting", {})
    assert list(result.errors) == ["visit_frequency"]
    # The officer's own message, in the GOV.UK pattern.
    assert result.errors["visit_frequency"] == "Select how often you visit a library or heritage centre"
    tampered = read("visiting", {"visit_frequency": "daily"})
    assert tampered.errors["visit_frequency"].startswith("Select one of the answers listed")
    other = read("visiting", {"visit_frequency": "other", "visit_frequency.other": ""})
    assert other.errors["visit_frequency.other"].startswith("Enter your other answer")
    ok = read("visiting", {"visit_frequency": "weekly"})
    assert ok.errors == {} and ok.answers == {"visit_frequency": "weekly"}


def test_text_number_and_ranking_validation() -> None:
    long = read("ideas", {"one_change": "x" * 2001, "volunteering": "yes"})
    assert "must be 2,000 characters or fewer" in long.errors["one_change"]
    assert long.raw["one_change"] == "x" * 2001, "what was typed is kept to show again"
    nul = read("ideas", {"one_change": "Open\x00 later", "volunteering": "yes"})
    assert "hidden control characters" in nul.errors["one_change"]
    number = read("about_you", {"home_locality": "northgate", "children_at_home": "99"})
    assert number.errors["children_at_home"].endswith("must be 15 or less")
    ranking = read(
        "priorities",
        {
            "priority_rank.1": "learning_skills",
            "priority_rank.2": "learning_skills",
            "priority_rank.3": "forged",
        },
    )
    assert "You have already chosen 'Learning and skills'" in ranking.errors["priority_rank.2"]
    assert ranking.errors["priority_rank.3"] == "Choose one of the options listed for number 3"


def read_joined(form: dict[str, Any]) -> question_types.PageResult:
    from tests.residents.conftest import SURVEY

    definition = parse(copy.deepcopy(SURVEY))
    page = next(p for p in definition.all_pages if p.id == "about")
    question = next(q for q in page.questions if q.id == "joined")
    return runner.read_page(page, [question], MultiDict(form), definition)


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("1", "1", "99999999999999999999", "The year must include 4 numbers, like 2026"),  # was OverflowError
        ("99999999999999999999", "1", "2020", "The date must be a real date, like 27 3 2026"),
        ("1", "99999999999999999999", "2020", "The date must be a real date, like 27 3 2026"),
        ("1", "1", "-2020", "The date must be a real date, like 27 3 2026"),
        ("1", "1", "+202", "The date must be a real date, like 27 3 2026"),  # int() reads 202
        ("1", "1", "2_02", "The date must be a real date, like 27 3 2026"),  # int() reads 202
        ("1", "1", "0000", "The date must be a real date, like 27 3 2026"),
        ("0", "1", "2020", "The date must be a real date, like 27 3 2026"),
        ("1", "1", "99999", "The year must include 4 numbers, like 2026"),
        ("1", "1", "20", "The year must include 4 numbers, like 2026"),
        ("x", "y", "z", "The date must be a real date, like 27 3 2026"),
        ("1", "1", "2 020", "The date must be a real date, like 27 3 2026"),
        ("1", "1", "²⁰²⁰", "The date must be a real date, like 27 3 2026"),  # isdigit, yet int() refuses
        ("1", "1", "1e3", "The date must be a real date, like 27 3 2026"),
        ("001", "1", "2020", "The date must be a real date, like 27 3 2026"),
        ("1", "", "", "The date must include a month and year"),
        ("", "", "2020", "The date must include a day and month"),
    ],
)
def test_hostile_dates_get_a_message_not_an_exception(day: str, month: str, year: str, message: str) -> None:
    result = read_joined({"joined-day": day, "joined-month": month, "joined-year": year})
    assert result.errors == {"joined": message}
    assert result.raw["joined"] == {"day": day.strip(), "month": month.strip(), "year": year.strip()}


def test_half_posted_dates_and_digits_from_other_scripts() -> None:
    assert read_joined({"joined-day": "3", "joined-month": "4"}).errors == {
        "joined": "The date must include a year"
    }
    assert read_joined({"joined-year": "2020"}).errors == {"joined": "The date must include a day and month"}
    assert read_joined({}).errors == {}, "an optional date left out entirely is no answer"
    # Arabic-Indic and full-width digits are read like the number questions read them.
    arabic = read_joined({"joined-day": "١٢", "joined-month": "٣", "joined-year": "٢٠٢٠"})
    assert arabic.errors == {} and arabic.answers == {"joined": "2020-03-12"}
    wide = read_joined({"joined-day": "１", "joined-month": "２", "joined-year": "２０２１"})
    assert wide.answers == {"joined": "2021-02-01"}
    assert read_joined({"joined-day": " 9 ", "joined-month": "09", "joined-year": "2021"}).answers == {
        "joined": "2021-09-09"
    }


def test_the_locality_a_resident_gave_in_their_answers() -> None:
    from surveys.definition import parse
    from surveys.services import locality_from_answers

    data = example()
    # A library question before the area question: the area question still wins.
    data["pages"][0]["questions"].insert(
        0, {"id": "library", "type": "branch", "text": "Which library do you use most?", "required": False}
    )
    definition = parse(data)
    both = {"home_locality": "riverside-valley", "library": "eastfield"}
    assert locality_from_answers(definition, both) == ("riverside-valley", "answer")
    assert locality_from_answers(definition, {"library": "eastfield"}) == ("northgate", "answer"), (
        "the library's area"
    )
    assert locality_from_answers(definition, {"home_locality": "atlantis"}) is None
    assert locality_from_answers(definition, {}) is None


def test_a_postcode_sets_the_area_from_the_councils_table() -> None:
    from surveys.definition import parse
    from surveys.services import locality_from_answers, postcode_prefixes

    assert postcode_prefixes("NG1 5AB") == ["NG1 5AB", "NG1 5", "NG1", "NG"]
    assert postcode_prefixes("W1A 1AA") == ["W1A 1AA", "W1A 1", "W1A", "W"]
    data = example()
    data["pages"][0]["questions"].insert(
        0, {"id": "postcode", "type": "postcode", "text": "What is your postcode?", "required": False}
    )
    definition = parse(data)
    table = {"AN1 2": "Northgate", "AN9": "riverside-valley", "ZZ1": "Atlantis"}

    def lookup(postcode: str) -> str | None:
        return next((table[p] for p in postcode_prefixes(postcode) if p in table), None)

    # By the area's name or its code, case aside; an area the survey does not have is no area.
    assert locality_from_answers(definition, {"postcode": "AN1 2XY"}, lookup) == ("northgate", "postcode")
    assert locality_from_answers(definition, {"postcode": "AN9 9ZZ"}, lookup) == (
        "riverside-valley",
        "postcode",
    )
    assert locality_from_answers(definition, {"postcode": "ZZ1 1AA"}, lookup) is None
    assert locality_from_answers(definition, {"postcode": "AN1 2XY"}) is None, "no table, no area"
    # The resident's own answer to the area question still wins.
    both = {"postcode": "AN1 2XY", "home_locality": "riverside-valley"}
    assert locality_from_answers(definition, both, lookup) == ("riverside-valley", "answer")
