"""A new forum member's whole life on a phone-width browser, and the officer's view of it.

Register, confirm by the link in the demo outbox, see and download their data,
withdraw; an officer sees them appear and disappear. axe checks every page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from engage.accounts.models import Role
from engage.forums.models import Forum
from engage.platform import clock
from engage.platform.database import db
from engage.platform.models import OutboundEmail
from tests.browser.conftest import LiveServer, check_axe, no_horizontal_scroll
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def forum_server(live_server: LiveServer) -> LiveServer:
    with live_server.app.app_context():
        if db().scalar(select(Forum).where(Forum.slug == "browser-forum")) is None:
            db().add(
                Forum(
                    slug="browser-forum",
                    name="External Cultural Forum",
                    purpose="Partners help shape library services.",
                    localities=["Northbrook", "River Mill"],
                    interests=["culture-creativity", "digital-inclusion"],
                    capacity=None,
                    opens_on=date(2026, 1, 1),
                    closes_on=None,
                    created_at=clock.now(),
                )
            )
            db().commit()
    return live_server


def latest_link(server: LiveServer, purpose: str, path: str) -> str:
    with server.app.app_context():
        message = db().scalar(
            select(OutboundEmail).where(OutboundEmail.purpose == purpose).order_by(OutboundEmail.id.desc())
        )
        assert message is not None, f"no {purpose} email in the outbox"
        match = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", message.text_body)
        assert match
        return server.url + match.group(1)


def visit(page: Page) -> None:
    check_axe(page)
    no_horizontal_scroll(page)


def officer_sees(page: Page, url: str, name: str, present: bool) -> None:
    page.goto(url + "/staff/forums/browser-forum/members")
    check_axe(page)
    if present:
        expect(page.locator("main")).to_contain_text(name)
    else:
        expect(page.locator("main")).not_to_contain_text(name)


def test_register_confirm_download_and_withdraw_on_a_phone(
    forum_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    url = forum_server.url
    officer = new_context().new_page()
    email = forum_server.make_staff(Role.OFFICER, "forum.officer@anyshire.gov.uk")
    officer.goto(url + "/staff/sign-in")
    officer.fill("#email", email)
    officer.fill("#password", PASSWORD)
    officer.get_by_role("button", name="Sign in").click()
    expect(officer.locator("h1")).to_have_text("Dashboard")

    page = new_context(**PHONE, accept_downloads=True).new_page()
    page.goto(url + "/forums")
    visit(page)
    page.get_by_role("link", name="External Cultural Forum").click()
    visit(page)
    page.get_by_role("button", name="Register your interest").click()
    visit(page)

    # First an error: nothing ticked, nothing lost.
    page.fill("#name", "Grace Adeyemi")
    page.fill("#email", "grace@example.org")
    page.get_by_role("button", name="Register interest").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the type of organisation")
    assert page.title().startswith("Error: ")
    visit(page)
    expect(page.locator("#name")).to_have_value("Grace Adeyemi")

    page.get_by_label("Community or voluntary group").check()
    page.get_by_label("River Mill").check()
    page.get_by_label("Digital inclusion").check()
    page.fill("#organisation", "River Mill Digital Buddies")
    page.locator("input[name=purposes][value=membership]").check()
    page.get_by_role("button", name="Register interest").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    visit(page)
    officer_sees(officer, url, "Grace Adeyemi", present=False)  # not active until confirmed

    page.goto(latest_link(forum_server, "forum_confirm", "/forums/confirm/"))
    visit(page)
    page.get_by_role("button", name="Confirm and join").click()
    expect(page.locator("h1")).to_have_text("Your forum membership")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You are now a member")
    visit(page)
    officer_sees(officer, url, "Grace Adeyemi", present=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as JSON").click()
    held = json.loads(download_info.value.path().read_text(encoding="utf-8"))
    assert held["name"] == "Grace Adeyemi" and held["organisation"] == "River Mill Digital Buddies"

    # A new email address waits for the link sent to it.
    page.get_by_role("button", name="Change your details").click()
    visit(page)
    page.fill("#email", "grace.adeyemi@example.net")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("We have sent a link to grace.adeyemi")
    expect(page.locator("main")).to_contain_text("Changing to grace.adeyemi@example.net")
    visit(page)
    page.goto(latest_link(forum_server, "forum_email_change", "/forums/change-email/"))
    visit(page)
    page.get_by_role("button", name="Use this email address").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your email address is now grace.adeyemi@example.net"
    )
    visit(page)
    page.get_by_role("link", name="Withdraw your consent, leave the forum and delete your details").click()
    visit(page)
    page.get_by_role("button", name="Leave and delete my details").click()
    expect(page.locator("h1")).to_have_text("You have left the forum")
    visit(page)
    officer_sees(officer, url, "Grace Adeyemi", present=False)


def test_lost_link_and_unsubscribe_pages(
    forum_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(**PHONE).new_page()
    page.goto(forum_server.url + "/forums/manage")
    visit(page)
    page.get_by_role("button", name="Send link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    visit(page)
    page.fill("#email", "someone@example.org")
    page.get_by_role("button", name="Send link").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    visit(page)
    page.goto(forum_server.url + "/forums/manage/not-a-real-token")
    expect(page.locator("h1")).to_have_text("That link has expired")
    visit(page)


def test_officer_forum_pages(forum_server: LiveServer, new_context: Callable[..., BrowserContext]) -> None:
    email = forum_server.make_staff(Role.OFFICER, "forum.pages@anyshire.gov.uk")
    page = new_context().new_page()
    page.goto(forum_server.url + "/staff/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Dashboard")
    for path in ("", "/browser-forum", "/new", "/browser-forum/edit", "/browser-forum/email",
                 "/browser-forum/meetings/new", "/consent", "/browser-forum/members"):  # fmt: skip
        page.goto(forum_server.url + "/staff/forums" + path)
        check_axe(page)
    page.goto(forum_server.url + "/staff/forums/new")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the forum's name")
    check_axe(page)
