"""The kiosk in Welsh, in a browser at phone width: a resident chooses Cymraeg on the attract
screen, meets a Welsh error, answers the example survey in Welsh and sends it; the tablet is
back in English for the next person. With the network cut, the offline runner's messages and
the "temporarily unavailable" page are Welsh too. axe checks every page.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from engage.accounts.models import Role
from engage.platform import clock
from engage.platform.config import PROJECT_ROOT
from engage.platform.database import db
from surveys import services
from surveys.definition import SurveyDefinition, parse
from surveys.models import Response
from tests.browser.conftest import (
    LiveServer,
    answer_kiosk_page,
    check_axe,
    kiosk_heading,
    no_horizontal_scroll,
)

pytestmark = pytest.mark.browser

EXAMPLE = PROJECT_ROOT / "examples" / "surveys" / "library-co-design.json"
PHONE = {"viewport": {"width": 375, "height": 812}, "has_touch": True}
# Set KIOSK_SHOTS to a path prefix to keep a screenshot of each screen (to look at them).
SHOTS = os.environ.get("KIOSK_SHOTS", "")
EN_H1 = "Have your say about Northgate Central Library"
CY_H1 = "Dweud eich dweud am Northgate Central Library"


@pytest.fixture(scope="module")
def welsh_server(live_server: LiveServer) -> tuple[LiveServer, SurveyDefinition]:
    """The example survey published with its Welsh (a stand-in Welsh if it has none yet)."""
    definition = parse(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    if "cy" not in definition.languages:
        definition = definition.with_translation(
            "cy", {field.key: f"{field.text} (yn Gymraeg)" for field in definition.text_fields()}
        )
    with live_server.app.app_context():
        version = services.save_definition(db(), definition.to_data(), clock.now())
        services.publish(db(), version.survey, clock.now())
        db().commit()
    return live_server, definition.localised("cy")


def kiosk_responses(server: LiveServer) -> list[str]:
    with server.app.app_context():
        return list(db().scalars(select(Response.status).where(Response.channel == "kiosk")))


def enrol_a_tablet(staff: Page, tablet: Page, server: LiveServer) -> None:
    server.sign_in(staff, Role.BRANCH_STAFF, "branch.welsh@example.gov.uk")
    staff.goto(server.url + "/staff/kiosks/new")
    staff.get_by_label("Name", exact=True).fill("Welsh tablet")
    staff.get_by_label("Branch").select_option("northgate-central")
    staff.get_by_label("Start again after this long without a touch").fill("30")
    staff.get_by_role("button", name="Add kiosk").click()
    code = staff.locator("#enrol-code").inner_text().strip()
    tablet.goto(server.url + "/kiosk/enrol")
    tablet.get_by_label("Set up this tablet as a kiosk").fill(code)
    tablet.get_by_role("button", name="Set up kiosk").click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text(EN_H1)


def wait_until_cached(tablet: Page) -> None:
    """The service worker keeps the runner, bundle, messages and offline page in both languages."""
    tablet.wait_for_function(
        """async () => {
            await navigator.serviceWorker.ready;
            const cache = await caches.open('engage-kiosk-v3');
            const keys = ['/kiosk'];
            for (const lang of ['en', 'cy']) {
                keys.push(`/kiosk?lang=${lang}`, `/kiosk/offline?lang=${lang}`,
                          `/kiosk/messages.json?lang=${lang}`,
                          `/kiosk/run/library-co-design?lang=${lang}`,
                          `/kiosk/run/library-co-design/bundle.json?lang=${lang}`);
            }
            for (const key of keys) {
                if (!(await cache.match(key))) return false;
            }
            return true;
        }""",
        polling=250,
    )


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}-{name}.png", full_page=True)


def page_language(tablet: Page) -> str:
    return str(tablet.evaluate("() => document.documentElement.lang"))


def answer_page(tablet: Page) -> None:
    answer_kiosk_page(
        tablet, comment="Mwy o oriau agor gyda'r nos, os gwelwch yn dda 📚", button="Cadw a pharhau"
    )


def a_welsh_error(tablet: Page, welsh: SurveyDefinition) -> None:
    """Save and continue with nothing chosen: the Welsh error summary and message."""
    question = welsh.question("visit_frequency")
    assert question is not None and question.error
    tablet.get_by_role("button", name="Cadw a pharhau").click()
    summary = tablet.locator("#runner-errors")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Mae problem wedi codi")
    expect(summary.get_by_role("link", name=question.error)).to_be_visible()
    assert tablet.title().startswith("Gwall: ")


def answer_in_welsh(tablet: Page, welsh: SurveyDefinition, *, axe: bool, shots: str = "") -> None:
    tablet.get_by_role("button", name=re.compile(re.escape(welsh.title[:20]))).click()
    expect(tablet.locator("#runner-form")).to_be_visible()
    assert page_language(tablet) == "cy"
    a_welsh_error(tablet, welsh)
    if axe:
        check_axe(tablet)
    if shots:
        shot(tablet, f"{shots}-error")
    for number in range(15):
        if kiosk_heading(tablet) == "Gwirio eich atebion cyn eu hanfon":
            break
        if axe:
            check_axe(tablet)
            no_horizontal_scroll(tablet)
        answer_page(tablet)
        if shots and number == 2:
            shot(tablet, f"{shots}-page")
    assert kiosk_heading(tablet) == "Gwirio eich atebion cyn eu hanfon"
    expect(tablet.get_by_role("button", name="Anfon atebion")).to_be_visible()
    if axe:
        check_axe(tablet)
    if shots:
        shot(tablet, f"{shots}-check")
    tablet.get_by_role("button", name="Anfon atebion").click()


def test_a_welsh_resident_on_a_kiosk(
    new_context: Callable[..., BrowserContext], welsh_server: tuple[LiveServer, SurveyDefinition]
) -> None:
    server, welsh = welsh_server
    staff = new_context(viewport={"width": 1280, "height": 900}).new_page()
    context = new_context(**PHONE)
    tablet = context.new_page()
    tablet.clock.install()
    enrol_a_tablet(staff, tablet, server)
    wait_until_cached(tablet)

    # The attract screen offers English and Cymraeg as big buttons.
    check_axe(tablet)
    shot(tablet, "attract-en")
    cymraeg = tablet.get_by_role("button", name="Cymraeg")
    box = cymraeg.bounding_box()
    assert box is not None and box["height"] >= 48
    cymraeg.click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text(CY_H1)
    assert page_language(tablet) == "cy"
    check_axe(tablet)
    no_horizontal_scroll(tablet)
    shot(tablet, "attract-cy")
    tablet.set_viewport_size({"width": 320, "height": 640})  # the narrowest phone
    no_horizontal_scroll(tablet)
    tablet.set_viewport_size({"width": 375, "height": 812})

    # A resident answers in Welsh (an error on the way) and sends.
    answer_in_welsh(tablet, welsh, axe=True, shots="online")
    expect(tablet.get_by_role("heading", name="Atebion wedi'u hanfon")).to_be_visible()
    expect(tablet.locator(".govuk-panel__body")).to_contain_text("Eich cyfeirnod")
    check_axe(tablet)
    shot(tablet, "sent")
    assert kiosk_responses(server) == ["submitted"]
    # Finish: the next person starts in the kiosk's default language, English.
    tablet.get_by_role("button", name="Gorffen").click()
    expect(tablet.locator("#ready")).to_be_visible()
    assert page_language(tablet) == "en-GB"
    expect(tablet.get_by_role("heading", level=1)).to_have_text(EN_H1)

    # Someone chooses Cymraeg and walks away: the warning is Welsh, then the tablet is English.
    tablet.get_by_role("button", name="Cymraeg").click()
    tablet.get_by_role("button", name=re.compile(re.escape(welsh.title[:20]))).click()
    expect(tablet.locator("#runner-form")).to_be_visible()
    tablet.clock.run_for(11_000)
    warning = tablet.get_by_role("alertdialog", name="Ydych chi'n dal yno?")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Bydd y llechen hon yn clirio eich atebion ac yn dechrau eto ymhen")
    expect(warning.get_by_role("button", name="Ydw, rydw i'n dal yma")).to_be_visible()
    check_axe(tablet)
    shot(tablet, "still-there")
    tablet.clock.run_for(21_000)
    expect(tablet.locator("#ready")).to_be_visible()
    assert page_language(tablet) == "en-GB"

    # The network drops: the cached runner still speaks Welsh, with the server's own messages.
    tablet.get_by_role("button", name="Cymraeg").click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text(CY_H1)
    context.set_offline(True)
    answer_in_welsh(tablet, welsh, axe=False, shots="offline")
    expect(tablet.get_by_role("heading", name="Atebion wedi'u cadw")).to_be_visible()
    expect(tablet.locator("#runner-queued")).to_contain_text("Nid yw'r llechen hon yn gallu cysylltu")
    check_axe(tablet)
    shot(tablet, "saved-offline")
    tablet.get_by_role("button", name="Gorffen").click()
    # Cleared offline too: the attract screen the worker keeps in the default language.
    expect(tablet.get_by_role("heading", level=1)).to_have_text(EN_H1)
    assert page_language(tablet) == "en-GB"
    expect(tablet.locator("#kiosk-queue")).to_have_text("1 set of answers is waiting to be sent.")
    tablet.get_by_role("button", name="Cymraeg").click()
    expect(tablet.locator("#kiosk-queue")).to_have_text("Mae 1 set o atebion yn aros i gael eu hanfon.")
    # A page the tablet does not keep: "temporarily unavailable", in Welsh.
    tablet.goto(server.url + "/s/library-co-design?lang=cy")
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Nid yw'r llechen hon ar gael dros dro")
    assert page_language(tablet) == "cy"
    check_axe(tablet)
    shot(tablet, "unavailable")
    tablet.get_by_role("link", name="Mynd yn ôl i'r dechrau").click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text(CY_H1)
    expect(tablet.locator("#kiosk-queue")).to_have_text("Mae 1 set o atebion yn aros i gael eu hanfon.")

    # Back online: the Welsh response is sent once.
    context.set_offline(False)
    expect(tablet.locator("#kiosk-queue")).to_be_hidden(timeout=15_000)
    assert kiosk_responses(server) == ["submitted", "submitted"]
    with server.app.app_context():
        languages = db().scalars(select(Response.language).where(Response.channel == "kiosk")).all()
    assert languages == ["cy", "cy"]
