"""The resident journey in a real browser: with and without JavaScript, by keyboard, at 320px.

axe checks every page of the journey, including an error state, check answers and
the confirmation page.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from engage.platform import clock
from engage.platform.database import db
from surveys import services
from tests.browser.conftest import LiveServer, check_axe, no_horizontal_scroll
from tests.residents.conftest import SURVEY
from tests.support.journey import CHECK, answer_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def survey_server(live_server: LiveServer) -> Iterator[LiveServer]:
    with live_server.app.app_context():
        if services.get_survey(db(), "test-survey") is None:
            version = services.save_definition(db(), copy.deepcopy(SURVEY), clock.now())
            services.publish(db(), version.survey, clock.now())
            db().commit()
    return live_server


def complete(page: Page, url: str, *, keyboard: bool = False, narrow: bool = False) -> str:
    page.goto(url + "/s/test-survey")
    check_axe(page)
    if narrow:
        no_horizontal_scroll(page)
    start = page.get_by_role("button", name="Start now")
    if keyboard:
        start.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
    else:
        start.click()
    seen = 0
    while page.locator("h1").inner_text() != CHECK:
        check_axe(page)
        if narrow:
            no_horizontal_scroll(page)
        answer_page(page, keyboard)
        page.wait_for_load_state()
        seen += 1
        assert seen < 10, "the journey did not reach check your answers"
    check_axe(page)
    send = page.get_by_role("button", name="Send answers")
    if keyboard:
        send.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
    else:
        send.click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Answers sent")
    check_axe(page)
    if narrow:
        no_horizontal_scroll(page)
    return page.locator("#reference").inner_text()


def test_with_javascript(survey_server: LiveServer, new_context: Callable[..., BrowserContext]) -> None:
    page = new_context().new_page()
    assert complete(page, survey_server.url)


def test_without_javascript(survey_server: LiveServer, new_context: Callable[..., BrowserContext]) -> None:
    page = new_context(scripts=False).new_page()
    assert complete(page, survey_server.url)


def test_keyboard_only(survey_server: LiveServer, new_context: Callable[..., BrowserContext]) -> None:
    page = new_context().new_page()
    assert complete(page, survey_server.url, keyboard=True)


def test_at_320px(survey_server: LiveServer, new_context: Callable[..., BrowserContext]) -> None:
    page = new_context(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True).new_page()
    assert complete(page, survey_server.url, narrow=True)


def test_error_state_and_save_and_resume(
    survey_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context().new_page()
    page.goto(survey_server.url + "/s/test-survey")
    page.get_by_role("button", name="Start now").click()
    page.locator("button[value=continue]").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select an answer")
    assert page.title().startswith("Error: ")
    check_axe(page)
    page.locator("input[name=visits][value=weekly]").check()
    page.locator("button[value=continue]").click()
    page.locator("input[name=services][value=computers]").check()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Your answers have been saved")
    check_axe(page)
    code = page.locator("#resume-code").inner_text()

    other = new_context().new_page()
    other.goto(survey_server.url + "/s/test-survey/resume")
    check_axe(other)
    other.fill("#code", code)
    other.get_by_role("button", name="Continue").click()
    expect(other.locator("h1")).to_have_text("Your library")
    expect(other.locator("input[name=services][value=computers]")).to_be_checked()


def test_no_script_runs_in_the_no_javascript_journey(
    survey_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(scripts=False).new_page()
    page.goto(survey_server.url + "/s/test-survey")
    classes = page.evaluate("() => document.body.className")
    assert "govuk-frontend-supported" not in classes
    assert page.evaluate("() => document.scripts.length") == 0
