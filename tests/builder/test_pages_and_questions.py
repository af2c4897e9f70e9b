"""Pages, questions of every type, routing, and validation, all through the forms."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.builder.conftest import (
    FIRST_QUESTION,
    add_question,
    audit_actions,
    audit_rows,
    definition,
    publish,
    question_form,
    survey_with_choice,
    versions,
)
from tests.support.pages import Page, PageClient


def add_page(client: PageClient, slug: str, data: dict[str, Any], expected_status: int = 200) -> Page:
    overview = client.get(f"/staff/surveys/{slug}")
    form = client.get(overview.soup.select_one(f"a[href='/staff/surveys/{slug}/pages/new']")["href"])
    assert form.page_title == "Add a page"
    return client.submit(form, data, expected_status=expected_status)


def questions(app: Flask, slug: str, page: int = 0) -> list[dict[str, Any]]:
    return definition(app, slug)["pages"][page]["questions"]  # type: ignore[no-any-return]


# kind, what the officer types, what is stored, an edit, and the stored result of the edit.
CASES: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    (
        "single_choice",
        {
            "text": "How often do you visit?",
            "hint": "Think of the last year",
            "options": "Every week\r\nEvery month\r\nNever",
            "other": "y",
            "other_label": "Something else",
        },
        {
            "id": "how_often_do_you_visit",
            "type": "single_choice",
            "text": "How often do you visit?",
            "hint": "Think of the last year",
            "options": [
                {"value": "every-week", "label": "Every week"},
                {"value": "every-month", "label": "Every month"},
                {"value": "never", "label": "Never"},
            ],
            "other": {"label": "Something else"},
        },
        {"options": "Never\nEvery week\nEvery day", "other": [], "optional": "yes"},
        {
            "id": "how_often_do_you_visit",
            "type": "single_choice",
            "text": "How often do you visit?",
            "hint": "Think of the last year",
            "required": False,
            "options": [
                {"value": "never", "label": "Never"},
                {"value": "every-week", "label": "Every week"},
                {"value": "every-day", "label": "Every day"},
            ],
        },
    ),
    (
        "multiple_choice",
        {
            "text": "Which services do you use?",
            "options": "Books\nComputers",
            "none": "y",
            "none_label": "None of these",
            "other": "y",
            "other_label": "Other",
        },
        {
            "id": "which_services_do_you_use",
            "type": "multiple_choice",
            "text": "Which services do you use?",
            "options": [
                {"value": "books", "label": "Books"},
                {"value": "computers", "label": "Computers"},
                {"value": "none-of-these", "label": "None of these", "exclusive": True},
            ],
            "other": {"label": "Other"},
        },
        {"none_label": "I use none", "options": "Books\nComputers\nEvents"},
        {
            "id": "which_services_do_you_use",
            "type": "multiple_choice",
            "text": "Which services do you use?",
            "options": [
                {"value": "books", "label": "Books"},
                {"value": "computers", "label": "Computers"},
                {"value": "events", "label": "Events"},
                {"value": "none-of-these", "label": "I use none", "exclusive": True},
            ],
            "other": {"label": "Other"},
        },
    ),
    (
        "likert",
        {"text": "The opening hours suit me", "kiosk_skip": "y"},
        {
            "id": "the_opening_hours_suit_me",
            "type": "likert",
            "text": "The opening hours suit me",
            "kiosk": "skip",
        },
        {"kiosk_skip": [], "text": "The hours suit me"},
        {"id": "the_opening_hours_suit_me", "type": "likert", "text": "The hours suit me"},
    ),
    (
        "grid",
        {"text": "How much do you agree?", "statements": "It is welcoming\nIt is quiet"},
        {
            "id": "how_much_do_you_agree",
            "type": "grid",
            "text": "How much do you agree?",
            "statements": [
                {"id": "it_is_welcoming", "text": "It is welcoming"},
                {"id": "it_is_quiet", "text": "It is quiet"},
            ],
        },
        {"statements": "It is quiet\nIt is clean"},
        {
            "id": "how_much_do_you_agree",
            "type": "grid",
            "text": "How much do you agree?",
            "statements": [
                {"id": "it_is_quiet", "text": "It is quiet"},
                {"id": "it_is_clean", "text": "It is clean"},
            ],
        },
    ),
    (
        "ranking",
        {"text": "What matters most?", "options": "Hours\nEvents\nBooks", "top_n": "2"},
        {
            "id": "what_matters_most",
            "type": "ranking",
            "text": "What matters most?",
            "options": [
                {"value": "hours", "label": "Hours"},
                {"value": "events", "label": "Events"},
                {"value": "books", "label": "Books"},
            ],
            "top_n": 2,
        },
        {"top_n": "3"},
        {
            "id": "what_matters_most",
            "type": "ranking",
            "text": "What matters most?",
            "options": [
                {"value": "hours", "label": "Hours"},
                {"value": "events", "label": "Events"},
                {"value": "books", "label": "Books"},
            ],
            "top_n": 3,
        },
    ),
    (
        "short_text",
        {"text": "Your postcode", "max_length": "10"},
        {"id": "your_postcode", "type": "short_text", "text": "Your postcode", "max_length": 10},
        {"max_length": "", "hint": "For example, AB1 2CD"},
        {
            "id": "your_postcode",
            "type": "short_text",
            "text": "Your postcode",
            "hint": "For example, AB1 2CD",
        },
    ),
    (
        "long_text",
        {"text": "Anything else?", "optional": "yes"},
        {"id": "anything_else", "type": "long_text", "text": "Anything else?", "required": False},
        {"max_length": "500"},
        {
            "id": "anything_else",
            "type": "long_text",
            "text": "Anything else?",
            "required": False,
            "max_length": 500,
        },
    ),
    (
        "number",
        {"text": "How many people live in your home?", "min": "1", "max": "20", "suffix": "people"},
        {
            "id": "how_many_people_live_in_your_home",
            "type": "number",
            "text": "How many people live in your home?",
            "min": 1,
            "max": 20,
            "suffix": "people",
        },
        {"integer": [], "max": "20.5", "min": ""},
        {
            "id": "how_many_people_live_in_your_home",
            "type": "number",
            "text": "How many people live in your home?",
            "max": 20.5,
            "integer": False,
            "suffix": "people",
        },
    ),
    (
        "date",
        {"text": "When did you join?", "earliest": ["1", "1", "1990"], "latest": ["31", "12", "2026"]},
        {
            "id": "when_did_you_join",
            "type": "date",
            "text": "When did you join?",
            "earliest": "1990-01-01",
            "latest": "2026-12-31",
        },
        {"earliest": ["", "", ""]},
        {"id": "when_did_you_join", "type": "date", "text": "When did you join?", "latest": "2026-12-31"},
    ),
    (
        "locality",
        {"text": "Where do you live?"},
        {"id": "where_do_you_live", "type": "locality", "text": "Where do you live?"},
        {"optional": "yes"},
        {"id": "where_do_you_live", "type": "locality", "text": "Where do you live?", "required": False},
    ),
    (
        "branch",
        {"text": "Which library do you use?"},
        {"id": "which_library_do_you_use", "type": "branch", "text": "Which library do you use?"},
        {"hint": "The one you use most"},
        {
            "id": "which_library_do_you_use",
            "type": "branch",
            "text": "Which library do you use?",
            "hint": "The one you use most",
        },
    ),
]


@pytest.mark.parametrize(("kind", "typed", "stored", "edit", "edited"), CASES, ids=[c[0] for c in CASES])
def test_every_question_type(
    client: PageClient,
    app: Flask,
    draft: str,
    kind: str,
    typed: dict[str, Any],
    stored: dict[str, Any],
    edit: dict[str, Any],
    edited: dict[str, Any],
) -> None:
    client.submit(
        client.get(f"/staff/surveys/{draft}/localities"), {"localities": "North: Central, Hill\nSouth: Mill"}
    )
    form = question_form(client, draft, "your_views", kind)
    assert form.page_title == "Add a question"
    overview = client.submit(form, typed)
    assert not overview.error_summary(), overview.error_summary()
    assert overview.h1 == "Library opening hours"
    assert f"The question '{typed['text']}' has been added." in overview.text
    first, added = questions(app, draft)
    assert first["id"] == FIRST_QUESTION
    assert added == stored
    assert overview.soup.select_one(f"#question-{stored['id']}")

    # Change it: the form shows what is stored, and the id stays.
    change = client.get(f"/staff/surveys/{draft}/questions/{stored['id']}")
    assert change.page_title == "Change question"
    assert change.soup.select_one("input[name=text]")["value"] == typed["text"]
    client.submit(change, edit)
    assert questions(app, draft)[1] == edited
    [event] = audit_rows(app, "survey.question_updated")
    assert event.details["before"] == stored and event.details["after"] == edited

    # The preview shows it as a resident sees it.
    preview = client.get(f"/staff/surveys/{draft}/preview/your_views")
    assert preview.soup.select_one(".govuk-phase-banner .govuk-tag").get_text(strip=True) == "Preview"
    assert not preview.soup.select("main form")
    field_id = {
        "date": f"{stored['id']}-day",
        "grid": f"{stored['id']}.{edited.get('statements', [{}])[0].get('id')}",
        "ranking": f"{stored['id']}.1",
    }.get(kind, stored["id"])
    assert preview.soup.select_one(f"[id='{field_id}']"), field_id

    # Move it up, then delete it.
    overview = client.get(f"/staff/surveys/{draft}")
    client.submit(overview, selector=f"#question-{stored['id']} form")
    assert [q["id"] for q in questions(app, draft)] == [stored["id"], FIRST_QUESTION]
    confirm = client.get(f"/staff/surveys/{draft}/questions/{stored['id']}/delete")
    assert confirm.h1 == f"Are you sure you want to delete the question '{edited['text']}'?"
    client.submit(confirm)
    assert [q["id"] for q in questions(app, draft)] == [FIRST_QUESTION]
    assert audit_actions(app)[-4:] == [
        "survey.question_added",
        "survey.question_updated",
        "survey.question_moved",
        "survey.question_deleted",
    ]


def test_change_question_type(client: PageClient, app: Flask, draft: str) -> None:
    chooser = client.get(f"/staff/surveys/{draft}/questions/{FIRST_QUESTION}/type")
    assert chooser.soup.select_one("input[name=type][value=long_text]").has_attr("checked")
    form = client.get(f"/staff/surveys/{draft}/questions/{FIRST_QUESTION}?type=single_choice")
    assert form.soup.select_one("textarea[name=options]") is not None
    assert form.soup.select_one("input[name=max_length]") is None, "only fields for the chosen type"
    page = client.submit(form, {"options": "Yes\nNo"})
    assert not page.error_summary()
    assert questions(app, draft)[0] == {
        "id": FIRST_QUESTION,
        "type": "single_choice",
        "text": "What would you like to tell us?",
        "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
    }


def test_a_default_character_limit_follows_the_type(client: PageClient, app: Flask, draft: str) -> None:
    """A limit left blank is the type's default: 2,000 for long text, 200 once it is short."""
    form = client.get(f"/staff/surveys/{draft}/questions/{FIRST_QUESTION}")
    assert form.soup.select_one("input[name=max_length]")["value"] == ""
    form = client.get(f"/staff/surveys/{draft}/questions/{FIRST_QUESTION}?type=short_text")
    assert form.soup.select_one("input[name=max_length]")["value"] == ""
    client.submit(form)
    assert questions(app, draft)[0] == {
        "id": FIRST_QUESTION,
        "type": "short_text",
        "text": "What would you like to tell us?",
    }


def test_area_questions_need_areas(client: PageClient, draft: str) -> None:
    page = client.get(
        f"/staff/surveys/{draft}/pages/your_views/questions/new?type=locality", expected_status=400
    )
    assert page.error_summary() == [
        "Add the survey's areas on the 'Areas and libraries' page before asking people to choose one"
    ]
    page = client.get(
        f"/staff/surveys/{draft}/pages/your_views/questions/new?type=essay", expected_status=400
    )
    assert page.error_summary() == ["Select the type of question"]


@pytest.mark.parametrize(
    ("kind", "typed", "errors"),
    [
        (
            "single_choice",
            {"text": "", "options": "Only one"},
            ["Enter the question", "Enter at least 2 answer options, one on each line"],
        ),
        ("single_choice", {"text": "Q", "options": "Yes\nyes"}, ["The answer option 'Yes' is listed twice"]),
        (
            "single_choice",
            {"text": "Q", "options": "A\nB", "other": "y", "other_label": ""},
            ["Enter the label for the 'other' option, like Other"],
        ),
        (
            "multiple_choice",
            {"text": "Q", "options": "A\nB", "none": "y", "none_label": ""},
            ["Enter the label for the 'none' option, like None of these"],
        ),
        ("ranking", {"text": "Q", "options": "A\nB"}, ["Enter how many options people should put in order"]),
        (
            "ranking",
            {"text": "Q", "options": "A\nB", "top_n": "3"},
            ["How many to put in order must be no more than the number of options (2)"],
        ),
        (
            "ranking",
            {"text": "Q", "options": "A\nB", "top_n": "two"},
            ["How many to put in order must be a whole number, like 5"],
        ),
        ("grid", {"text": "Q", "statements": ""}, ["Enter at least one statement"]),
        (
            "short_text",
            {"text": "Q", "max_length": "0"},
            ["The character limit must be between 1 and 10,000"],
        ),
        ("number", {"text": "Q", "min": "ten", "max": "5"}, ["The lowest number must be a number, like 10"]),
        (
            "number",
            {"text": "Q", "min": "10", "max": "5"},
            ["The highest number must be the same as or more than the lowest number"],
        ),
        (
            "date",
            {"text": "Q", "earliest": ["1", "1", "2027"], "latest": ["1", "1", "2026"]},
            ["The latest date must be the same as or after the earliest date"],
        ),
        ("date", {"text": "Q", "earliest": ["1", "", "2027"]}, ["The earliest date must include a month"]),
        (
            "date",
            {"text": "Q", "latest": ["1", "1", "9" * 20]},
            ["The year must include 4 numbers, like 2026"],
        ),
        ("date", {"text": "Q", "latest": ["1"]}, ["The latest date must include a month and year"]),
        (
            "ranking",
            {"text": "Q", "options": "A\nB\nC", "top_n": "9" * 5000},
            ["How many to put in order must be between 1 and 10"],
        ),
        ("long_text", {"text": "Q" * 301}, ["The question must be 300 characters or fewer"]),
    ],
)
def test_question_validation_keeps_what_was_typed(
    client: PageClient, app: Flask, draft: str, kind: str, typed: dict[str, Any], errors: list[str]
) -> None:
    before = definition(app, draft)
    page = add_question(client, draft, "your_views", kind, typed, expected_status=400)
    assert page.error_summary() == errors
    assert page.title.startswith("Error: ")
    assert page.soup.select_one("input[name=text]")["value"] == typed["text"]
    if "options" in typed:
        assert page.soup.select_one("textarea[name=options]").get_text() == typed["options"]
    assert definition(app, draft) == before, "nothing saved"


def test_pages_add_change_move_delete(client: PageClient, app: Flask, draft: str) -> None:
    overview = add_page(client, draft, {"title": "About you", "intro": "A few questions.\n\nAll optional."})
    assert "The page 'About you' has been added" in overview.text
    pages = definition(app, draft)["pages"]
    assert [p["id"] for p in pages] == ["your_views", "about_you"]
    assert pages[1]["intro"] == "A few questions.\n\nAll optional."
    placeholder = pages[1]["questions"][0]
    assert placeholder["type"] == "long_text" and placeholder["required"] is False
    # The first real question replaces the placeholder.
    add_question(client, draft, "about_you", "number", {"text": "How old are you?"})
    assert [q["id"] for q in questions(app, draft, 1)] == ["how_old_are_you"]
    add_question(client, draft, "about_you", "short_text", {"text": "Your name"})
    assert [q["id"] for q in questions(app, draft, 1)] == ["how_old_are_you", "your_name"]

    change = client.get(f"/staff/surveys/{draft}/pages/about_you")
    assert change.soup.select_one("input[name=title]")["value"] == "About you"
    client.submit(change, {"title": "About you and your home", "intro": ""})
    page = definition(app, draft)["pages"][1]
    assert page["title"] == "About you and your home" and "intro" not in page and page["id"] == "about_you"

    overview = client.get(f"/staff/surveys/{draft}")
    assert len(overview.soup.select("form[action$='/pages/your_views/move']")) == 1, "first page: only down"
    client.submit(overview, selector="form[action$='/pages/about_you/move']")
    assert [p["id"] for p in definition(app, draft)["pages"]] == ["about_you", "your_views"]

    confirm = client.get(f"/staff/surveys/{draft}/pages/about_you/delete")
    assert "Its 2 questions will be deleted too." in confirm.text
    overview = client.submit(confirm)
    assert "The page 'About you and your home' has been deleted." in overview.text
    assert [p["id"] for p in definition(app, draft)["pages"]] == ["your_views"]
    assert not overview.soup.select("a[href$='/delete']"), "the only page and question cannot be deleted"
    actions = audit_actions(app)
    for action in ("survey.page_added", "survey.page_updated", "survey.page_moved", "survey.page_deleted"):
        assert action in actions


def test_page_validation(client: PageClient, app: Flask, draft: str) -> None:
    before = definition(app, draft)
    page = add_page(client, draft, {"title": "", "intro": "Kept"}, expected_status=400)
    assert page.error_summary() == ["Enter the page title"]
    assert page.soup.select_one("textarea[name=intro]").get_text() == "Kept"
    assert definition(app, draft) == before
    client.get(f"/staff/surveys/{draft}/pages/nope", expected_status=404)
    client.get(f"/staff/surveys/{draft}/questions/nope", expected_status=404)


def test_page_routing_in_two_steps_without_javascript(client: PageClient, app: Flask, draft: str) -> None:
    survey_with_choice(client, draft)
    form = client.get(f"/staff/surveys/{draft}/pages/new")
    assert [o.get_text() for o in form.soup.select("select[name=route_question] option")] == [
        "Choose a question",
        "How often do you visit?",
        "How many books?",
        "Where do you live?",
    ]
    assert not form.soup.select("input[name=route_answers]")
    # Step 1: choose the question; nothing is saved yet.
    step2 = client.submit(
        form,
        {"title": "Why not", "route": "only_if", "route_question": FIRST_QUESTION, "action": "pick"},
    )
    assert not step2.error_summary()
    assert len(definition(app, draft)["pages"]) == 1
    assert [i["value"] for i in step2.soup.select("input[name=route_answers]")] == [
        "every-week",
        "every-month",
        "never",
    ]
    assert step2.soup.select_one("input[name=title]")["value"] == "Why not"
    # Step 2: choose the answer and save.
    overview = client.submit(step2, {"route_test": "equals", "route_answers": "never"})
    page = definition(app, draft)["pages"][1]
    assert page["show_if"] == {"question": FIRST_QUESTION, "equals": "never"}
    assert "Only shown if 'How often do you visit?' is 'Never'" in overview.text

    # Change it to "is any of", and then to a number and an area.
    change = client.get(f"/staff/surveys/{draft}/pages/why_not")
    assert change.soup.select_one("input[name=route][value=only_if]").has_attr("checked")
    assert change.soup.select_one("input[name=route_answers][value=never]").has_attr("checked")
    client.submit(change, {"route_test": "any_of", "route_answers": ["never", "every-month"]})
    assert definition(app, draft)["pages"][1]["show_if"] == {
        "question": FIRST_QUESTION,
        "any_of": ["every-month", "never"],
    }
    too_many = client.submit(
        client.get(f"/staff/surveys/{draft}/pages/why_not"), {"route_test": "equals"}, expected_status=400
    )
    assert too_many.error_summary() == ["Select only one answer for 'is', or choose 'is any of'"]

    number = client.submit(
        client.get(f"/staff/surveys/{draft}/pages/why_not"),
        {"route_question": "how_many_books", "action": "pick"},
    )
    assert number.soup.select_one("input[name=route_value]")
    client.submit(number, {"route_test": "equals", "route_value": "3"})
    assert definition(app, draft)["pages"][1]["show_if"] == {"question": "how_many_books", "equals": 3}

    area = client.submit(
        client.get(f"/staff/surveys/{draft}/pages/why_not"),
        {"route_question": "where_do_you_live", "action": "pick"},
    )
    assert [i["value"] for i in area.soup.select("input[name=route_answers]")] == ["north", "south"]
    client.submit(area, {"route_test": "not_answered"})
    assert definition(app, draft)["pages"][1]["show_if"] == {
        "question": "where_do_you_live",
        "not_answered": True,
    }

    client.submit(client.get(f"/staff/surveys/{draft}/pages/why_not"), {"route": "everyone"})
    assert "show_if" not in definition(app, draft)["pages"][1]


def test_question_routing(client: PageClient, app: Flask, draft: str) -> None:
    survey_with_choice(client, draft)
    add_page(client, draft, {"title": "More"})
    form = question_form(client, draft, "more", "short_text")
    step2 = client.submit(
        form, {"text": "Why never?", "route": "only_if", "route_question": FIRST_QUESTION, "action": "pick"}
    )
    overview = client.submit(step2, {"route_test": "equals", "route_answers": "never"})
    assert "Only shown if 'How often do you visit?' is 'Never'" in overview.text
    assert questions(app, draft, 1)[0]["show_if"] == {"question": FIRST_QUESTION, "equals": "never"}
    preview = client.get(f"/staff/surveys/{draft}/preview/more")
    assert "Routing: Only shown if 'How often do you visit?' is 'Never'." in preview.text
    # A question on the same page cannot be used.
    same_page = client.get(f"/staff/surveys/{draft}/questions/how_many_books")
    assert "there are none" in same_page.text
    # The question that routing depends on cannot be deleted.
    confirm = client.get(f"/staff/surveys/{draft}/questions/{FIRST_QUESTION}/delete")
    assert "Routing depends on this: page 2, question 1 ('Why never?')" in confirm.text
    refused = client.submit(confirm, expected_status=400)
    assert refused.error_summary() == [] and refused.soup.select_one(".govuk-error-summary")
    assert FIRST_QUESTION in [q["id"] for q in questions(app, draft)]


def test_routing_errors(client: PageClient, app: Flask, draft: str) -> None:
    survey_with_choice(client, draft)
    form = client.get(f"/staff/surveys/{draft}/pages/new")
    page = client.submit(form, {"title": "X", "route": "only_if"}, expected_status=400)
    assert page.error_summary() == ["Select the earlier question that decides who sees this"]
    page = client.submit(page, {"route_question": FIRST_QUESTION}, expected_status=400)
    assert page.error_summary() == ["Select the answer to 'How often do you visit?' that shows this"]
    page = client.submit(page, {"route_question": "how_many_books", "action": "pick"})
    page = client.submit(page, {"route_value": "lots"}, expected_status=400)
    assert page.error_summary() == ["The answer must be a number, like 3"]
    assert len(definition(app, draft)["pages"]) == 1


def test_changed_options_that_break_routing_are_explained(client: PageClient, app: Flask, draft: str) -> None:
    survey_with_choice(client, draft)
    step2 = client.submit(
        client.get(f"/staff/surveys/{draft}/pages/new"),
        {"title": "Why not", "route": "only_if", "route_question": FIRST_QUESTION, "action": "pick"},
    )
    client.submit(step2, {"route_answers": "never"})
    before = definition(app, draft)
    page = client.submit(
        client.get(f"/staff/surveys/{draft}/questions/{FIRST_QUESTION}"),
        {"options": "Every week\nNot at all"},
        expected_status=400,
    )
    assert page.error_summary() == [] and page.soup.select_one(".govuk-error-summary")
    summary = page.soup.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert "Page 2, routing: 'never' is not one of the answers to" in summary
    assert page.soup.select_one("textarea[name=options]").get_text() == "Every week\nNot at all", (
        "nothing lost"
    )
    assert definition(app, draft) == before


def test_deleting_a_page_that_routing_depends_on_is_refused(
    client: PageClient, app: Flask, draft: str
) -> None:
    # The page was taken out of the survey before the check failed, so the refusal page
    # looked for it and raised KeyError: a 500.
    survey_with_choice(client, draft)
    step2 = client.submit(
        client.get(f"/staff/surveys/{draft}/pages/new"),
        {"title": "Why not", "route": "only_if", "route_question": FIRST_QUESTION, "action": "pick"},
    )
    client.submit(step2, {"route_answers": "never"})
    before = definition(app, draft)
    confirm = client.get(f"/staff/surveys/{draft}/pages/your_views/delete")
    refused = client.submit(confirm, expected_status=400)
    assert refused.soup.select_one(".govuk-error-summary")
    assert "Why not" in refused.text, "says what depends on the page"
    assert definition(app, draft) == before


def test_moving_a_page_above_its_routing_question_is_refused(
    client: PageClient, app: Flask, draft: str
) -> None:
    survey_with_choice(client, draft)
    step2 = client.submit(
        client.get(f"/staff/surveys/{draft}/pages/new"),
        {"title": "Why not", "route": "only_if", "route_question": FIRST_QUESTION, "action": "pick"},
    )
    client.submit(step2, {"route_answers": "never"})
    overview = client.get(f"/staff/surveys/{draft}")
    refused = client.submit(overview, selector="form[action$='/pages/why_not/move']", expected_status=400)
    text = refused.soup.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert "could not be moved" in text and "not a question on an earlier page" in text
    assert [p["id"] for p in definition(app, draft)["pages"]] == ["your_views", "why_not"]


def test_built_survey_publishes_and_residents_can_answer(client: PageClient, app: Flask, draft: str) -> None:
    survey_with_choice(client, draft)
    step2 = client.submit(
        client.get(f"/staff/surveys/{draft}/pages/new"),
        {"title": "Why not", "route": "only_if", "route_question": FIRST_QUESTION, "action": "pick"},
    )
    client.submit(step2, {"route_answers": "never"})
    add_question(client, draft, "why_not", "long_text", {"text": "What stops you?"})
    client.get(f"/staff/surveys/{draft}")
    publish(client, draft)
    assert [(n, s) for n, s, _ in versions(app, draft)] == [(1, "published")]

    resident = PageClient(app.test_client())
    start = resident.get(f"/s/{draft}")
    page = resident.submit(start, selector="main form[action$='/start']")
    assert page.response.request.path.endswith("/your_views")
    page = resident.submit(
        page, {FIRST_QUESTION: "never", "how_many_books": "2", "where_do_you_live": "north"}
    )
    assert page.response.request.path.endswith("/why_not"), page.error_summary()
    page = resident.submit(page, {"what_stops_you": "Opening hours"})
    assert page.h1 == "Check your answers before sending them"


def test_preview_pages(client: PageClient, app: Flask, draft: str) -> None:
    add_page(client, draft, {"title": "Second"})
    client.submit(client.get(f"/staff/surveys/{draft}/details"), {"equality_section": "yes"})
    first = client.get(client.get_redirect(f"/staff/surveys/{draft}/preview"))
    assert first.page_title == "Preview: Your views"
    assert first.soup.select_one("a[rel=next]")["href"] == f"/staff/surveys/{draft}/preview/second"
    assert not first.soup.select("a[rel=prev]")
    second = client.get(f"/staff/surveys/{draft}/preview/second")
    assert second.soup.select_one("a[rel=prev]")["href"] == f"/staff/surveys/{draft}/preview/your_views"
    equality = client.get(second.soup.select_one("a[rel=next]")["href"])
    assert "page 3 of 3" in equality.text
    assert all(button.has_attr("disabled") for button in equality.soup.select("main button"))
    client.get(f"/staff/surveys/{draft}/preview/nope", expected_status=404)
