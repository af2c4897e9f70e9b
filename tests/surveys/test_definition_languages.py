"""A definition carries its text in several languages; ids, values and routing are shared."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from surveys.definition import DefinitionError, loads, parse, validate
from tests.residents.conftest import SURVEY


def _bilingual() -> dict[str, Any]:
    data = copy.deepcopy(SURVEY)
    data["topics"] = ["Opening hours"]
    data["pages"][0]["intro"] = "About your visits."
    data["translations"] = {
        "cy": {
            "title": "Arolwg llyfrgell prawf",
            "topics": ["Oriau agor"],
            "localities": {"north": "Gogledd-dre"},
            "branches": {"north-central": "Llyfrgell Ganolog Gogledd-dre"},
            "pages": {"use": {"title": "Defnyddio'r llyfrgell"}},
            "questions": {
                "visits": {
                    "text": "Pa mor aml ydych chi'n ymweld?",
                    "other": "Rhywbeth arall",
                    "options": {"weekly": "Bob wythnos", "monthly": {"label": "Bob mis"}},
                }
            },
        }
    }
    return data


def test_a_definition_without_languages_is_in_english_and_unchanged() -> None:
    definition = parse(copy.deepcopy(SURVEY))
    assert definition.language == "en"
    assert definition.languages == ("en",)
    assert definition.translations == ()
    assert "language" not in definition.to_data() and "translations" not in definition.to_data()
    assert definition.localised("cy") is definition


def test_languages_are_the_base_then_the_translations_in_order() -> None:
    data = _bilingual()
    data["translations"]["pl"] = {"title": "Ankieta"}
    assert parse(data).languages == ("en", "cy", "pl")


def test_the_definition_round_trips_with_its_translations() -> None:
    definition = parse(_bilingual())
    again = parse(definition.to_data())
    assert again == definition
    hash(definition.translations)  # stored as tuples, like the rest of the frozen definition
    assert definition.to_data()["translations"]["cy"]["questions"]["visits"]["options"] == {
        "weekly": "Bob wythnos",
        "monthly": "Bob mis",
    }


def test_localised_text_is_in_the_language_and_falls_back_to_the_base() -> None:
    definition = parse(_bilingual())
    welsh = definition.localised("cy")
    assert welsh.title == "Arolwg llyfrgell prawf"
    assert welsh.shown_language == "cy" and welsh.language == "en"
    assert welsh.topics == ("Oriau agor",)
    assert welsh.purpose == definition.purpose  # not translated: the base text
    visits = welsh.question("visits")
    assert visits is not None
    assert visits.text == "Pa mor aml ydych chi'n ymweld?"
    assert visits.other_label == "Rhywbeth arall"
    assert [o.label for o in visits.options] == ["Bob wythnos", "Bob mis", "I do not visit"]
    assert [o.value for o in visits.options] == ["weekly", "monthly", "never"]
    page = welsh.page("use")
    assert page is not None and page.title == "Defnyddio'r llyfrgell" and page.intro == "About your visits."
    assert welsh.locality("north") is not None and welsh.locality("north").name == "Gogledd-dre"  # type: ignore[union-attr]
    branch = welsh.branch("north-central")
    assert branch is not None and branch.name == "Llyfrgell Ganolog Gogledd-dre"


def test_localised_keeps_routing_and_writes_the_stored_definition() -> None:
    definition = parse(_bilingual())
    welsh = definition.localised("cy")
    assert [p.show_if for p in welsh.pages] == [p.show_if for p in definition.pages]
    assert welsh.to_data() == definition.to_data()
    assert welsh.localised("en") is definition
    assert definition.localised("en") is definition
    assert welsh.localised("cy").title == welsh.title


def test_missing_text_lists_every_untranslated_field_readably() -> None:
    definition = parse(_bilingual())
    missing = definition.missing_text("cy")
    assert "Title" not in missing
    assert "Why we are asking" in missing
    assert "Page 'use': introduction" in missing
    assert "Page 'use': title" not in missing
    assert "Question 'visits': option 'never'" in missing
    assert "Question 'visits': option 'weekly'" not in missing
    assert "Question 'visits': 'other' label" not in missing
    assert "Question 'services': option 'books'" in missing
    assert "Area 'river'" in missing and "Library 'river-mill'" in missing
    assert definition.missing_text("en") == []
    # A language the survey does not offer lacks everything.
    assert len(definition.missing_text("pl")) == len(definition.text_fields())


def test_a_complete_translation_has_nothing_missing() -> None:
    definition = parse(_bilingual())
    complete = definition.with_translation("cy", {f.key: f"CY {f.text}" for f in definition.text_fields()})
    assert complete.missing_text("cy") == []
    assert parse(complete.to_data()) == complete


def test_statements_suffix_and_option_hints_are_translatable() -> None:
    data = copy.deepcopy(SURVEY)
    data["pages"].append(
        {
            "id": "extra",
            "title": "Extra",
            "questions": [
                {
                    "id": "rate",
                    "type": "grid",
                    "text": "Rate",
                    "statements": [{"id": "staff", "text": "Staff"}],
                },
                {"id": "hours_a_week", "type": "number", "text": "Hours", "suffix": "hours"},
                {
                    "id": "score",
                    "type": "scale",
                    "text": "Score",
                    "options": [
                        {"value": "1", "label": "Poor", "hint": "Low"},
                        {"value": "2", "label": "Good"},
                    ],
                },
            ],
        }
    )
    data["translations"] = {
        "cy": {
            "questions": {
                "rate": {"statements": {"staff": "Staff"}},
                "hours_a_week": {"suffix": "awr"},
                "score": {"options": {"1": {"label": "Gwael", "hint": "Isel"}, "2": "Da"}},
            }
        }
    }
    definition = parse(data)
    welsh = definition.localised("cy")
    assert welsh.question("hours_a_week").suffix == "awr"  # type: ignore[union-attr]
    score = welsh.question("score")
    assert score is not None and [(o.label, o.hint) for o in score.options] == [("Gwael", "Isel"), ("Da", "")]
    assert welsh.question("rate").statements[0].text == "Staff"  # type: ignore[union-attr]
    assert "Question 'score': option '1' hint" not in definition.missing_text("cy")
    assert parse(definition.to_data()) == definition


@pytest.mark.parametrize(
    ("translation", "path", "words"),
    [
        ({"pages": {"nowhere": {"title": "X"}}}, "$.translations.cy.pages.nowhere", "no page 'nowhere'"),
        ({"questions": {"ghost": {"text": "X"}}}, "$.translations.cy.questions.ghost", "no question 'ghost'"),
        (
            {"questions": {"visits": {"options": {"daily": "Bob dydd"}}}},
            "$.translations.cy.questions.visits.options.daily",
            "no option 'daily'",
        ),
        (
            {"questions": {"visits": {"statements": {"x": "Y"}}}},
            "$.translations.cy.questions.visits.statements.x",
            "no statement 'x'",
        ),
        (
            {"questions": {"visits": {"hint": "Awgrym"}}},
            "$.translations.cy.questions.visits.hint",
            "no text here",
        ),
        ({"branches": {"nowhere": "X"}}, "$.translations.cy.branches.nowhere", "no library 'nowhere'"),
        ({"topics": ["Un", "Dau"]}, "$.translations.cy.topics", "topics"),
    ],
)
def test_translations_must_name_the_surveys_own_text(
    translation: dict[str, Any], path: str, words: str
) -> None:
    data = copy.deepcopy(SURVEY)
    data["translations"] = {"cy": translation}
    problems = validate(data)
    assert [p.path for p in problems] == [path], problems
    assert words in problems[0].message


def test_the_base_language_cannot_also_be_a_translation() -> None:
    data = copy.deepcopy(SURVEY)
    data["language"] = "cy"
    data["translations"] = {"cy": {"title": "Teitl"}}
    problems = validate(data)
    assert [p.path for p in problems] == ["$.translations.cy"]


@pytest.mark.parametrize("code", ["Welsh", "c", "cy-GB", "CY"])
def test_language_codes_are_two_or_three_lower_case_letters(code: str) -> None:
    data = copy.deepcopy(SURVEY)
    data["translations"] = {code: {"title": "Teitl"}}
    with pytest.raises(DefinitionError):
        parse(data)
    data = copy.deepcopy(SURVEY)
    data["language"] = code
    assert [p.path for p in validate(data)] == ["$.language"]


def test_unknown_translation_keys_and_blank_text_are_refused() -> None:
    data = copy.deepcopy(SURVEY)
    data["translations"] = {"cy": {"titl": "Teitl", "purpose": "   "}}
    paths = {p.path for p in validate(data)}
    assert "$.translations.cy" in paths and "$.translations.cy.purpose" in paths


def test_a_base_language_other_than_english() -> None:
    data = copy.deepcopy(SURVEY)
    data["language"] = "cy"
    data["translations"] = {"en": {"title": "Test survey in English"}}
    definition = parse(data)
    assert definition.languages == ("cy", "en")
    assert definition.localised("en").title == "Test survey in English"
    assert definition.localised("cy") is definition
    assert parse(definition.to_data()) == definition


def test_with_languages_adds_empty_and_drops_translations() -> None:
    definition = parse(_bilingual())
    more = definition.with_languages(["cy", "pl", "en"])
    assert more.languages == ("en", "cy", "pl")
    assert more.translation("cy") == definition.translation("cy")
    assert more.translation("pl") == {}
    fewer = more.with_languages(["pl"])
    assert fewer.languages == ("en", "pl")
    assert parse(fewer.to_data()) == fewer


def test_with_translation_drops_blank_and_unknown_fields() -> None:
    definition = parse(copy.deepcopy(SURVEY))
    welsh = definition.with_translation("cy", {"title": "Teitl", "purpose": "  ", "nowhere.title": "X"})
    assert welsh.translation("cy") == {"title": "Teitl"}
    assert welsh.languages == ("en", "cy")


def test_removing_text_from_the_survey_takes_its_translations_with_it() -> None:
    """An edit (in the builder) that drops an option or a topic still saves."""
    from dataclasses import replace

    data = _bilingual()
    data["translations"]["cy"]["questions"]["services"] = {"options": {"books": "Benthyg llyfrau"}}
    definition = parse(data)
    pages = list(definition.pages)
    index = next(i for i, p in enumerate(pages) if p.id == "details")
    services = pages[index].questions[0]
    fewer = replace(services, options=services.options[1:])
    pages[index] = replace(pages[index], questions=(fewer, *pages[index].questions[1:]))
    saved = parse(replace(definition, topics=(), pages=tuple(pages)).to_data())
    cy = saved.translation("cy")
    assert "questions.services.options.books.label" not in cy and "topics.0" not in cy
    assert cy["questions.visits.options.weekly.label"] == "Bob wythnos"


def test_topics_are_translated_in_order_up_to_the_first_gap() -> None:
    data = copy.deepcopy(SURVEY)
    data["topics"] = ["Opening hours", "Events", "Books"]
    definition = parse(data).with_translation("cy", {"topics.0": "Oriau agor", "topics.2": "Llyfrau"})
    assert definition.to_data()["translations"]["cy"]["topics"] == ["Oriau agor"]
    data["translations"] = {"cy": {"topics": ["Oriau agor", "Digwyddiadau"]}}
    assert parse(data).missing_text("cy")[:2] == ["Title", "Why we are asking"]
    assert "Topic 3" in parse(data).missing_text("cy")


def test_the_example_survey_is_complete_in_welsh() -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "surveys" / "library-co-design.json"
    definition = loads(example.read_text(encoding="utf-8"))
    assert definition.languages == ("en", "cy")
    assert definition.missing_text("cy") == []
    welsh = definition.localised("cy")
    assert welsh.title == "Llunio eich llyfrgell: Northgate a Riverside Valley"
    assert welsh.branch("riverside-heritage").name == "Canolfan Dreftadaeth Riverside"  # type: ignore[union-attr]
