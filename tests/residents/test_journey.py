"""The resident journey through the Flask test client: every page checked by PageClient."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from engage.platform import clock
from engage.platform.database import db
from engage.platform.extensions import rate_limiter
from engage.residents.views import RESUME_GUESSES
from surveys import services
from surveys.models import EqualityRecord, Response, Submission, Survey
from tests.conftest import FrozenClock
from tests.support.pages import Page, PageClient
from tests.support.residents import ANSWERS, answer_all, start


def count(app: Flask, model: type, *where: Any) -> int:
    with app.app_context():
        return int(db().scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_start_page(client: PageClient, publish_survey: Callable[..., Survey]) -> None:
    publish_survey()
    page = client.get("/s/test-survey")
    assert page.h1 == "Test library survey"
    assert "It takes about 5 minutes" in page.text
    assert page.soup.select_one("a[href='/privacy']")
    assert page.soup.select_one(".govuk-button--start")


def test_unknown_and_unpublished_surveys_are_404(
    client: PageClient, app: Flask, survey_definition: dict[str, Any]
) -> None:
    client.get("/s/no-such-survey", expected_status=404)
    with app.app_context():
        services.save_definition(db(), survey_definition, clock.now())
        db().commit()
    client.get("/s/test-survey", expected_status=404)


def test_complete_journey(client: PageClient, app: Flask, publish_survey: Callable[..., Survey]) -> None:
    publish_survey()
    check = answer_all(client)
    summary = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
        for row in check.soup.select(".govuk-summary-list__row")
    }
    assert summary["How often do you visit?"] == "Every week"
    assert summary["Which services do you use?"] == "Borrowing books; Computers and Wi-Fi"
    assert summary["What matters most?"] == "1. Longer opening hours; 2. More events"
    assert summary["When did you join the library?"] == "4 September 2019"
    assert "<script>" in summary["What one thing would you change?"], "shown as typed"
    assert not check.soup.select("main script"), "and always escaped"
    assert "Why you do not visit" not in check.text, "routing skipped it"
    done = client.submit(check, selector="main form[action$='/submit']")
    assert done.soup.select_one(".govuk-panel__title").get_text(strip=True) == "Answers sent"
    reference = done.soup.select_one("#reference").get_text(strip=True)
    with app.app_context():
        response = db().scalar(select(Response))
        assert response is not None and response.status == "submitted"
        assert response.submission is not None and response.submission.reference == reference
        assert response.channel == "online"
        # No poster, kiosk or locality link: the locality comes from their own answer
        # (the library they use most is in Riverside).
        assert (response.locality_code, response.locality_source) == ("river", "answer")
        assert response.answers["idea"] == "Open on Sundays <script>alert(1)</script> 📚"
        assert response.answers["household"] == 3
        assert "eq_age" not in response.answers
        equality = db().scalar(select(EqualityRecord))
        assert equality is not None and equality.answers == {"eq_age": "35_44"}
        assert equality.locality_code == "river"
        # Stored apart, but tied to the response so themes can be split by group (in
        # suppressed totals only) and erasing the response erases them too.
        assert equality.response_id == response.id


def test_branch_entry_link_is_recorded(
    client: PageClient, app: Flask, publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    page = client.get("/s/test-survey?branch=north-central")
    assert "Northgate Central Library" in page.text
    client.submit(page, selector="main form[action$='/start']")
    with app.app_context():
        response = db().scalar(select(Response))
        assert response is not None
        assert (response.branch_code, response.locality_code) == ("north-central", "north")
        assert response.locality_source == "library"


def test_routing_branch_for_non_visitors(client: PageClient, publish_survey: Callable[..., Survey]) -> None:
    publish_survey()
    page = start(client)
    page = client.submit(page, {"visits": "never"})
    assert page.h1 == "What stops you visiting?"
    page = client.submit(page, {"barrier": "Too far"})
    assert page.h1 == "Your views"


def test_changing_an_answer_drops_answers_routing_now_skips(
    client: PageClient, app: Flask, publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    check = answer_all(client)
    change = client.get("/s/test-survey/use?return=check")
    back = client.submit(change, {"visits": "never"})
    # The new route needs the barrier page, so we are sent there first.
    assert back.h1 == "What stops you visiting?"
    back = client.submit(back, {"barrier": "No time"})
    assert back.h1 == "Check your answers before sending them"
    assert "Which services do you use?" not in back.text
    with app.app_context():
        response = db().scalar(select(Response))
        assert response is not None
        assert "services" not in response.answers and "branch" not in response.answers
    assert check.status == 200


@pytest.mark.parametrize(
    ("page_id", "data", "expected"),
    [
        ("use", {"visits": ""}, ["Select an answer for 'How often do you visit'"]),
        (
            "use",
            {"visits": "daily-tampered"},
            ["Select one of the answers listed for 'How often do you visit'"],
        ),
        (
            "use",
            {"visits": "other", "visits.other": ""},
            ["Enter your other answer to 'How often do you visit'"],
        ),
    ],
)
def test_validation_messages_link_to_fields(
    client: PageClient,
    publish_survey: Callable[..., Survey],
    page_id: str,
    data: dict[str, str],
    expected: list[str],
) -> None:
    publish_survey()
    page = start(client)
    result = client.submit(page, data, expected_status=400)
    assert result.title.startswith("Error: ")
    assert result.error_summary() == expected
    for link in result.soup.select(".govuk-error-summary__list a"):
        target = str(link["href"])[1:]
        assert result.soup.find(id=target) is not None, f"error links to missing #{target}"


def test_errors_keep_everything_typed(client: PageClient, publish_survey: Callable[..., Survey]) -> None:
    publish_survey()
    page = start(client)
    page = client.submit(page, {"visits": "weekly"})
    page = client.submit(page, {"services": ["books"], "branch": "north-central"})
    long_text = "x" * 201
    result = client.submit(
        page,
        {"agree.welcoming": "agree", "idea": long_text, "priorities.1": "hours", "priorities.2": "hours"},
        expected_status=400,
    )
    assert set(result.error_summary()) == {
        "Select how much you agree with 'There is enough quiet space'",
        "You have already chosen 'Longer opening hours'. Choose something different for number 2",
        "Your answer must be 200 characters or fewer. It is 201 characters now",
    }
    assert result.soup.select_one("textarea[name=idea]").get_text() == long_text
    assert result.soup.select_one("input[name='agree.welcoming'][value=agree]").has_attr("checked")


def test_control_characters_are_removed_with_a_message(
    client: PageClient, publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    page = client.submit(start(client), {"visits": "never"})
    result = client.submit(page, {"barrier": "Too\x00 far\x07 away"}, expected_status=400)
    assert result.error_summary() == [
        "Your answer contained hidden control characters. We removed them: check it and continue"
    ]
    assert result.soup.select_one("textarea[name=barrier]").get_text() == "Too far away"
    assert client.submit(result).h1 == "Your views"


def test_exclusive_option(client: PageClient, publish_survey: Callable[..., Survey]) -> None:
    publish_survey()
    page = client.submit(start(client), {"visits": "weekly"})
    result = client.submit(page, {"services": ["books", "none"], "branch": "river-mill"}, expected_status=400)
    assert result.error_summary() == [
        "Select 'None of these' on its own, or untick it and select the answers that apply"
    ]


def test_double_submit_gives_one_response(
    client: PageClient, app: Flask, publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    check = answer_all(client)
    first = client.submit(check, selector="main form[action$='/submit']")
    # Back, then send again, with the page as it was.
    second = client.submit(check, selector="main form[action$='/submit']")
    assert first.soup.select_one("#reference").get_text() == second.soup.select_one("#reference").get_text()
    assert count(app, Submission) == 1


def test_concurrent_submissions_store_exactly_one(app: Flask, publish_survey: Callable[..., Survey]) -> None:
    publish_survey()
    client = PageClient(app.test_client())
    check = answer_all(client)
    token = check.soup.select_one("main form[action$='/submit'] input[name=csrf_token]")["value"]
    cookie = client.client.get_cookie("engage_session")
    assert cookie is not None
    results: list[int] = []

    def send() -> None:
        other = app.test_client()
        other.set_cookie("engage_session", cookie.value)
        results.append(other.post("/s/test-survey/submit", data={"csrf_token": token}).status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [302] * 4
    assert count(app, Submission) == 1
    assert count(app, Response, Response.status == "submitted") == 1


def test_resume_in_the_same_browser(client: PageClient, publish_survey: Callable[..., Survey]) -> None:
    publish_survey()
    page = client.submit(start(client), {"visits": "weekly"})
    assert page.h1 == "Your library"
    again = client.get("/s/test-survey")
    assert "You have already started this survey on this device" in again.text
    resumed = client.submit(again, selector="main form[action$='/start']:not(:has(input[name=fresh]))")
    assert resumed.h1 == "Your library"


def save_for_later(client: PageClient) -> str:
    """Answer the first page, tick a service on the second, save and come back later: the code."""
    page = client.submit(start(client), {"visits": "weekly"})
    saved = client.submit(page, {"services": ["books"], "action": "save"})
    assert saved.h1 == "Your answers have been saved"
    return saved.soup.select_one("#resume-code").get_text(strip=True)


def test_save_and_come_back_with_a_code(
    client: PageClient, app: Flask, publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    code = save_for_later(client)
    other = PageClient(app.test_client())
    form = other.get("/s/test-survey/resume")
    wrong = other.submit(form, {"code": "ZZZZ-ZZZZ"}, expected_status=400)
    assert wrong.error_summary() == ["We could not find saved answers with that code. Check it and try again"]
    resumed = other.submit(form, {"code": code.lower().replace("-", " ")})
    assert resumed.h1 == "Your library"
    assert resumed.soup.select_one("input[name=services][value=books]").has_attr("checked"), (
        "partial answers kept"
    )
    # The first browser's copy of the token no longer works: only one device at a time.
    assert client.get_redirect("/s/test-survey/details") == "/s/test-survey"


def test_guessing_resume_codes_is_limited(
    client: PageClient, app: Flask, publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    code = save_for_later(client)
    guesser = PageClient(app.test_client())
    form = guesser.get("/s/test-survey/resume")
    for n in range(RESUME_GUESSES.count):
        guesser.submit(form, {"code": f"ZZZZ-{n:04d}"}, expected_status=400)
    refused = guesser.submit(form, {"code": code}, expected_status=429)
    assert refused.error_summary() == [
        "Too many codes that did not match have been tried from here. Wait an hour and try again"
    ]
    assert refused.soup.select_one("input[name=code]")["value"] == code, "what was typed is kept"
    assert int(refused.response.headers["Retry-After"]) > 0
    # Once the hour is up, the right code works.
    with app.app_context():
        rate_limiter().reset(RESUME_GUESSES, "127.0.0.1")
    assert guesser.submit(form, {"code": code}).h1 == "Your library"


def test_concurrent_resume_code_guesses_are_limited(
    client: PageClient, app: Flask, publish_survey: Callable[..., Survey], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each guess is counted before its code is looked up, so guesses sent together cannot
    all pass a check that has not yet seen the others."""
    publish_survey()
    save_for_later(client)
    guessers = [PageClient(app.test_client()) for _ in range(RESUME_GUESSES.count + 10)]
    forms = [guesser.get("/s/test-survey/resume") for guesser in guessers]
    looked_up: list[str] = []
    real_find = services.find_by_code

    def find_by_code(session: Any, survey: Survey, code: str) -> Response | None:
        looked_up.append(code)
        return real_find(session, survey, code)

    monkeypatch.setattr(services, "find_by_code", find_by_code)
    start_together = threading.Barrier(len(guessers))
    statuses: list[int] = []

    def guess(guesser: PageClient, form: Page, n: int) -> None:
        start_together.wait()
        statuses.append(guesser.submit(form, {"code": f"ZZZZ-{n:04d}"}, expected_status=(400, 429)).status)

    threads = [
        threading.Thread(target=guess, args=(guesser, form, n))
        for n, (guesser, form) in enumerate(zip(guessers, forms, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(looked_up) == statuses.count(400) == RESUME_GUESSES.count
    assert statuses.count(429) == 10


def test_a_code_that_matches_does_not_use_up_a_guess(
    client: PageClient, app: Flask, publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    code = save_for_later(client)
    guesser = PageClient(app.test_client())
    form = guesser.get("/s/test-survey/resume")
    for n in range(RESUME_GUESSES.count - 1):
        guesser.submit(form, {"code": f"ZZZZ-{n:04d}"}, expected_status=400)
    assert guesser.submit(form, {"code": code}).h1 == "Your library"
    again = guesser.get("/s/test-survey/resume")
    guesser.submit(again, {"code": "ZZZZ-9999"}, expected_status=400)
    guesser.submit(again, {"code": "ZZZZ-9998"}, expected_status=429)


def test_resume_link(client: PageClient, app: Flask, publish_survey: Callable[..., Survey]) -> None:
    publish_survey()
    page = client.submit(start(client), {"visits": "weekly"})
    saved = client.submit(page, {"action": "save"})
    link = str(saved.soup.select_one("#resume-link")["href"])
    other = PageClient(app.test_client())
    assert other.get_redirect(link.replace("http://127.0.0.1:5000", "")) == "/s/test-survey/details"
    other.get("/s/test-survey/resume/not-a-real-token", expected_status=404)


def test_abandoned_responses_expire_and_are_purged(
    client: PageClient, app: Flask, publish_survey: Callable[..., Survey], frozen_clock: FrozenClock
) -> None:
    publish_survey()
    client.submit(start(client), {"visits": "weekly"})
    frozen_clock.advance(days=31)
    assert client.get_redirect("/s/test-survey/details") == "/s/test-survey", "expired answers are not shown"
    with app.app_context():
        assert services.purge_expired(db(), clock.now()) == 1
        db().commit()
    assert count(app, Response) == 0


def test_closed_survey_accepts_nothing(
    client: PageClient, app: Flask, publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    page = client.submit(start(client), {"visits": "weekly"})
    with app.app_context():
        survey = services.get_survey(db(), "test-survey")
        assert survey is not None
        services.close(survey, clock.now() - timedelta(seconds=1))
        db().commit()
    closed = client.get("/s/test-survey", expected_status=410)
    assert closed.h1 == "Test library survey has closed"
    result = client.submit(page, {"services": ["books"], "branch": "river-mill"}, expected_status=410)
    assert result.h1 == "Test library survey has closed"


def test_forged_version_is_ignored(
    client: PageClient, app: Flask, publish_survey: Callable[..., Survey], survey_definition: dict[str, Any]
) -> None:
    publish_survey()
    page = start(client)
    client.submit(page, {"visits": "weekly", "version": "99", "version_id": "99"})
    with app.app_context():
        response = db().scalar(select(Response))
        assert response is not None and response.version.number == 1


def test_answers_to_skipped_questions_are_discarded(
    client: PageClient, app: Flask, publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    page = client.submit(start(client), {"visits": "weekly"})
    # Fields for questions that are not on this page, or that routing skips, are not stored.
    client.submit(
        page, {"services": ["books"], "branch": "river-mill", "computer_help": "forged", "barrier": "forged"}
    )
    with app.app_context():
        response = db().scalar(select(Response))
        assert response is not None
        assert "barrier" not in response.answers and "computer_help" not in response.answers


def test_pages_cannot_be_reached_out_of_order(
    client: PageClient, publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    assert client.get_redirect("/s/test-survey/views") == "/s/test-survey", "no response yet"
    start(client)
    assert client.get_redirect("/s/test-survey/why_not") == "/s/test-survey/use"
    client.get("/s/test-survey/not-a-page", expected_status=404)


def test_text_that_looks_like_a_date_comes_back_as_typed(
    client: PageClient, publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    answers = {**ANSWERS, "views": {**ANSWERS["views"], "computer_help": "2024-01-01"}}
    answer_all(client, answers)
    views = client.get("/s/test-survey/views")
    assert views.form().select_one("input[name=computer_help]")["value"] == "2024-01-01"  # type: ignore[index]
    about = client.get("/s/test-survey/about")
    assert about.form().select_one("input[name=joined-year]")["value"] == "2019"  # type: ignore[index]
