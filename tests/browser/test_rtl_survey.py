"""A survey written in English with an Urdu translation, answered in Urdu at 320 px.

The page is right to left (``<html dir="rtl">``) and GOV.UK Frontend's components are
mirrored by engage.scss's right-to-left section: the radios' and checkboxes' inputs sit on
the right of their labels, the red bar of a question in error is on its right, the back
link's chevron and the start button's arrow point the other way, and nothing scrolls
sideways. axe checks every page, with and without JavaScript.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, ViewportSize, expect
from sqlalchemy import select

from engage.platform import clock
from engage.platform.database import db
from surveys import services
from surveys.models import Response, Submission
from tests.browser.conftest import LiveServer, check_axe, no_horizontal_scroll

pytestmark = pytest.mark.browser

SLUG = "rtl-library"

SURVEY: dict[str, Any] = {
    "schema_version": 1,
    "slug": SLUG,
    "language": "en",
    "title": "Your library",
    "purpose": "Tell us how you use your library and what would make it better.",
    "what_happens": "Officers read every answer and will publish what they are doing about them.",
    "duration_minutes": 3,
    "localities": [
        {
            "code": "north",
            "name": "Northgate",
            "branches": [{"code": "north-lib", "name": "Northgate Library"}],
        }
    ],
    "pages": [
        {
            "id": "visits",
            "title": "Your visits",
            "questions": [
                {
                    "id": "visits",
                    "type": "single_choice",
                    "text": "How often do you visit the library?",
                    "hint": "Think about the last 12 months.",
                    "options": [
                        {"value": "weekly", "label": "Every week"},
                        {"value": "monthly", "label": "Every month"},
                        {"value": "rarely", "label": "Less often"},
                        {"value": "never", "label": "Never"},
                    ],
                }
            ],
        },
        {
            "id": "use",
            "title": "What you use",
            "questions": [
                {
                    "id": "services",
                    "type": "multiple_choice",
                    "text": "Which services do you use?",
                    "options": [
                        {"value": "books", "label": "Borrowing books"},
                        {"value": "computers", "label": "Computers and Wi-Fi"},
                        {"value": "children", "label": "Activities for children"},
                        {"value": "none", "label": "None of these", "exclusive": True},
                    ],
                },
                {
                    "id": "last_visit",
                    "type": "date",
                    "text": "When did you last visit?",
                    "hint": "An approximate date is fine.",
                    "earliest": "2000-01-01",
                    "latest": "2030-12-31",
                    "required": False,
                },
            ],
        },
        {
            "id": "ideas",
            "title": "Your ideas",
            "questions": [
                {
                    "id": "idea",
                    "type": "long_text",
                    "text": "What one change would make the library better for you?",
                    "max_length": 300,
                    "required": False,
                }
            ],
        },
    ],
    # Every piece of the survey's text in Urdu (ids, values and routing are the English one's).
    "translations": {
        "ur": {
            "title": "آپ کی لائبریری",
            "purpose": (
                "ہمیں بتائیں کہ آپ اپنی لائبریری کیسے استعمال کرتے ہیں اور کون سی چیز اسے بہتر بنا سکتی ہے۔"
            ),
            "what_happens": (
                "افسران ہر جواب پڑھتے ہیں، اور ان جوابات کی بنیاد پر جو کچھ کر رہے ہیں اسے شائع کریں گے۔"
            ),
            "localities": {"north": "نارتھ گیٹ"},
            "branches": {"north-lib": "نارتھ گیٹ لائبریری"},
            "pages": {
                "visits": {"title": "لائبریری میں آپ کی آمد"},
                "use": {"title": "آپ کیا استعمال کرتے ہیں"},
                "ideas": {"title": "آپ کی تجاویز"},
            },
            "questions": {
                "visits": {
                    "text": "آپ کتنی بار لائبریری آتے ہیں؟",
                    "hint": "پچھلے 12 مہینوں کے بارے میں سوچیں۔",
                    "options": {
                        "weekly": "ہر ہفتے",
                        "monthly": "ہر مہینے",
                        "rarely": "اس سے کم",
                        "never": "کبھی نہیں",
                    },
                },
                "services": {
                    "text": "آپ کون سی خدمات استعمال کرتے ہیں؟",
                    "options": {
                        "books": "کتابیں مستعار لینا",
                        "computers": "کمپیوٹر اور وائی فائی",
                        "children": "بچوں کے لیے سرگرمیاں",
                        "none": "ان میں سے کوئی نہیں",
                    },
                },
                "last_visit": {"text": "آپ آخری بار کب آئے تھے؟", "hint": "اندازاً تاریخ بھی ٹھیک ہے۔"},
                "idea": {"text": "کون سی ایک تبدیلی لائبریری کو آپ کے لیے بہتر بنا دے گی؟"},
            },
        }
    },
}
UR = SURVEY["translations"]["ur"]
CHECK = "بھیجنے سے پہلے اپنے جوابات چیک کریں"
SENT = "جوابات بھیج دیے گئے"
NARROW: ViewportSize = {"width": 320, "height": 640}
WIDE: ViewportSize = {"width": 1024, "height": 800}
PHONE: dict[str, Any] = {"viewport": NARROW, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def rtl_server(live_server: LiveServer) -> LiveServer:
    with live_server.app.app_context():
        if services.get_survey(db(), SLUG) is None:
            version = services.save_definition(db(), copy.deepcopy(SURVEY), clock.now())
            services.publish(db(), version.survey, clock.now())
            db().commit()
    return live_server


def _shot(page: Page, name: str) -> None:
    """A screenshot for a person to look at, when ENGAGE_SCREENSHOTS names a folder."""
    folder = os.environ.get("ENGAGE_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"rtl-{name}.png"), full_page=True)


def _checked(page: Page, name: str) -> None:
    """What every page is checked for: right to left in Urdu, axe, no sideways scroll."""
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ur")
    check_axe(page)
    no_horizontal_scroll(page)
    _shot(page, name)


def _inputs_on_the_right(page: Page, kind: str) -> None:
    """Each radio or checkbox: the input, and the circle or box drawn for it, on the right
    of its label's words."""
    items = page.locator(f".govuk-{kind}__item")
    assert items.count() >= 2
    for i in range(items.count()):
        item = items.nth(i)
        box = item.locator(f".govuk-{kind}__input").bounding_box()
        label = item.locator(f".govuk-{kind}__label").bounding_box()
        assert box is not None and label is not None
        assert box["x"] >= label["x"] + label["width"] - 1, f"{kind} input {i} is not right of its label"
        drawn = item.locator(f".govuk-{kind}__label").evaluate(
            "(label) => { const s = getComputedStyle(label, '::before'); return [s.left, s.right]; }"
        )
        assert drawn[1] == "2px" and drawn[0] != "2px", f"{kind} {i}: the drawn control is at {drawn}"


def _text_starts_on_the_right(page: Page, selector: str) -> None:
    """The words of an element end at its right edge (its text is right-aligned)."""
    gap = page.locator(selector).first.evaluate(
        """(el) => {
            const range = document.createRange();
            range.selectNodeContents(el);
            const words = range.getBoundingClientRect();
            const box = el.getBoundingClientRect();
            const pad = parseFloat(getComputedStyle(el).paddingRight);
            return box.right - pad - words.right;
        }"""
    )
    assert abs(gap) <= 1, f"{selector}'s text is {gap}px from the right"


@pytest.mark.parametrize("scripts", [True, False], ids=["javascript", "no-javascript"])
def test_an_urdu_survey_is_answered_right_to_left_at_320px(
    rtl_server: LiveServer, new_context: Callable[..., BrowserContext], scripts: bool
) -> None:
    page = new_context(scripts=scripts, **PHONE).new_page()
    page.goto(f"{rtl_server.url}/s/{SLUG}?lang=ur")
    expect(page.locator("h1")).to_have_text(UR["title"])
    _checked(page, "start")
    start = page.locator(".govuk-button--start")
    expect(start).to_contain_text("ابھی شروع کریں")
    # The start button's arrow points left, the way forward in Urdu.
    arrow = page.locator(".govuk-button__start-icon").evaluate("(svg) => getComputedStyle(svg).transform")
    assert arrow == "matrix(-1, 0, 0, 1, 0, 0)"
    _text_starts_on_the_right(page, "main p.govuk-body")
    start.click()

    # A single question: its text is the page's heading. Sent without an answer, it is
    # refused in Urdu, with the red bar on the right.
    expect(page.locator("h1")).to_have_text(UR["questions"]["visits"]["text"])
    _checked(page, "radios")
    _inputs_on_the_right(page, "radios")
    page.locator("button[value=continue]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.title().startswith("غلطی:")
    bar = page.locator(".govuk-form-group--error").evaluate(
        "(el) => { const s = getComputedStyle(el); return [s.borderRightWidth, s.borderLeftWidth]; }"
    )
    assert bar == ["5px", "0px"]
    _checked(page, "radios-error")
    _inputs_on_the_right(page, "radios")
    # The error is fixed by choosing an answer (tapping its words) and sending again.
    page.get_by_text(UR["questions"]["visits"]["options"]["weekly"], exact=True).click()
    expect(page.locator("input[name=visits][value=weekly]")).to_be_checked()
    page.locator("button[value=continue]").click()

    expect(page.locator("h1")).to_have_text(UR["pages"]["use"]["title"])
    _checked(page, "checkboxes")
    _inputs_on_the_right(page, "checkboxes")
    back = page.locator(".govuk-back-link")
    chevron = back.evaluate(
        "(a) => { const s = getComputedStyle(a, '::before'); return [s.right, s.left, s.transform]; }"
    )
    # 0.1875em from the link's right edge (the left is then whatever is left over).
    assert chevron[0] == "3px" and chevron[1] != "3px", chevron
    assert chevron[2].startswith("matrix(0.707"), "the chevron points right (rotate 45deg)"
    page.get_by_text(UR["questions"]["services"]["options"]["books"], exact=True).click()
    page.locator("input[name=services][value=children]").check()
    # Day, month and year read from the right.
    day = page.locator("input[name=last_visit-day]").bounding_box()
    year = page.locator("input[name=last_visit-year]").bounding_box()
    assert day is not None and year is not None and day["x"] > year["x"]
    page.fill("input[name=last_visit-day]", "14")
    page.fill("input[name=last_visit-month]", "10")
    page.fill("input[name=last_visit-year]", "2026")
    page.locator("button[value=continue]").click()

    expect(page.locator("h1")).to_have_text(UR["questions"]["idea"]["text"] + " (اختیاری)")
    _checked(page, "long-text")
    idea = "اتوار کو بھی لائبریری کھولیں، اور بچوں کے لیے اردو کی مزید کتابیں رکھیں۔"
    page.fill("textarea[name=idea]", idea)
    page.locator("button[value=continue]").click()

    expect(page.locator("h1")).to_have_text(CHECK)
    _checked(page, "check-answers")
    answers = page.locator("main")
    expect(answers).to_contain_text("ہر ہفتے")
    expect(answers).to_contain_text("کتابیں مستعار لینا")
    expect(answers).to_contain_text("اتوار کو بھی لائبریری کھولیں")
    _text_starts_on_the_right(page, ".govuk-summary-list__key")
    # On a wider screen the list is a table: the question on the right, then the answer,
    # then the "Change" link on the left.
    page.set_viewport_size(WIDE)
    row = page.locator(".govuk-summary-list__row").first
    key, value, change = (
        row.locator(f".govuk-summary-list__{part}").bounding_box() for part in ("key", "value", "actions")
    )
    assert key is not None and value is not None and change is not None
    assert change["x"] + change["width"] <= value["x"] + 1 and value["x"] + value["width"] <= key["x"] + 1
    _checked(page, "check-answers-wide")
    page.set_viewport_size(NARROW)
    page.get_by_role("button", name="جوابات بھیجیں").click()

    expect(page.locator(".govuk-panel__title")).to_have_text(SENT)
    _checked(page, "sent")
    reference = page.locator("#reference").inner_text()
    with rtl_server.app.app_context():
        response = (
            db().scalars(select(Response).join(Submission).where(Submission.reference == reference)).one()
        )
        assert response.language == "ur"
        assert response.answers["visits"] == "weekly"
