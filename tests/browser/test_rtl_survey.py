"""A survey written in English with Urdu and Arabic translations, answered in each at 320 px.

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
from playwright.sync_api import BrowserContext, Locator, Page, ViewportSize, expect
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
                    "other": {"label": "Something else"},
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
                    "other": "کچھ اور",
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
# The same survey in Arabic.
SURVEY["translations"]["ar"] = {
    "title": "مكتبتك",
    "purpose": "أخبرنا كيف تستخدم مكتبتك وما الذي قد يجعلها أفضل.",
    "what_happens": "يقرأ الموظفون كل إجابة، وسينشرون ما يفعلونه بناءً عليها.",
    "localities": {"north": "نورثغيت"},
    "branches": {"north-lib": "مكتبة نورثغيت"},
    "pages": {"visits": {"title": "زياراتك"}, "use": {"title": "ما تستخدمه"}, "ideas": {"title": "أفكارك"}},
    "questions": {
        "visits": {
            "text": "كم مرة تزور المكتبة؟",
            "hint": "فكّر في الأشهر الاثني عشر الماضية.",
            "options": {"weekly": "كل أسبوع", "monthly": "كل شهر", "rarely": "أقل من ذلك", "never": "أبدًا"},
            "other": "شيء آخر",
        },
        "services": {
            "text": "ما الخدمات التي تستخدمها؟",
            "options": {
                "books": "استعارة الكتب",
                "computers": "أجهزة الحاسوب والإنترنت اللاسلكي",
                "children": "أنشطة للأطفال",
                "none": "لا شيء مما سبق",
            },
        },
        "last_visit": {"text": "متى كانت آخر زيارة لك؟", "hint": "يكفي تاريخ تقريبي."},
        "idea": {"text": "ما التغيير الواحد الذي يجعل المكتبة أفضل بالنسبة لك؟"},
    },
}
# What the pages themselves say (the catalogues), and an answer typed in each language.
WORDS: dict[str, dict[str, str]] = {
    "ur": {
        "start": "ابھی شروع کریں",
        "error": "غلطی:",
        "check": "بھیجنے سے پہلے اپنے جوابات چیک کریں",
        "send": "جوابات بھیجیں",
        "sent": "جوابات بھیج دیے گئے",
        "optional": " (اختیاری)",
        "idea": "اتوار کو بھی لائبریری کھولیں، اور بچوں کے لیے اردو کی مزید کتابیں رکھیں۔",
    },
    "ar": {
        "start": "ابدأ الآن",
        "error": "خطأ:",
        "check": "راجع إجاباتك قبل إرسالها",
        "send": "إرسال الإجابات",
        "sent": "تم إرسال الإجابات",
        "optional": " (اختياري)",
        "idea": "افتحوا المكتبة يوم الأحد، وأضيفوا كتبًا عربية للأطفال.",
    },
}
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


def _checked(page: Page, lang: str, name: str) -> None:
    """What every page is checked for: right to left in its language, axe, no sideways scroll."""
    page.wait_for_load_state("load")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", lang)
    check_axe(page)
    no_horizontal_scroll(page)
    _shot(page, f"{lang}-{name}")


def _bar_on_the_right(element: Locator, width: str) -> None:
    """A coloured bar (an error's red, a revealed box's grey) drawn on the element's right
    edge and not its left. Retried until the page's stylesheet has been applied."""
    expect(element).to_have_css("border-right-width", width)
    expect(element).to_have_css("border-left-width", "0px")


def _inputs_on_the_right(page: Page, kind: str) -> None:
    """Each radio or checkbox: the input, and the circle or box drawn for it, on the right
    of its label's words."""
    # Measured only once the page has loaded: a click that navigates returns when the new
    # page starts to arrive, perhaps before its stylesheet has been applied.
    page.wait_for_load_state("load")
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
    page.wait_for_load_state("load")
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


@pytest.mark.parametrize(
    ("lang", "scripts"),
    [("ur", True), ("ur", False), ("ar", False)],
    ids=["urdu-javascript", "urdu-no-javascript", "arabic-no-javascript"],
)
def test_a_survey_is_answered_right_to_left_at_320px(
    rtl_server: LiveServer, new_context: Callable[..., BrowserContext], lang: str, scripts: bool
) -> None:
    text, words = SURVEY["translations"][lang], WORDS[lang]
    questions = text["questions"]
    page = new_context(scripts=scripts, **PHONE).new_page()
    page.goto(f"{rtl_server.url}/s/{SLUG}?lang={lang}")
    expect(page.locator("h1")).to_have_text(text["title"])
    _checked(page, lang, "start")
    start = page.locator(".govuk-button--start")
    expect(start).to_contain_text(words["start"])
    # The start button's arrow points left, the way forward.
    arrow = page.locator(".govuk-button__start-icon").evaluate("(svg) => getComputedStyle(svg).transform")
    assert arrow == "matrix(-1, 0, 0, 1, 0, 0)"
    _text_starts_on_the_right(page, "main p.govuk-body")
    start.click()

    # A single question: its text is the page's heading. Sent without an answer, it is
    # refused in the resident's language, with the red bar on the right.
    expect(page.locator("h1")).to_have_text(questions["visits"]["text"])
    _checked(page, lang, "radios")
    _inputs_on_the_right(page, "radios")
    page.locator("button[value=continue]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.title().startswith(words["error"])
    _bar_on_the_right(page.locator(".govuk-form-group--error"), "5px")
    _checked(page, lang, "radios-error")
    _inputs_on_the_right(page, "radios")
    # "Something else" reveals a box for the details, its grey bar on the right.
    page.get_by_text(questions["visits"]["other"], exact=True).click()
    reveal = page.locator(".govuk-radios__conditional")
    expect(reveal).to_be_visible()
    _bar_on_the_right(reveal, "4px")
    _shot(page, f"{lang}-radios-other")
    # The error is fixed by choosing an answer (tapping its words) and sending again.
    page.get_by_text(questions["visits"]["options"]["weekly"], exact=True).click()
    expect(page.locator("input[name=visits][value=weekly]")).to_be_checked()
    page.locator("button[value=continue]").click()

    expect(page.locator("h1")).to_have_text(text["pages"]["use"]["title"])
    _checked(page, lang, "checkboxes")
    _inputs_on_the_right(page, "checkboxes")
    back = page.locator(".govuk-back-link")
    chevron = back.evaluate(
        "(a) => { const s = getComputedStyle(a, '::before'); return [s.right, s.left, s.transform]; }"
    )
    # 0.1875em from the link's right edge (the left is then whatever is left over).
    assert chevron[0] == "3px" and chevron[1] != "3px", chevron
    assert chevron[2].startswith("matrix(0.707"), "the chevron points right (rotate 45deg)"
    page.get_by_text(questions["services"]["options"]["books"], exact=True).click()
    page.locator("input[name=services][value=children]").check()
    # Day, month and year read from the right.
    day = page.locator("input[name=last_visit-day]").bounding_box()
    year = page.locator("input[name=last_visit-year]").bounding_box()
    assert day is not None and year is not None and day["x"] > year["x"]
    page.fill("input[name=last_visit-day]", "14")
    page.fill("input[name=last_visit-month]", "10")
    page.fill("input[name=last_visit-year]", "2026")
    page.locator("button[value=continue]").click()

    expect(page.locator("h1")).to_have_text(questions["idea"]["text"] + words["optional"])
    _checked(page, lang, "long-text")
    page.fill("textarea[name=idea]", words["idea"])
    page.locator("button[value=continue]").click()

    expect(page.locator("h1")).to_have_text(words["check"])
    _checked(page, lang, "check-answers")
    answers = page.locator("main")
    expect(answers).to_contain_text(questions["visits"]["options"]["weekly"])
    expect(answers).to_contain_text(questions["services"]["options"]["books"])
    expect(answers).to_contain_text(words["idea"])
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
    _checked(page, lang, "check-answers-wide")
    page.set_viewport_size(NARROW)
    page.get_by_role("button", name=words["send"]).click()

    expect(page.locator(".govuk-panel__title")).to_have_text(words["sent"])
    _checked(page, lang, "sent")
    reference = page.locator("#reference").inner_text()
    with rtl_server.app.app_context():
        response = (
            db().scalars(select(Response).join(Submission).where(Submission.reference == reference)).one()
        )
        assert response.language == lang
        assert response.answers["visits"] == "weekly"
        assert response.answers["idea"] == words["idea"]


def test_saved_answers_page_right_to_left(
    rtl_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    """Save and come back later, in Urdu: the panel, the warning's "!" on the right of its
    words, an email address refused in Urdu with the bar on the right."""
    page = new_context(scripts=False, **PHONE).new_page()
    page.goto(f"{rtl_server.url}/s/{SLUG}?lang=ur")
    page.locator(".govuk-button--start").click()
    page.locator("input[name=visits][value=monthly]").check()
    page.get_by_role("button", name="محفوظ کریں اور بعد میں واپس آئیں").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("آپ کے جوابات محفوظ ہو گئے ہیں")
    _checked(page, "ur", "saved")
    icon = page.locator(".govuk-warning-text__icon").bounding_box()
    words = page.locator(".govuk-warning-text__text").bounding_box()
    assert icon is not None and words is not None
    assert icon["x"] >= words["x"] + words["width"] - 46, "the warning's icon is right of its words"
    email = page.locator("input[name=email]")
    assert email.evaluate("(el) => getComputedStyle(el).direction") == "ltr"
    email.fill("not an email address")
    page.get_by_role("button", name="لنک بھیجیں").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _bar_on_the_right(page.locator(".govuk-form-group--error"), "5px")
    _checked(page, "ur", "saved-error")


def test_a_notice_in_urdu_above_an_english_only_survey_reads_right_to_left(
    rtl_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    """A survey written only in English, asked for in Urdu: the notice says so in Urdu,
    right to left with its bar on the right, above the English page (left to right)."""
    english = copy.deepcopy(SURVEY)
    english["slug"] = "english-only-library"
    english.pop("translations", None)
    with rtl_server.app.app_context():
        if services.get_survey(db(), english["slug"]) is None:
            version = services.save_definition(db(), english, clock.now())
            services.publish(db(), version.survey, clock.now())
            db().commit()
    page = new_context(scripts=False, **PHONE).new_page()
    page.goto(f"{rtl_server.url}/s/english-only-library?lang=ur")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("h1")).to_have_text(SURVEY["title"])
    notice = page.locator("#language-missing")
    expect(notice).to_have_attribute("lang", "ur")
    expect(notice).to_have_attribute("dir", "rtl")
    expect(notice).to_contain_text("اردو")
    _bar_on_the_right(notice, "10px")
    check_axe(page)
    no_horizontal_scroll(page)
    _shot(page, "ur-notice-above-english")
