"""The resident journey in a browser: answer each page of the residents' test survey."""

from __future__ import annotations

from playwright.sync_api import Page

CHECK = "Check your answers before sending them"


def answer_page(page: Page, keyboard: bool) -> None:
    """Answer whatever page of the test survey is showing, the way a resident would."""
    heading = page.locator("h1").inner_text()

    def choose(selector: str) -> None:
        target = page.locator(selector)
        if keyboard:
            target.focus()
            page.keyboard.press("Space")
        else:
            target.check()

    def write(selector: str, text: str) -> None:
        target = page.locator(selector)
        if keyboard:
            target.focus()
            page.keyboard.type(text)
        else:
            target.fill(text)

    def pick(selector: str, value: str) -> None:
        page.locator(selector).select_option(value)

    if heading == "How often do you visit?":
        choose("input[name=visits][value=weekly]")
    elif heading == "Your library":
        choose("input[name=services][value=computers]")
        choose("input[name=branch][value=river-mill]")
    elif heading == "Your views":
        choose("input[name='agree.welcoming'][value=agree]")
        choose("input[name='agree.quiet'][value=disagree]")
        pick("select[name='priorities.1']", "hours")
        pick("select[name='priorities.2']", "stock")
        write("textarea[name=idea]", "Open on Sundays please 📚")
        write("input[name=computer_help]", "Help with online forms")
    elif heading == "A little about you":
        write("input[name=household]", "2")
        write("input[name=joined-day]", "3")
        write("input[name=joined-month]", "4")
        write("input[name=joined-year]", "2020")
        choose("input[name=area][value=river]")
    elif heading == "About you (optional)":
        choose("input[name=eq_age][value=prefer_not_to_say]")
    else:
        raise AssertionError(f"unexpected page {heading!r}")
    if keyboard:
        page.locator("button[value=continue]").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
    else:
        page.locator("button[value=continue]").click()
