"""Public, staff and error pages in a real browser, each checked with axe."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from engage.accounts.models import Role
from tests.browser.conftest import LiveServer, check_axe, no_horizontal_scroll
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/privacy", "/accessibility", "/cookies", "/staff/sign-in"])
def test_public_pages(live_server: LiveServer, page: Page, path: str) -> None:
    page.goto(live_server.url + path)
    expect(page.locator(".engage-header__council")).to_have_text("Anyshire County Council")
    assert page.locator("svg.govuk-header__logotype, .govuk-logo").count() == 0, "no crown"
    check_axe(page)


def sign_in_by_keyboard(page: Page, url: str, email: str) -> None:
    page.goto(url + "/staff/sign-in")
    page.keyboard.press("Tab")  # skip link
    while page.evaluate("() => document.activeElement.id") != "email":
        page.keyboard.press("Tab")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/")


def test_keyboard_sign_in_dashboard_and_sign_out(live_server: LiveServer, page: Page) -> None:
    email = live_server.make_staff(Role.ADMIN, "browser.admin@anyshire.gov.uk")
    sign_in_by_keyboard(page, live_server.url, email)
    expect(page.locator("h1")).to_have_text("Dashboard")
    check_axe(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("h1")).to_have_text("Sign in")
    page.go_back()
    page.goto(live_server.url + "/staff/")
    expect(page.locator("h1")).to_have_text("Sign in"), "an ended session cannot be revived"


def test_wrong_password_error_state(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/staff/sign-in")
    page.fill("#email", "nobody@anyshire.gov.uk")
    page.fill("#password", "not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    assert page.title().startswith("Error: ")
    check_axe(page)


def test_admin_pages(live_server: LiveServer, page: Page) -> None:
    email = live_server.make_staff(Role.ADMIN, "browser.admin2@anyshire.gov.uk")
    sign_in_by_keyboard(page, live_server.url, email)
    for path in ("/staff/accounts", "/staff/audit", "/staff/outbox", "/staff/password", "/staff/surveys"):
        page.goto(live_server.url + path)
        check_axe(page)
    page.goto(live_server.url + "/staff/accounts/new")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_axe(page)
    page.fill("#name", "Nia Jones")
    page.fill("#email", "nia.jones@anyshire.gov.uk")
    page.check("input[name=role][value=viewer]")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Account created")
    check_axe(page)


def test_survey_builder_pages(live_server: LiveServer, page: Page) -> None:
    email = live_server.make_staff(Role.OFFICER, "browser.officer@anyshire.gov.uk")
    sign_in_by_keyboard(page, live_server.url, email)
    page.goto(live_server.url + "/staff/surveys/new")
    check_axe(page)
    page.fill("input[name=title]", "Browser built survey")
    page.fill("input[name=slug]", "browser-built")
    page.fill("textarea[name=purpose]", "Tell us about your library.")
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    expect(page.locator("h1")).to_have_text("Browser built survey")
    check_axe(page)
    page.goto(live_server.url + "/staff/surveys/browser-built/preview")
    check_axe(page)
    page.goto(live_server.url + "/staff/surveys/browser-built")
    page.get_by_role("link", name="Publish version 1").click()
    expect(page.locator("h1")).to_have_text("Before you publish")
    check_axe(page)
    page.fill("textarea[name=reason]", "A test survey")
    page.get_by_role("button", name="Publish anyway").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is published")
    page.goto(live_server.url + "/s/browser-built")
    expect(page.locator("h1")).to_have_text("Browser built survey")
    check_axe(page)


def test_error_pages(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/no-such-page")
    expect(page.locator("h1")).to_have_text("Page not found")
    check_axe(page)
    email = live_server.make_staff(Role.VIEWER, "browser.viewer@anyshire.gov.uk")
    sign_in_by_keyboard(page, live_server.url, email)
    page.goto(live_server.url + "/staff/accounts")
    expect(page.locator("h1")).to_have_text("You do not have permission to see this page")
    check_axe(page)


def test_expired_form_keeps_the_email(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/staff/sign-in")
    page.evaluate("() => { document.querySelector('input[name=csrf_token]').value = 'tampered'; }")
    page.fill("#email", "kept@anyshire.gov.uk")
    page.fill("#password", "something")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Your form timed out")
    check_axe(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#email")).to_have_value("kept@anyshire.gov.uk")


@pytest.mark.parametrize("path", ["/", "/staff/sign-in", "/privacy"])
def test_no_sideways_scrolling_at_320px(
    live_server: LiveServer, new_context: Callable[..., BrowserContext], path: str
) -> None:
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    page.goto(live_server.url + path)
    no_horizontal_scroll(page)
    check_axe(page)


def test_the_axe_check_fails_a_page_that_breaks_the_rules(page: Page) -> None:
    # The check every browser test relies on must be able to fail: an image without a text
    # alternative and a text box without a label are serious or critical findings, named
    # with where they are.
    page.set_content(
        '<!doctype html><html lang="en-GB"><head><title>Broken</title></head><body><main>'
        '<h1>Broken</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<input type="text" id="unlabelled"></main></body></html>'
    )
    with pytest.raises(AssertionError) as failed:
        check_axe(page)
    assert "image-alt" in str(failed.value) and "label" in str(failed.value)
    assert "#unlabelled" in str(failed.value)
