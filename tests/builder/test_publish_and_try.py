"""Trying a survey before publishing (the real journey, nothing stored) and the publishing
checklist that refuses until every check is met or the officer says why not."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from engage.accounts.models import StaffUser
from engage.platform.database import db
from surveys.models import Response
from tests.builder.conftest import FIRST_QUESTION, add_question, audit_rows, survey_with_choice, versions
from tests.support.pages import Page, PageClient

ANSWERS = {"your_views": {FIRST_QUESTION: "More books"}}
TO_DO = [
    "Set a closing date, so residents know how long they have to answer.",
    "Say what happens to the answers (who reads them, and when you will publish what you heard).",
    "Say how many minutes it takes.",
    "Write the 'Your privacy' text: what you keep from this survey, why, and for how long.",
    "Add at least one area, so answers can be reported by area.",
    "Try it from start to finish, as a resident would, after your last change.",
]


def _responses(app: Flask) -> int:
    with app.app_context():
        return int(db().scalar(select(func.count()).select_from(Response)) or 0)


def _checks(page: Page) -> list[tuple[str, str]]:
    return [
        (
            " ".join(item.select_one(".govuk-task-list__name-and-hint").get_text().split()),
            item.select_one(".govuk-task-list__status").get_text(strip=True),
        )
        for item in page.soup.select(".govuk-task-list__item")
    ]


def _try_to_the_end(client: PageClient, slug: str, answers: dict[str, dict[str, str]]) -> Page:
    page = client.get(f"/staff/surveys/{slug}/try", follow_redirects=True)
    while page.h1 != "Check your answers before sending them":
        page_id = page.response.request.path.rsplit("/", 1)[-1]
        page = client.submit(page, answers.get(page_id, {}))
        assert not page.error_summary(), (page_id, page.error_summary())
    return page


def test_the_checklist_refuses_then_allows_with_a_reason(
    client: PageClient, app: Flask, draft: str, officer: StaffUser
) -> None:
    overview = client.get(f"/staff/surveys/{draft}")
    checklist = client.get(overview.soup.select_one(f"a[href='/staff/surveys/{draft}/publish']")["href"])
    assert checklist.h1 == "Before you publish"
    assert _checks(checklist) == [(text, "To do") for text in TO_DO]
    refused = client.submit(checklist, {"reason": "  "}, expected_status=400)
    assert refused.error_summary() == [
        "Say why you are publishing before every check is done, or go back and finish them"
    ]
    assert [(n, s) for n, s, _ in versions(app, draft)] == [(1, "draft")]
    published = client.submit(refused, {"reason": "The committee sets the closing date next week"})
    assert "Version 1 of 'Library opening hours' is published" in published.text
    [event] = audit_rows(app, "survey.published")
    assert event.details == {
        "version": 1,
        "unmet": ["closing_date", "what_happens", "duration", "privacy", "areas", "tried"],
        "reason": "The committee sets the closing date next week",
    }


def test_every_check_met_publishes_without_a_reason(
    client: PageClient, app: Flask, draft: str, officer: StaffUser
) -> None:
    client.submit(
        client.get(f"/staff/surveys/{draft}/details"),
        {
            "what_happens": "We read every answer.",
            "privacy": "We keep answers for two years.",
            "duration_minutes": "5",
            "closes_on": ["31", "1", "2027"],
        },
    )
    client.submit(client.get(f"/staff/surveys/{draft}/localities"), {"localities": "Northgate: Central"})
    checklist = client.get(f"/staff/surveys/{draft}/publish")
    assert [status for _, status in _checks(checklist)] == ["Done"] * 5 + ["To do"]
    # The one thing left links to the try-out.
    assert checklist.soup.select_one(".govuk-task-list__item a")["href"] == f"/staff/surveys/{draft}/try"

    _try_to_the_end(client, draft, ANSWERS)
    done = client.submit(
        client.get(f"/staff/surveys/{draft}/try/check"),
        selector=f"form[action='/staff/surveys/{draft}/try/send']",
    )
    assert done.soup.select_one(".govuk-panel__title").get_text(strip=True) == "Answers sent"
    assert "nothing was sent" in done.text

    checklist = client.get(f"/staff/surveys/{draft}/publish")
    assert [status for _, status in _checks(checklist)] == ["Done"] * 6
    assert checklist.soup.select_one("textarea[name=reason]") is None
    published = client.submit(checklist)
    assert "Version 1 of 'Library opening hours' is published" in published.text
    [event] = audit_rows(app, "survey.published")
    assert event.details == {"version": 1}
    assert _responses(app) == 0, "a try-out stores no response"


def test_a_change_after_the_try_out_asks_for_another(
    client: PageClient, app: Flask, draft: str, officer: StaffUser
) -> None:
    _try_to_the_end(client, draft, ANSWERS)
    client.submit(client.get(f"/staff/surveys/{draft}/try/check"), selector="form[action$='/try/send']")
    assert _checks(client.get(f"/staff/surveys/{draft}/publish"))[-1][1] == "Done"
    client.submit(client.get(f"/staff/surveys/{draft}/details"), {"purpose": "Something new."})
    assert _checks(client.get(f"/staff/surveys/{draft}/publish"))[-1][1] == "To do"
    [tried] = audit_rows(app, "survey.tried")
    assert tried.details["version"] == 1


def test_the_try_out_follows_routing_and_checks_answers(
    client: PageClient, app: Flask, draft: str, officer: StaffUser
) -> None:
    survey_with_choice(client, draft)
    step2 = client.submit(
        client.get(f"/staff/surveys/{draft}/pages/new"),
        {"title": "Why not", "route": "only_if", "route_question": FIRST_QUESTION, "action": "pick"},
    )
    client.submit(step2, {"route_answers": "never"})
    add_question(client, draft, "why_not", "long_text", {"text": "What stops you?"})

    first = client.get(f"/staff/surveys/{draft}/try", follow_redirects=True)
    assert "Try-out" in first.text and "Nothing you enter is kept or counted." in first.text
    # The same error messages residents get, with nothing lost.
    refused = client.submit(first, {"how_many_books": "lots"}, expected_status=400)
    assert refused.error_summary()
    assert refused.soup.select_one("input[name=how_many_books]")["value"] == "lots"
    # "Never" routes to the "Why not" page.
    why = client.submit(
        refused, {FIRST_QUESTION: "never", "how_many_books": "2", "where_do_you_live": "north"}
    )
    assert why.response.request.path.endswith("/try/why_not")
    check = client.submit(why, {"what_stops_you": "The bus " + "x" * 400}, expected_status=(200, 400))
    assert not check.error_summary(), check.error_summary()
    assert check.h1 == "Check your answers before sending them"
    assert "The bus" in check.text and "…" in check.text  # long answers are shortened in a try-out
    # Change: back to the first page, pick another answer; routing now skips "Why not".
    change = check.soup.select("a:-soup-contains('Change')")[0]["href"]
    assert change.endswith("?return=check")
    again = client.submit(client.get(change), {FIRST_QUESTION: "every-week"})
    assert again.h1 == "Check your answers before sending them"
    assert "What stops you?" not in again.text
    assert _responses(app) == 0


def test_a_try_out_restarts_when_the_survey_changes(
    client: PageClient, app: Flask, draft: str, officer: StaffUser
) -> None:
    first = client.get(f"/staff/surveys/{draft}/try", follow_redirects=True)
    path = first.response.request.path
    client.submit(client.get(f"/staff/surveys/{draft}/details"), {"purpose": "Changed."})
    restarted = client.get(path, follow_redirects=True)
    assert "The survey changed since you started trying it" in restarted.text
    # Going straight to check your answers without a try-out starts one.
    assert "/try" in client.get_redirect(f"/staff/surveys/{draft}/try/check")
