"""An officer tries a draft survey (routing, check your answers, the confirmation; nothing
stored), then the publishing checklist refuses until they say why, and publishes. Phone and
desktop, JavaScript on and off; axe on every page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect
from sqlalchemy import func, select

from engage.accounts.models import Role
from engage.platform import clock
from engage.platform.database import db
from surveys import services
from surveys.models import Response
from tests.browser.conftest import LiveServer, check_axe, no_horizontal_scroll

pytestmark = pytest.mark.browser


def _draft(slug: str) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "slug": slug,
        "title": "Mobile library stops",
        "purpose": "Where should the mobile library stop?",
        "pages": [
            {
                "id": "use",
                "title": "Using the mobile library",
                "questions": [
                    {
                        "id": "uses",
                        "type": "single_choice",
                        "text": "Do you use the mobile library?",
                        "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
                    }
                ],
            },
            {
                "id": "why_not",
                "title": "Why not",
                "show_if": {"question": "uses", "any_of": ["no"]},
                "questions": [{"id": "reason", "type": "long_text", "text": "What stops you?"}],
            },
        ],
    }


@pytest.mark.parametrize(("scripts", "width"), [(True, 1280), (False, 375)])
def test_try_a_draft_then_publish_through_the_checklist(
    live_server: LiveServer, new_context: Callable[..., BrowserContext], scripts: bool, width: int
) -> None:
    slug = f"mobile-{width}"
    with live_server.app.app_context():
        services.save_definition(db(), _draft(slug), clock.now())
        db().commit()
    page = new_context(scripts=scripts, viewport={"width": width, "height": 900}).new_page()
    live_server.sign_in(page, Role.OFFICER, "publisher@anyshire.gov.uk")
    page.goto(f"{live_server.url}/staff/surveys/{slug}")
    page.get_by_role("link", name="Try it out").click()
    expect(page.locator(".govuk-phase-banner")).to_contain_text("Nothing you enter is kept or counted.")
    check_axe(page)
    # The real checks: nothing chosen is an error, as for residents.
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select")
    check_axe(page)
    page.get_by_label("No").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("h1, legend, label.govuk-label--l").first).to_contain_text("What stops you?")
    page.locator("textarea[name=reason]").fill("It never comes to our village")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("h1")).to_have_text("Check your answers before sending them")
    expect(page.get_by_text("It never comes to our village")).to_be_visible()
    check_axe(page)
    no_horizontal_scroll(page)
    page.get_by_role("button", name="Send answers").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Answers sent")
    expect(page.get_by_text("nothing was sent")).to_be_visible()
    check_axe(page)
    with live_server.app.app_context():
        assert db().scalar(select(func.count()).select_from(Response)) == 0

    page.get_by_role("link", name="Go to the publishing checklist").click()
    expect(page.locator("h1")).to_have_text("Before you publish")
    expect(page.locator(".govuk-task-list__item").last).to_contain_text("Someone has tried it")
    check_axe(page)
    no_horizontal_scroll(page)
    page.get_by_role("button", name="Publish anyway").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why you are publishing")
    check_axe(page)
    page.locator("textarea[name=reason]").fill("A pilot for two weeks; dates to follow")
    page.get_by_role("button", name="Publish anyway").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is published")
    page.goto(f"{live_server.url}/s/{slug}")
    expect(page.locator("h1")).to_have_text("Mobile library stops")
