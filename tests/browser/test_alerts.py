"""An officer turns on the daily digest in a browser (at 375px with JavaScript off, and at
desktop width with it on), the alerts run, and the digest is on the staff Outbox page with
its unsubscribe link's secret hidden. axe checks each page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from engage.accounts.models import Role
from engage.alerts.services import send_alerts
from engage.platform import clock
from engage.platform.database import db
from surveys import services
from surveys.models import Survey
from tests.browser.conftest import LiveServer, check_axe, no_horizontal_scroll
from tests.support.dashboard import NOW, seed

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def alerts_server(live_server: LiveServer) -> Iterator[LiveServer]:
    clock.set_clock(lambda: NOW)
    try:
        seed(live_server.app, "alerts.seed@anyshire.gov.uk")
        yield live_server
    finally:
        clock.set_clock(None)


def _respond(server: LiveServer) -> None:
    """A response to "Mobile library stops" two hours after the digest was chosen."""
    with server.app.app_context():
        survey = db().scalar(select(Survey).where(Survey.slug == "mine-open"))
        assert survey is not None and survey.published is not None
        when = NOW + timedelta(hours=2)
        started = services.start_response(db(), survey.published, when)
        services.submit(db(), started.response, services.definition_of(survey.published), when)
        db().commit()


def _check(page: Page, width: int) -> None:
    check_axe(page)
    if width == 375:
        no_horizontal_scroll(page)


def _menu_link(page: Page, name: str, scripts: bool, width: int) -> None:
    """Follow a staff navigation link (behind the "Menu" button on a phone with JavaScript)."""
    nav = page.get_by_role("navigation", name="Menu")
    if scripts and width == 375:
        page.get_by_role("button", name="Menu").click()
    nav.get_by_role("link", name=name, exact=True).click()


@pytest.mark.parametrize(
    ("scripts", "width"), [(False, 375), (True, 1280)], ids=["phone-no-js", "desktop-js"]
)
def test_an_officer_turns_on_the_digest_and_finds_it_in_the_outbox(
    alerts_server: LiveServer, new_context: Callable[..., BrowserContext], scripts: bool, width: int
) -> None:
    email = f"digest.{'js' if scripts else 'nojs'}@anyshire.gov.uk"
    page = new_context(scripts=scripts, viewport={"width": width, "height": 900}).new_page()
    alerts_server.sign_in(page, Role.OFFICER, email)

    _menu_link(page, "Email alerts", scripts, width)
    expect(page.get_by_role("heading", level=1)).to_have_text("Email alerts")
    digest = page.get_by_role("checkbox", name="A daily digest of new responses")
    expect(digest).not_to_be_checked()
    _check(page, width)
    digest.check()
    page.get_by_role("button", name="Save email alerts").click()
    expect(page.get_by_text("Your email alerts have been saved.")).to_be_visible()
    expect(page.get_by_role("checkbox", name="A daily digest of new responses")).to_be_checked()
    expect(page.get_by_role("checkbox", name="An action is due")).not_to_be_checked()
    _check(page, width)

    # The hourly run, the next morning: a response came in after the digest was chosen.
    _respond(alerts_server)
    with alerts_server.app.app_context():
        queued = send_alerts(db(), NOW + timedelta(days=1))
        assert [m.to_address for m in queued if m.purpose == "staff_alert_digest"].count(email) == 1
        assert send_alerts(db(), NOW + timedelta(days=1, hours=1)) == []

    _menu_link(page, "Outbox", scripts, width)
    expect(page.get_by_role("heading", level=1)).to_have_text("Email outbox")
    row = page.locator("tbody tr", has_text=email)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("New responses:")
    expect(row).to_contain_text("Outbox")
    _check(page, width)
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("New responses:")
    main = page.locator("main")
    expect(main).to_contain_text("Mobile library stops:")
    expect(main).to_contain_text("/staff/surveys/mine-open/responses")
    # Staff reading the outbox cannot use the officer's unsubscribe link.
    expect(main).to_contain_text("/staff/email-alerts/stop/[hidden]")
    _check(page, width)
