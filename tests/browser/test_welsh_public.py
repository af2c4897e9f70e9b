"""A resident finds their way round the public site in Welsh on a phone (375 px), with
JavaScript off and on: the home page, the language toggle, the consultations and a filter,
a consultation, "You said, we did", the forums and a registration with one mistake. axe
checks every page; none scrolls sideways; screenshots go to $ENGAGE_SCREENSHOTS (a folder),
for a person to look at, when it is set."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from engage.actions.models import Publication
from engage.forums.models import Forum
from engage.platform import clock
from engage.platform.database import db
from engage.platform.models import OutboundEmail
from surveys import services
from tests.browser.conftest import LiveServer, check_axe, no_horizontal_scroll

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def _survey(slug: str, title: str, purpose: str, **extra: Any) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "slug": slug,
        "title": title,
        "purpose": purpose,
        "localities": [
            {"code": "northgate", "name": "Northgate"},
            {"code": "riverside", "name": "Riverside"},
        ],
        "topics": ["Opening hours"],
        "duration_minutes": 3,
        "pages": [
            {
                "id": "views",
                "title": "Your views",
                "questions": [
                    {"id": "idea", "type": "long_text", "text": "What would you change?", "required": False}
                ],
            }
        ],
        **extra,
    }


BILINGUAL = _survey(
    "welsh-hours",
    "Library opening hours",
    "Tell us when you would use the library.",
    translations={
        "cy": {
            "title": "Oriau agor y llyfrgell",
            "purpose": "Dywedwch wrthym pryd y byddech yn defnyddio'r llyfrgell.",
            "topics": ["Oriau agor"],
            "localities": {"northgate": "Northgate", "riverside": "Glan yr Afon"},
            "pages": {"views": {"title": "Eich barn"}},
            "questions": {"idea": {"text": "Beth fyddech chi'n ei newid?"}},
        }
    },
)
ENGLISH_ONLY = _survey("archive-plans", "Archive plans", "Tell us about the archive.", localities=[])


@pytest.fixture(scope="module")
def welsh_site(live_server: LiveServer) -> LiveServer:
    with live_server.app.app_context():
        session, now = db(), clock.now()
        for data in (BILINGUAL, ENGLISH_ONLY):
            if services.get_survey(session, data["slug"]) is None:
                version = services.save_definition(session, data, now)
                services.publish(session, version.survey, now)
                session.flush()
                if data is BILINGUAL:
                    session.add(
                        Publication(survey_id=version.survey.id, intro="", published_at=now, updated_at=now)
                    )
        if session.scalar(select(Forum).where(Forum.slug == "welsh-forum")) is None:
            session.add(
                Forum(
                    slug="welsh-forum",
                    name="Fforwm Diwylliant",
                    purpose="Partneriaid yn helpu i lunio gwasanaethau llyfrgell.",
                    localities=["Northgate", "Riverside"],
                    interests=["culture-creativity", "digital-inclusion"],
                    capacity=None,
                    opens_on=date(2026, 1, 1),
                    closes_on=None,
                    created_at=now,
                )
            )
        session.commit()
    return live_server


def look(page: Page, name: str, scripts: bool) -> None:
    """axe, no sideways scrolling, the page in Welsh, and a screenshot to look at."""
    check_axe(page)
    no_horizontal_scroll(page)
    assert page.locator("html").get_attribute("lang") == "cy", page.url
    folder = os.environ.get("ENGAGE_SCREENSHOTS")
    if folder:
        shot = Path(folder) / f"welsh-public-{'js' if scripts else 'nojs'}-{name}.png"
        page.screenshot(path=str(shot), full_page=True)


def go_to(page: Page, name: str) -> None:
    """Follow a link in the header's navigation; with JavaScript on, a phone shows it behind
    the "Dewislen" (menu) button first."""
    toggle = page.locator(".govuk-service-navigation__toggle")
    if toggle.is_visible():
        expect(toggle).to_have_text("Dewislen")
        toggle.click()
    page.locator(".govuk-service-navigation").get_by_role("link", name=name).click()


@pytest.mark.parametrize("scripts", [False, True], ids=["javascript-off", "javascript-on"])
def test_the_public_site_in_welsh_on_a_phone(
    welsh_site: LiveServer, new_context: Callable[..., BrowserContext], scripts: bool
) -> None:
    page = new_context(scripts=scripts, **PHONE).new_page()
    page.goto(welsh_site.url + "/")
    assert page.locator("html").get_attribute("lang") == "en-GB"
    page.get_by_role("link", name="Cymraeg").click()
    expect(page.get_by_role("heading", name="Dweud eich dweud", exact=True)).to_be_visible()
    look(page, "1-home", scripts)

    # The consultations, then a filter by area.
    go_to(page, "Ymgyngoriadau")
    expect(page.locator("h1")).to_have_text("Dod o hyd i ymgynghoriad")
    main = page.locator("main")
    expect(main.locator("a[href='/consultations/welsh-hours']")).to_have_text("Oriau agor y llyfrgell")
    english = main.locator("a[href='/consultations/archive-plans']")
    expect(english).to_have_attribute("lang", "en")
    expect(main).to_contain_text("(Saesneg yn unig)")
    look(page, "2-consultations", scripts)
    page.select_option("#area", "riverside")
    page.get_by_role("button", name="Defnyddio'r hidlyddion").click()
    expect(main.locator("[role=status]")).to_contain_text("yn Glan yr Afon")
    look(page, "3-filtered", scripts)

    # A consultation.
    main.locator("a[href='/consultations/welsh-hours']").first.click()
    expect(page.locator("h1")).to_have_text("Oriau agor y llyfrgell")
    expect(page.locator("main")).to_contain_text("Beth fyddech chi'n ei newid?")
    expect(page.get_by_role("button", name="Cymryd rhan")).to_be_visible()
    look(page, "4-consultation", scripts)

    # You said, we did.
    go_to(page, "Dywedoch chi, gwnaethom ni")
    expect(page.locator("h1")).to_have_text("Dywedoch chi, gwnaethom ni")
    look(page, "5-yswd-index", scripts)
    # A survey's page is what officers wrote, in English: shown wholly in English, with a
    # notice in Welsh that says so (never half in each).
    page.locator("main a[href='/you-said-we-did/welsh-hours']").click()
    expect(page.locator("h1")).to_have_text("Library opening hours")
    expect(page.locator("#language-missing")).to_have_attribute("lang", "cy")
    expect(page.locator("#language-missing")).to_contain_text("Nid yw'r dudalen hon ar gael yn Gymraeg eto.")
    expect(page.locator("main")).to_contain_text("What you told us")
    assert page.locator("html").get_attribute("lang") == "en-GB"
    check_axe(page)
    no_horizontal_scroll(page)
    page.go_back()
    expect(page.locator("h1")).to_have_text("Dywedoch chi, gwnaethom ni")

    # The forums, and registering with one mistake.
    go_to(page, "Fforymau")
    expect(page.locator("h1")).to_have_text("Fforymau rhanddeiliaid")
    look(page, "7-forums", scripts)
    page.get_by_role("link", name="Fforwm Diwylliant").click()
    page.get_by_role("button", name="Cofrestru eich diddordeb").click()
    expect(page.locator("h1")).to_have_text("Cofrestru eich diddordeb")
    look(page, "8-register", scripts)
    email = f"welsh-{'js' if scripts else 'nojs'}@example.org"
    page.get_by_label("Cyfeiriad e-bost").fill(email)
    page.get_by_label("Gwirfoddolwr llyfrgell neu dreftadaeth").check()
    page.get_by_label("Riverside").check()
    page.get_by_label("Diwylliant a chreadigrwydd").check()
    page.locator("input[name=purposes][value=membership]").check()
    page.get_by_role("button", name="Cofrestru diddordeb").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Mae problem wedi codi")
    expect(summary).to_contain_text("Rhowch eich enw")
    assert page.title().startswith("Gwall:")
    expect(page.get_by_label("Cyfeiriad e-bost")).to_have_value(email)  # nothing typed is lost
    look(page, "9-register-error", scripts)
    page.get_by_label("Eich enw").fill("Siân Jones")
    page.get_by_role("button", name="Cofrestru diddordeb").click()
    expect(page.locator("h1")).to_have_text("Gwiriwch eich e-bost")
    look(page, "10-check-email", scripts)

    # The confirmation email is in Welsh; its link leads to the member's own page.
    with welsh_site.app.app_context():
        message = db().scalar(
            select(OutboundEmail).where(
                OutboundEmail.to_address == email, OutboundEmail.purpose == "forum_confirm"
            )
        )
        assert message is not None
        assert message.subject == "Cadarnhewch eich bod am ymuno â Fforwm Diwylliant"
        link = re.search(r"https?://[^/\s]+(/forums/confirm/\S+)", message.text_body)
        assert link
    page.goto(welsh_site.url + link.group(1))
    expect(page.locator("h1")).to_have_text("Cadarnhewch eich bod am ymuno â Fforwm Diwylliant")
    look(page, "11-confirm", scripts)
    page.get_by_role("button", name="Cadarnhau ac ymuno").click()
    expect(page.locator("h1")).to_have_text("Eich aelodaeth o'r fforwm")
    expect(page.locator("main")).to_contain_text("Rydych bellach yn aelod o Fforwm Diwylliant.")
    look(page, "12-manage", scripts)
