"""The shipped example survey (examples/surveys/library-co-design.json), completed in a browser.

Every page is answered generically, the way a resident picking the first sensible
answer would: JavaScript on, off, and at 320px on a phone. axe checks every page.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from engage.platform.config import PROJECT_ROOT
from tests.browser.conftest import LiveServer, check_axe, no_horizontal_scroll

pytestmark = pytest.mark.browser

EXAMPLE = PROJECT_ROOT / "examples" / "surveys" / "library-co-design.json"
CHECK = "Check your answers before sending them"


@pytest.fixture(scope="module")
def example_server(live_server: LiveServer) -> LiveServer:
    live_server.publish_example()
    return live_server


def names(page: Page, selector: str) -> list[str]:
    found: list[str] = page.eval_on_selector_all(
        f"main form {selector}", "els => [...new Set(els.map(e => e.name))]"
    )
    return found


def answer_whatever_is_shown(page: Page) -> None:
    for name in names(page, "input[type=radio]"):
        page.locator(f"main input[type=radio][name='{name}']").first.check()
    for name in names(page, "input[type=checkbox]"):
        page.locator(f"main input[type=checkbox][name='{name}']").first.check()
    selects = page.locator("main form select")
    for index in range(selects.count()):
        select = selects.nth(index)
        values = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
        select.select_option(values[index % len(values)])
    for name in names(page, "textarea"):
        if not page.locator(f"main textarea[name='{name}']").is_visible():
            continue
        page.locator(f"main textarea[name='{name}']").fill("Longer opening hours on Saturdays, please 📚")
    for name in names(page, "input[type=tel]"):
        page.locator(f"main input[name='{name}']").first.fill("07700 900 982")
    for name in names(page, "input[type=text], input[type=number], input:not([type])"):
        field = page.locator(f"main input[name='{name}']").first
        if not field.is_visible():
            continue  # e.g. "Other, please specify" behind an option not chosen
        if name.endswith("-day"):
            field.fill("3")
        elif name.endswith("-month"):
            field.fill("4")
        elif name.endswith("-year"):
            field.fill("2025")
        elif field.get_attribute("inputmode") == "numeric" or field.get_attribute("type") == "number":
            field.fill("2")
        elif field.get_attribute("autocomplete") == "postal-code":
            field.fill("an1 2ab")
        elif "email" not in name and not field.input_value():
            field.fill("Help with online forms")
    with page.expect_navigation():
        page.locator("button[value=continue]").click()


def complete(page: Page, url: str, narrow: bool = False) -> str:
    page.goto(url + "/s/library-co-design")
    check_axe(page)
    page.get_by_role("button", name="Start now").click()
    seen = []
    while page.locator("h1").first.inner_text() != CHECK:
        check_axe(page)
        if narrow:
            no_horizontal_scroll(page)
        heading = page.locator("h1").first.inner_text()
        seen.append(heading)
        assert seen.count(heading) < 3, (
            f"stuck on {heading!r}: {page.locator('.govuk-error-summary').all_inner_texts()}"
        )
        answer_whatever_is_shown(page)
    check_axe(page)
    if narrow:
        no_horizontal_scroll(page)
    page.get_by_role("button", name="Send answers").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Answers sent")
    check_axe(page)
    return page.locator("#reference").inner_text()


def test_example_survey_with_javascript(
    example_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    assert complete(new_context().new_page(), example_server.url)


def test_example_survey_without_javascript(
    example_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    assert complete(new_context(scripts=False).new_page(), example_server.url)


def test_example_survey_on_a_phone(
    example_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    context = new_context(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
    assert complete(context.new_page(), example_server.url, narrow=True)
