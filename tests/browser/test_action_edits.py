"""An officer edits a published action: a refused edit keeps what was typed, the saved one
joins the action's history, and a resident on a phone with JavaScript off sees the new
title on "You said, we did". axe checks each page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from engage.accounts import services as accounts
from engage.accounts.models import Role
from engage.actions import services as actions
from engage.actions.models import ActionStatus
from engage.platform import clock
from engage.platform.database import db
from engage.themes import services as themes
from surveys import services as surveys
from tests.browser.conftest import LiveServer, check_axe, no_horizontal_scroll
from tests.support.themes import SLUG, add_responses, corpus

pytestmark = pytest.mark.browser

OFFICER = "edit.officer@anyshire.gov.uk"


@pytest.fixture(scope="module")
def published(live_server: LiveServer) -> LiveServer:
    """The example survey themed, one action answering a theme, and the page published."""
    live_server.publish_example()
    add_responses(live_server.app, corpus())
    live_server.make_staff(Role.OFFICER, OFFICER)
    with live_server.app.app_context():
        session, now = db(), clock.now()
        survey = surveys.get_survey(session, SLUG)
        assert survey is not None
        officer = accounts.find_by_email(session, OFFICER)
        analysis = themes.request(session, survey, "one_change", None, now)
        session.commit()
        themes.run(analysis.id)
        session.refresh(analysis)
        priority = actions.add_priority(session, "Opening hours", "", now, officer)
        action = actions.add_action(
            session,
            actions.NewAction(priority_id=str(priority.id), title="Evening opening pilot", timescale="pilot"),
            now,
            officer,
        )
        actions.link(session, action, f"{analysis.id}:{analysis.snapshot.themes[0].id}", now, officer)
        actions.change_status(session, action, ActionStatus.AGREED, "", now, officer)
        actions.save_publication(session, survey, "Thank you.", True, now, officer, open_reason="Interim")
        session.commit()
    return live_server


def test_an_officer_edits_an_action_and_residents_see_it(
    new_context: Callable[..., BrowserContext], published: LiveServer
) -> None:
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    published.sign_in(page, Role.OFFICER, OFFICER)
    page.goto(published.url + "/staff/actions")
    page.get_by_role("link", name="Evening opening pilot").click()
    expect(page.locator(".govuk-summary-list")).not_to_contain_text("None")
    page.get_by_role("button", name="Edit this action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit this action")
    expect(page.get_by_label("Action", exact=True)).to_have_value("Evening opening pilot")
    check_axe(page)
    page.get_by_label("Action", exact=True).fill("")
    page.get_by_label("Description (optional)").fill("Open until 8pm on Thursdays.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what the action is")
    expect(page.get_by_label("Description (optional)")).to_have_value("Open until 8pm on Thursdays.")
    check_axe(page)
    page.get_by_label("Action", exact=True).fill("Late opening pilot")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved your changes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Late opening pilot")
    expect(page.locator("#history li").first).to_contain_text(
        "Tester changed the title from 'Evening opening pilot' to 'Late opening pilot' "
        "and added a description"
    )
    check_axe(page)
    page.set_viewport_size({"width": 375, "height": 800})
    no_horizontal_scroll(page)

    phone = new_context(viewport={"width": 375, "height": 740}, scripts=False).new_page()
    phone.goto(published.url + f"/you-said-we-did/{SLUG}")
    expect(phone.get_by_role("heading", name="Late opening pilot")).to_be_visible()
    expect(phone.locator("main")).to_contain_text("Open until 8pm on Thursdays.")
    expect(phone.locator("main")).not_to_contain_text("Evening opening pilot")
    expect(phone.locator("main")).not_to_contain_text(re.compile(r"\bNone\b"))
    check_axe(phone)
    no_horizontal_scroll(phone)
