"""A resident finds a consultation from the home page and answers it; its locality comes from
their own answer; a closed consultation keeps its page and leads to its results. On a phone
and a desktop, with and without JavaScript; axe checks every page."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, expect

from engage.accounts import services as accounts
from engage.accounts.models import Role
from engage.actions import services as actions
from engage.platform import clock
from engage.platform.database import db
from surveys import services
from tests.browser.conftest import LiveServer, check_axe, no_horizontal_scroll
from tests.conftest import PASSWORD
from tests.residents.conftest import SURVEY
from tests.support.journey import CHECK, answer_page

pytestmark = pytest.mark.browser

CLOSED = {
    "schema_version": 1,
    "slug": "heritage-review",
    "title": "Heritage review",
    "purpose": "What should the heritage centre do next?",
    "topics": ["Heritage"],
    "localities": [{"code": "north", "name": "Northgate"}],
    "pages": [
        {
            "id": "ideas",
            "title": "Your ideas",
            "questions": [{"id": "idea", "type": "long_text", "text": "What should we do next?"}],
        }
    ],
}


@pytest.fixture(scope="module")
def hub(live_server: LiveServer) -> LiveServer:
    """The residents' test survey, open and about libraries; a closed heritage review with
    three responses and its "You said, we did" published."""
    with live_server.app.app_context():
        session = db()
        if services.get_survey(session, "heritage-review") is None:
            data = copy.deepcopy(SURVEY) | {"topics": ["Libraries"], "audience": "Library users"}
            version = services.save_definition(session, data, clock.now())
            services.publish(session, version.survey, clock.now())
            earlier = clock.now() - timedelta(days=30)
            closed = services.save_definition(session, copy.deepcopy(CLOSED), earlier)
            services.publish(session, closed.survey, earlier)
            definition = services.definition_of(closed)
            for n in range(3):
                response = services.start_response(session, closed, earlier).response
                services.save_page(session, response, definition, "ideas", {"idea": f"Idea {n}"}, earlier)
                services.submit(session, response, definition, earlier)
            services.close(closed.survey, clock.now() - timedelta(days=2))
            officer = accounts.create_staff(
                session,
                email="hub.officer@anyshire.gov.uk",
                name="Hub Officer",
                role=Role.OFFICER,
                password=PASSWORD,
            )
            actions.save_publication(
                session, closed.survey, "Thank you for taking part.", True, clock.now(), officer
            )
            session.commit()
    return live_server


@pytest.mark.parametrize(("scripts", "width"), [(True, 375), (False, 375), (True, 1280), (False, 1280)])
def test_a_resident_finds_and_answers_a_consultation_from_the_home_page(
    hub: LiveServer, new_context: Callable[..., BrowserContext], scripts: bool, width: int
) -> None:
    page = new_context(scripts=scripts, viewport={"width": width, "height": 900}).new_page()
    page.goto(hub.url + "/")
    check_axe(page)
    no_horizontal_scroll(page)
    page.get_by_role("link", name="Take part in Test library survey").click()
    expect(page.locator("h1")).to_have_text("Test library survey")
    page.get_by_role("button", name="Start now").click()
    while page.locator("h1").inner_text() != CHECK:
        answer_page(page, keyboard=False)
        page.wait_for_load_state()
    page.get_by_role("button", name="Send answers").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Answers sent")
    reference = page.locator("#reference").inner_text()
    with hub.app.app_context():
        survey = services.get_survey(db(), "test-survey")
        assert survey is not None
        response = services.find_by_reference(db(), survey, reference)
        assert response is not None
        # Online, with no library's link: the area is the resident's own answer ("river").
        assert (response.locality_code, response.locality_source) == ("river", "answer")


@pytest.mark.parametrize(("scripts", "width"), [(True, 375), (False, 1280)])
def test_filtering_and_a_closed_consultations_results(
    hub: LiveServer, new_context: Callable[..., BrowserContext], scripts: bool, width: int
) -> None:
    page = new_context(scripts=scripts, viewport={"width": width, "height": 900}).new_page()
    page.goto(hub.url + "/")
    page.get_by_role("link", name="Find a consultation").click()
    expect(page.locator("h1")).to_have_text("Find a consultation")
    check_axe(page)
    no_horizontal_scroll(page)
    page.select_option("#topic", "Heritage")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("[role=status]")).to_contain_text("1 consultation found about Heritage.")
    check_axe(page)
    page.get_by_role("link", name="Heritage review", exact=True).click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("3 people took part.")
    check_axe(page)
    no_horizontal_scroll(page)
    page.get_by_role("link", name="We asked, you said, we did: Heritage review").click()
    expect(page.locator("h1")).to_contain_text("Heritage review")
    expect(page.get_by_text("Thank you for taking part.")).to_be_visible()
    check_axe(page)
    no_horizontal_scroll(page)
