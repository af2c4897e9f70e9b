"""Officers' pages for a survey in English and Welsh, on a phone with JavaScript off:
the builder's languages, the translation page, the publish checklist, the report's
language split; axe on each, none scrolls sideways."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext

from engage.accounts.models import Role
from tests.browser.conftest import LiveServer, check_axe, no_horizontal_scroll

PHONE = {"width": 375, "height": 800}


def test_translation_pages_on_a_phone_without_javascript(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    slug = live_server.publish_example()
    page = new_context(scripts=False, viewport=PHONE).new_page()
    live_server.sign_in(page, Role.OFFICER, "languages.officer@anyshire.gov.uk")

    page.goto(f"{live_server.url}/staff/surveys/{slug}")
    assert "Complete" in page.locator("#language-cy").inner_text()
    check_axe(page)
    no_horizontal_scroll(page)

    page.goto(f"{live_server.url}/staff/surveys/{slug}/details")
    assert page.locator("input[name=languages][value=cy]").is_checked()
    check_axe(page)
    no_horizontal_scroll(page)

    page.goto(f"{live_server.url}/staff/surveys/{slug}/translations/cy")
    assert "Every text has its Welsh translation" in page.locator("#progress").inner_text()
    check_axe(page)
    no_horizontal_scroll(page)
    # Clear one translation: it is missing, listed and marked, and publishing is refused.
    page.fill("textarea[name='text:questions.visit_frequency.text']", "")
    page.get_by_role("button", name="Save translation").click()
    assert "1 text still needs Welsh" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("#missing li").all_inner_texts() == ["Question 'visit_frequency': question"]
    check_axe(page)
    no_horizontal_scroll(page)

    page.goto(f"{live_server.url}/staff/surveys/{slug}/publish")
    assert "You cannot publish yet" in page.locator("main").inner_text()
    check_axe(page)
    no_horizontal_scroll(page)

    page.goto(f"{live_server.url}/staff/surveys/{slug}/report?language=cy")
    assert page.locator("select#language").input_value() == "cy"
    assert page.locator("#by-language").is_visible()
    check_axe(page)
    no_horizontal_scroll(page)
