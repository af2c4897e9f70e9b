"""A resident on a phone asks to hear what happened, confirms from the email, later stops the
emails; an officer publishes and the resident's news email goes out. axe on every page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect
from sqlalchemy import select

from engage.accounts.models import Role
from engage.platform import clock
from engage.platform.database import db
from engage.platform.models import OutboundEmail
from surveys import services
from tests.browser.conftest import LiveServer, check_axe, no_horizontal_scroll

pytestmark = pytest.mark.browser

SURVEY = {
    "schema_version": 1,
    "slug": "tell-me-test",
    "title": "Reading in Riverside",
    "purpose": "We want to know what would help you read more.",
    "pages": [
        {
            "id": "idea",
            "title": "Your idea",
            "questions": [
                {"id": "idea", "type": "long_text", "text": "What one thing would help you read more?"}
            ],
        }
    ],
}


def latest(live: LiveServer, purpose: str) -> OutboundEmail:
    with live.app.app_context():
        message = (
            db()
            .scalars(
                select(OutboundEmail)
                .where(OutboundEmail.purpose == purpose)
                .order_by(OutboundEmail.id.desc())
            )
            .first()
        )
        assert message is not None
        db().expunge(message)
        return message


def link_in(live: LiveServer, message: OutboundEmail, path: str) -> str:
    """The link as sent, moved to the test server (background emails use ENGAGE_BASE_URL)."""
    found = re.search(rf"http://[^/\s]+({path}[^\s]+)", message.text_body)
    assert found is not None, message.text_body
    return live.url + found.group(1)


def test_a_resident_asks_confirms_hears_and_stops(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    with live_server.app.app_context():
        if services.get_survey(db(), SURVEY["slug"]) is None:  # type: ignore[arg-type]
            version = services.save_definition(db(), SURVEY, clock.now())
            services.publish(db(), version.survey, clock.now())
            db().commit()
    phone = new_context(viewport={"width": 375, "height": 740}).new_page()
    phone.goto(live_server.url + "/s/tell-me-test")
    phone.get_by_role("button", name="Start now").click()
    phone.get_by_label("What one thing would help you read more?").fill(
        "Large print books at the mobile library"
    )
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_role("button", name=re.compile("^(Accept and send|Send)")).click()
    expect(phone.get_by_role("heading", name="Tell me what happened")).to_be_visible()
    no_horizontal_scroll(phone)
    check_axe(phone)
    phone.get_by_role("button", name="Email me what happens").click()
    expect(phone.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    check_axe(phone)
    phone.get_by_label("Email address", exact=True).fill("reader@example.org")
    phone.get_by_role("checkbox").check()
    phone.get_by_role("button", name="Email me what happens").click()
    expect(phone.locator("#hear-back-sent")).to_contain_text("reader@example.org")
    check_axe(phone)

    phone.goto(link_in(live_server, latest(live_server, "follow_up_confirm"), "/hear-back/confirm/"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Confirm you want to hear what happens")
    check_axe(phone)
    phone.get_by_role("button", name="Yes, email me what happens").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("You will hear what happens")
    check_axe(phone)

    officer = new_context(viewport={"width": 1280, "height": 900}).new_page()
    live_server.sign_in(officer, Role.OFFICER, "follow.officer@anyshire.gov.uk")
    officer.goto(live_server.url + "/staff/surveys/tell-me-test/you-said-we-did")
    expect(officer.locator("#waiting")).to_contain_text("1 resident asked to hear what happened")
    check_axe(officer)
    officer.get_by_label("Why are you publishing before the survey closes?").fill("An interim update")
    officer.get_by_role("button", name="Publish", exact=True).click()
    news = latest(live_server, "follow_up_published")
    assert news.to_address == "reader@example.org"

    phone.goto(link_in(live_server, news, "/you-said-we-did/"))
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Reading in Riverside")
    phone.goto(link_in(live_server, news, "/hear-back/stop/"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Stop emails about this survey")
    check_axe(phone)
    phone.get_by_role("button", name="Stop emails").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("You will not get any more emails")
    check_axe(phone)
    phone.goto(link_in(live_server, news, "/hear-back/stop/"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("That link has expired")
    check_axe(phone)
