"""The example survey answered wholly in Welsh on a phone with JavaScript off.

Start page, every question type, an error, a switch to English and back part-way (no
answer lost), save and come back later by email (the Welsh email read from the outbox,
its link opened in another browser), check your answers, and the confirmation. axe
checks every page; screenshots go to $ENGAGE_SCREENSHOTS (or are not kept).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from engage.platform.database import db
from engage.platform.models import OutboundEmail
from surveys.models import Response, Survey
from tests.browser.conftest import EXAMPLE, LiveServer, check_axe, no_horizontal_scroll

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
CHECK_CY = "Gwirio eich atebion cyn eu hanfon"
SHOTS = os.environ.get("ENGAGE_SCREENSHOTS", "")
WELSH_DATE = re.compile(
    r" (Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr) 20\d\d"
)
# The widgets' own words: all of them Welsh somewhere on the way, none of them English.
WIDGETS_CY = (
    "Diwrnod",
    "Mis",
    "Blwyddyn",
    "Dewis cyntaf",
    "Cytuno'n gryf",
    "Dewiswch bob un sy'n berthnasol.",
)
WIDGETS_EN = ("Save and continue", "Select all that apply", "First choice", "Strongly agree", "(optional)")


def _welsh_example() -> dict[str, object]:
    data: dict[str, object] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    translations = data.get("translations")
    if not isinstance(translations, dict) or "cy" not in translations:
        pytest.skip("examples/surveys/library-co-design.json has no Welsh translation yet")
    return data


@pytest.fixture(scope="module")
def welsh_server(live_server: LiveServer) -> LiveServer:
    _welsh_example()
    live_server.publish_example()
    return live_server


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _looked_at(page: Page, name: str, lang: str = "cy", texts: list[str] | None = None) -> None:
    """Every page: in the language expected, fits the phone, passes axe."""
    expect(page.locator("html")).to_have_attribute("lang", lang)
    if texts is not None:
        texts.append(page.locator("main").inner_text())
    no_horizontal_scroll(page)
    check_axe(page)
    _shot(page, name)


def _names(page: Page, selector: str) -> list[str]:
    found: list[str] = page.eval_on_selector_all(
        f"main form {selector}", "els => [...new Set(els.map(e => e.name))]"
    )
    return found


def _answer(page: Page) -> None:
    """Answer what the page shows, as a resident choosing the first sensible answer would."""
    for name in _names(page, "input[type=radio]"):
        if not page.locator(f"main input[type=radio][name='{name}']:checked").count():
            page.locator(f"main input[type=radio][name='{name}']").first.check()
    for name in _names(page, "input[type=checkbox]"):
        if not page.locator(f"main input[type=checkbox][name='{name}']:checked").count():
            page.locator(f"main input[type=checkbox][name='{name}']").first.check()
    selects = page.locator("main form select")
    for index in range(selects.count()):
        select = selects.nth(index)
        values = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
        select.select_option(values[index % len(values)])
    for name in _names(page, "textarea"):
        box = page.locator(f"main textarea[name='{name}']")
        if box.is_visible() and not box.input_value():
            box.fill("Oriau agor hirach ar ddydd Sadwrn, os gwelwch yn dda 📚")
    for name in _names(page, "input[type=tel]"):
        page.locator(f"main input[name='{name}']").first.fill("07700 900 982")
    for name in _names(page, "input[type=text], input[type=number], input[type=email], input:not([type])"):
        field = page.locator(f"main input[name='{name}']").first
        if not field.is_visible() or field.input_value():
            continue
        if name.endswith("-day"):
            field.fill("3")
        elif name.endswith("-month"):
            field.fill("4")
        elif name.endswith("-year"):
            field.fill("2025")
        elif field.get_attribute("inputmode") in ("numeric", "decimal"):
            field.fill("2")
        elif field.get_attribute("autocomplete") == "postal-code":
            field.fill("an1 2ab")
        elif field.get_attribute("type") == "email":
            field.fill("preswylydd@example.org")
        else:
            field.fill("Help gyda ffurflenni ar-lein")


def _continue(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Cadw a pharhau").click()


def _resume_email(server: LiveServer) -> OutboundEmail:
    with server.app.app_context():
        message = db().scalar(
            select(OutboundEmail)
            .where(OutboundEmail.purpose == "survey_resume")
            .order_by(OutboundEmail.id.desc())
            .limit(1)
        )
        assert message is not None, "no resume email in the outbox"
        db().expunge(message)
        return message


def _language_of_last_response(server: LiveServer, slug: str) -> str:
    with server.app.app_context():
        survey = db().scalar(select(Survey).where(Survey.slug == slug))
        assert survey is not None
        response = db().scalar(
            select(Response).where(Response.survey_id == survey.id).order_by(Response.id.desc()).limit(1)
        )
        assert response is not None
        return str(response.language)


def test_the_example_survey_wholly_in_welsh_on_a_phone_without_javascript(
    welsh_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    data = _welsh_example()
    welsh = data["translations"]["cy"]  # type: ignore[index]
    slug = str(data["slug"])
    page = new_context(scripts=False, **PHONE).new_page()

    # The start page, asked for in Welsh.
    page.goto(f"{welsh_server.url}/s/{slug}?lang=cy")
    expect(page.locator("h1")).to_have_text(welsh["title"])
    expect(page.locator("nav.engage-language a")).to_have_text("English")
    _looked_at(page, "01-start")
    page.get_by_role("button", name="Dechrau nawr").click()

    # One error, in Welsh: nothing chosen on the first question.
    first_url = page.url
    expect(page.get_by_role("button", name="Cadw a dod yn ôl yn nes ymlaen")).to_be_visible()
    _continue(page)
    expect(page.locator(".govuk-error-summary__title")).to_have_text("Mae problem wedi codi")
    expect(page.locator(".govuk-error-message .govuk-visually-hidden").first).to_have_text("Gwall:")
    assert page.title().startswith("Gwall: ")
    _looked_at(page, "02-error")
    _answer(page)
    chosen = page.locator("main input[type=radio]:checked").first.get_attribute("value")
    _continue(page)

    # Part-way: switch to English and back. The answers are kept, by value.
    second_heading = page.locator("h1").first.inner_text()
    page.locator("nav.engage-language a", has_text="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    _looked_at(page, "03-english", lang="en-GB")
    page.get_by_role("link", name="Back").click()
    assert page.url.split("?")[0] == first_url.split("?")[0]
    expect(page.locator(f"main input[type=radio][value='{chosen}']")).to_be_checked()
    page.locator("nav.engage-language a", has_text="Cymraeg").click()
    expect(page.locator(f"main input[type=radio][value='{chosen}']")).to_be_checked()
    _looked_at(page, "04-back-in-welsh")
    _continue(page)
    expect(page.locator("h1").first).to_have_text(second_heading)

    # Every page, in Welsh, until half-way: then save and come back later by email.
    seen: list[str] = []
    texts: list[str] = []
    while len(seen) < 3:
        heading = page.locator("h1").first.inner_text()
        assert heading != CHECK_CY, "the survey ended before it could be saved part-way"
        seen.append(heading)
        _looked_at(page, f"05-page-{len(seen)}", texts=texts)
        _answer(page)
        _continue(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Cadw a dod yn ôl yn nes ymlaen").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Mae eich atebion wedi'u cadw")
    assert str(page.locator("#resume-link").get_attribute("href")).endswith("?lang=cy")
    page.get_by_label("Cyfeiriad e-bost").fill("preswylydd@example.org")
    _looked_at(page, "06-saved")
    with page.expect_navigation():
        page.get_by_role("button", name="Anfon dolen").click()
    expect(page.locator("#email-sent")).to_contain_text("preswylydd@example.org")
    _looked_at(page, "07-emailed")

    # The email is in Welsh, and its link opens the survey in Welsh in another browser.
    message = _resume_email(welsh_server)
    assert message.subject == f"Parhau â'ch atebion i {welsh['title']}"
    assert 'lang="cy"' in message.html_body
    assert "Neu ewch i" in message.text_body and "a rhowch y cod hwn:" in message.text_body
    assert WELSH_DATE.search(message.text_body), "the deletion date is written in Welsh"
    link = next(line for line in message.text_body.splitlines() if "/resume/" in line).strip()
    assert link.endswith("?lang=cy")
    resumed = new_context(scripts=False, **PHONE).new_page()
    # The email's links are built from ENGAGE_BASE_URL: the same path, on the test's server.
    resumed.goto(welsh_server.url + link[link.index("/s/") :])
    expect(resumed.locator("html")).to_have_attribute("lang", "cy")
    _looked_at(resumed, "08-resumed")

    # The rest of the survey, then check your answers, send, and the confirmation.
    while resumed.locator("h1").first.inner_text() != CHECK_CY:
        heading = resumed.locator("h1").first.inner_text()
        seen.append(heading)
        assert seen.count(heading) < 3, resumed.locator(".govuk-error-summary").all_inner_texts()
        _looked_at(resumed, f"09-page-{len(seen)}", texts=texts)
        _answer(resumed)
        _continue(resumed)
    change = resumed.locator(".govuk-summary-list__actions a").first
    expect(change).to_contain_text("Newid")
    _looked_at(resumed, "10-check")
    with resumed.expect_navigation():
        resumed.get_by_role("button", name="Anfon atebion").click()
    expect(resumed.locator(".govuk-panel__title")).to_have_text("Atebion wedi'u hanfon")
    _looked_at(resumed, "11-sent")
    assert _language_of_last_response(welsh_server, slug) == "cy"
    shown = "\n".join(texts)
    assert [word for word in WIDGETS_CY if word not in shown] == []
    assert [word for word in WIDGETS_EN if word in shown] == []
