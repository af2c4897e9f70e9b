"""An officer's dashboard in a browser: the same figures at desktop and phone width, with
JavaScript on and off; the staff navigation reaches the action plan and kiosks; the
dashboard and the staff responses pages never scroll sideways at 375px. axe checks each."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from engage.accounts.models import Role
from engage.platform import clock
from tests.browser.conftest import LiveServer, check_axe, no_horizontal_scroll
from tests.support.dashboard import NOW, seed

pytestmark = pytest.mark.browser

EMAIL = "dashboard.officer@anyshire.gov.uk"


@pytest.fixture(scope="module")
def dashboard_server(live_server: LiveServer) -> Iterator[LiveServer]:
    clock.set_clock(lambda: NOW)
    try:
        live_server.make_staff(Role.OFFICER, EMAIL)
        seed(live_server.app, EMAIL)
        yield live_server
    finally:
        clock.set_clock(None)


def _figures(page: Page) -> dict[str, str]:
    row = page.locator("tr#survey-mine-open")
    return {
        name: row.locator(f"td[data-figure={name}]").inner_text().split("\n")[0].split(" ")[0]
        for name in ("today", "total", "themes")
    }


@pytest.mark.parametrize("scripts", [True, False], ids=["js", "no-js"])
def test_the_dashboard_at_desktop_and_phone_width(
    dashboard_server: LiveServer, new_context: Callable[..., BrowserContext], scripts: bool
) -> None:
    page = new_context(scripts=scripts, viewport={"width": 1280, "height": 900}).new_page()
    dashboard_server.sign_in(page, Role.OFFICER, EMAIL)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(dashboard_server.url + "/staff/")
        assert _figures(page) == {"today": "2", "total": "5", "themes": "1"}
        expect(page.locator("#closing-soon")).to_contain_text("Mobile library stops closes in 4 days")
        expect(page.locator("#actions-due li")).to_have_count(2)
        expect(page.locator("#said-we-did li")).to_have_count(2)
        expect(page.locator("#waiting-lists")).to_contain_text("2 people on the waiting list")
        check_axe(page)
        if width == 375:
            no_horizontal_scroll(page)
            # The survey table scrolls in its own region, which a keyboard can reach.
            region = page.get_by_role(
                "region", name="Surveys you created table (scrolls sideways on a small screen)"
            )
            expect(region).to_have_attribute("tabindex", "0")
    page.set_viewport_size({"width": 1280, "height": 900})
    if scripts:  # without JavaScript, GOV.UK's navigation is a plain list: the links are there either way
        for name, heading in (("Action plan", "Action plan"), ("Kiosks", "Kiosks")):
            page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True).click()
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    else:
        nav = page.get_by_role("navigation", name="Menu")
        expect(nav.get_by_role("link", name="Action plan", exact=True)).to_have_attribute(
            "href", "/staff/actions"
        )
        expect(nav.get_by_role("link", name="Kiosks", exact=True)).to_have_attribute("href", "/staff/kiosks")


def test_staff_responses_pages_do_not_scroll_sideways_on_a_phone(
    dashboard_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True).new_page()
    dashboard_server.sign_in(page, Role.OFFICER, EMAIL)
    page.goto(dashboard_server.url + "/staff/surveys/mine-open/responses")
    expect(page.get_by_role("heading", level=1)).to_have_text("Responses")
    no_horizontal_scroll(page)
    check_axe(page)
    page.locator("tbody th a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Response ")
    no_horizontal_scroll(page)
    check_axe(page)
    page.goto(dashboard_server.url + "/staff/surveys/mine-open/themes")
    no_horizontal_scroll(page)
    check_axe(page)
