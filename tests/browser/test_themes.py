"""An officer themes the answers to a question in a browser, merges two themes, follows a
number to the responses behind it, reviews a theme (keep, move, not relevant), words its
support and opposition sentences, lets the engine re-place the rest, previews and
publishes; a resident on a phone sees only the reviewed theme's wording and quote. axe
checks each page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from engage.accounts.models import Role
from engage.platform.config import PROJECT_ROOT
from tests.browser.conftest import LiveServer, check_axe, no_horizontal_scroll
from tests.support.themes import SLUG, add_responses, add_with_equality_answers, corpus

pytestmark = pytest.mark.browser

EXAMPLE = PROJECT_ROOT / "examples" / "surveys" / "library-co-design.json"


@pytest.fixture(scope="module")
def themes_server(live_server: LiveServer) -> LiveServer:
    live_server.publish_example()
    add_responses(live_server.app, corpus())
    add_with_equality_answers(live_server.app)
    return live_server


def test_an_officer_themes_and_merges(
    new_context: Callable[..., BrowserContext], themes_server: LiveServer
) -> None:
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    themes_server.sign_in(page, Role.OFFICER, "themes.officer@anyshire.gov.uk")
    page.goto(themes_server.url + f"/staff/surveys/{SLUG}/responses")
    page.get_by_role("link", name="Report", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report")
    check_axe(page)
    page.get_by_label("Locality").select_option(label="Northgate")
    page.get_by_role("button", name="Apply filters").click()
    check_axe(page)
    page.goto(themes_server.url + f"/staff/surveys/{SLUG}/responses")
    page.get_by_role("link", name="Themes", exact=True).click()
    check_axe(page)
    page.get_by_role("link", name="What one change would most improve").click()
    page.get_by_role("button", name="Find themes").click()
    expect(page.get_by_role("heading", name="Themes by number of answers")).to_be_visible(timeout=30_000)
    check_axe(page)
    options = page.locator("#merge-theme option").all_inner_texts()[1:]
    assert len(options) >= 2
    page.locator("#merge-theme").select_option(index=1)
    page.locator("#merge-into").select_option(index=2)
    page.get_by_role("button", name="Merge themes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Merged")
    assert page.locator("#merge-theme option").count() == len(options)  # one fewer theme, plus the prompt
    check_axe(page)
    page.locator("tbody a[href*='/t/']").first.click()
    expect(page.get_by_role("heading", name="The answers")).to_be_visible()
    # The biggest theme (opening hours) splits by equality group, small groups not shown.
    expect(page.locator("#by-equality table").first).to_contain_text("Not shown")
    check_axe(page)
    # Review its answers one at a time, least sure first, at phone width.
    page.set_viewport_size({"width": 375, "height": 800})
    page.get_by_role("button", name="Review answers, least sure first").click()
    expect(page.locator("#answer-text")).to_be_visible()
    page.get_by_role("button", name="Save and check the next answer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select where this answer belongs")
    check_axe(page)
    no_horizontal_scroll(page)
    page.get_by_label("No, it belongs in another theme").check()
    expect(page.locator("#target")).to_be_visible()  # revealed by the radio
    page.get_by_label("Yes, keep it in this theme").check()
    page.get_by_role("button", name="Save and check the next answer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Kept the answer in")
    expect(page.locator("#progress")).to_contain_text("Checked 1 of the")
    check_axe(page)
    # With JavaScript, single keys: K keeps the next answer too.
    expect(page.locator("#review-keys")).to_be_visible()
    page.keyboard.press("k")
    expect(page.locator("#progress")).to_contain_text("Checked 2 of the")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(themes_server.url + f"/staff/surveys/{SLUG}/themes/one_change")
    page.locator("tbody a[href*='theme=']").first.click()
    expect(page.locator("#theme-filter")).to_be_visible()
    check_axe(page)


def test_from_a_theme_to_a_published_action(
    new_context: Callable[..., BrowserContext], themes_server: LiveServer
) -> None:
    """The issue's journey: link a theme to an action, mark it in progress, publish, and a
    resident on a phone sees it on "You said, we did"."""
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    themes_server.sign_in(page, Role.OFFICER, "plan.officer@anyshire.gov.uk")
    page.goto(themes_server.url + f"/staff/surveys/{SLUG}/themes/one_change")
    if page.get_by_role("button", name="Find themes").count():
        page.get_by_role("button", name="Find themes").click()
    expect(page.get_by_role("heading", name="Themes by number of answers")).to_be_visible(timeout=30_000)
    page.goto(themes_server.url + "/staff/actions")
    check_axe(page)
    page.get_by_role("button", name="Add a priority").click()
    check_axe(page)
    page.get_by_label("Title").fill("Opening hours that suit working people")
    page.get_by_role("button", name="Add priority").click()
    page.get_by_role("button", name="Add an action").click()
    check_axe(page)
    page.get_by_label("Priority").select_option(label="Opening hours that suit working people")
    page.get_by_label("Action", exact=True).fill("Pilot evening opening at Northgate Central")
    page.get_by_label("Timescale").select_option(label="Pilot")
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pilot evening opening at Northgate Central")
    check_axe(page)
    page.get_by_label("Link a theme this action answers").select_option(index=1)
    page.get_by_role("button", name="Link theme").click()
    page.get_by_label("New status").select_option(label="In progress")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("In progress")
    check_axe(page)
    page.goto(themes_server.url + "/staff/actions/coverage")
    check_axe(page)
    # Review the linked theme: confirm its name, describe it, check its answers (keep,
    # move one, mark one not relevant), show one of its quotes.
    page.goto(themes_server.url + f"/staff/surveys/{SLUG}/themes/one_change")
    page.locator("tbody a[href*='/t/']").first.click()
    theme_url = page.url
    page.get_by_role("button", name="Save name").click()
    page.get_by_label("What this theme is about (optional)").fill(
        "Residents who work want the library open in the evenings and at weekends."
    )
    page.get_by_role("button", name="Save description").click()
    expect(page.locator("#description")).to_contain_text("open in the evenings")
    expect(page.locator("#statements")).to_contain_text("Machine-drafted")
    page.get_by_text("Check and edit these sentences").click()
    page.get_by_label("What most who raised this say").fill("Most who raised this want later opening.")
    page.get_by_label("What a minority say").fill("A few are happy with the hours as they are.")
    page.get_by_role("button", name="Save sentences").click()
    expect(page.locator("#statements")).to_contain_text("Checked by an officer")
    check_axe(page)
    page.get_by_role("button", name="Review answers, least sure first").click()
    page.get_by_label("It does not answer the question").check()
    page.get_by_role("button", name="Save and check the next answer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Marked the answer not relevant")
    page.get_by_label("No, it belongs in another theme").check()
    page.locator("#target").select_option(index=2)
    page.get_by_role("button", name="Save and check the next answer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Moved the answer to")
    for _ in range(8):
        if page.locator("#answer-text").count() == 0:
            break
        page.get_by_label("Yes, keep it in this theme").check()
        page.get_by_role("button", name="Save and check the next answer").click()
        if "Reviewed" in page.locator("#progress").inner_text():
            break
    page.goto(theme_url)
    expect(page.locator("#review")).to_contain_text("Reviewed")
    quote = page.locator("#quotes ~ ol blockquote").first.inner_text()
    page.get_by_role("button", name="Show on the public page").first.click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The quote will be shown")
    check_axe(page)
    # Split another theme by hand: choose two of its answers and make a theme of them.
    page.goto(themes_server.url + f"/staff/surveys/{SLUG}/themes/one_change")
    page.locator("tbody a[href*='/t/']").nth(1).click()
    page.locator("input[name=answer]").nth(0).check()
    page.locator("input[name=answer]").nth(1).check()
    page.get_by_label("Or make a new theme of the selected answers, named").fill("Quiet study space")
    page.get_by_role("button", name="Make a new theme").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Made the theme 'Quiet study space'")
    check_axe(page)
    # The engine learns from those checks and re-places the rest; it can be undone.
    page.goto(themes_server.url + f"/staff/surveys/{SLUG}/themes/one_change")
    page.get_by_role("button", name="Re-place the other answers").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        re.compile("moved after your corrections|no other answer needed to move")
    )
    check_axe(page)

    page.goto(themes_server.url + f"/staff/surveys/{SLUG}/you-said-we-did")
    expect(page.locator("#checks")).to_contain_text("themes reviewed by an officer")
    expect(page.locator("#checks")).to_contain_text("The survey is still open")
    check_axe(page)
    page.get_by_role("link", name="Preview the public page").click()
    expect(page.locator("#preview")).to_contain_text("This is not public")
    expect(page.locator("main")).to_contain_text("open in the evenings")
    expect(page.locator("main blockquote")).to_have_text(quote)
    check_axe(page)
    page.get_by_role("link", name="Back to publishing").click()
    page.get_by_label("Introduction").fill("Thank you to everyone who took part.")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The survey is still open")
    check_axe(page)
    page.get_by_label("Why are you publishing before the survey closes?").fill(
        "An interim update for the library committee"
    )
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Published")
    expect(page.locator("#quote-counts")).to_contain_text("1 quote shown on the public page")
    check_axe(page)

    phone = new_context(viewport={"width": 375, "height": 740}).new_page()
    phone.goto(themes_server.url + "/")
    phone.get_by_role("link", name="what you said and what we did").click()
    phone.get_by_role("link", name="Shaping your library").click()
    expect(phone.get_by_role("heading", name="Pilot evening opening at Northgate Central")).to_be_visible()
    expect(phone.locator("main")).to_contain_text("In progress")
    expect(phone.locator("main blockquote")).to_have_count(1)
    expect(phone.locator("main blockquote")).to_have_text(quote)
    expect(phone.locator("main")).to_contain_text("open in the evenings and at weekends")
    expect(phone.locator("main")).to_contain_text("Most who raised this want later opening.")
    expect(phone.locator("#not-reviewed")).to_be_visible()  # the other themes: names and counts only
    check_axe(phone)
    no_horizontal_scroll(phone)
