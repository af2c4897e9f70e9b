"""Staff see responses, branch staff enter paper questionnaires, and QR posters download."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role, StaffUser
from engage.platform.database import db
from engage.platform.models import AuditEvent
from surveys.models import Response, Survey
from tests.support.pages import PageClient
from tests.support.residents import ANSWERS, answer_all


def test_paper_entry_goes_through_the_resident_pages(
    client: PageClient,
    app: Flask,
    publish_survey: Callable[..., Survey],
    signed_in: Callable[[Role], StaffUser],
) -> None:
    publish_survey()
    clerk = signed_in(Role.BRANCH_STAFF)
    form = client.get("/staff/surveys/test-survey/paper")
    page = client.submit(form, {"channel": "paper", "branch": "north-central"})
    assert page.h1 == "How often do you visit?"
    while page.h1 != "Check your answers before sending them":
        page_id = page.response.request.path.rsplit("/", 1)[-1]
        page = client.submit(page, ANSWERS.get(page_id, {}))
    done = client.submit(page, selector="main form[action$='/submit']")
    assert "Enter another paper questionnaire" in done.text
    with app.app_context():
        response = db().scalar(select(Response))
        assert response is not None
        assert (response.channel, response.entered_by_id, response.branch_code) == (
            "paper",
            clerk.id,
            "north-central",
        )
        started = db().scalars(select(AuditEvent).where(AuditEvent.action == "response.paper_started")).one()
        assert started.actor_id == clerk.id


def test_paper_entry_validation(
    client: PageClient, publish_survey: Callable[..., Survey], signed_in: Callable[[Role], StaffUser]
) -> None:
    publish_survey()
    signed_in(Role.BRANCH_STAFF)
    form = client.get("/staff/surveys/test-survey/paper")
    # Refused, with the status a refused form gets (it was 200 before forms were WTForms).
    result = client.submit(form, {"channel": "online", "branch": "atlantis"}, expected_status=400)
    assert result.error_summary() == [
        "Select where the questionnaire was filled in",
        "Select a library from the list",
    ]


def test_viewers_cannot_enter_paper_responses(
    client: PageClient, publish_survey: Callable[..., Survey], signed_in: Callable[[Role], StaffUser]
) -> None:
    publish_survey()
    signed_in(Role.VIEWER)
    client.get("/staff/surveys/test-survey/paper", expected_status=403)
    client.get("/staff/surveys/test-survey/posters", expected_status=403)


def test_responses_list_filters_and_detail(
    app: Flask,
    client: PageClient,
    publish_survey: Callable[..., Survey],
    signed_in: Callable[[Role], StaffUser],
) -> None:
    publish_survey()
    resident = PageClient(app.test_client())
    check = answer_all(resident)
    done = resident.submit(check, selector="main form[action$='/submit']")
    reference = done.soup.select_one("#reference").get_text(strip=True)
    signed_in(Role.VIEWER)
    listing = client.get("/staff/surveys/test-survey/responses")
    assert "1 submitted response" in listing.text
    assert reference in listing.text
    assert (
        "0 submitted responses match these filters"
        in client.get("/staff/surveys/test-survey/responses?channel=paper").text
    )
    bogus = client.get("/staff/surveys/test-survey/responses?channel=bogus", expected_status=400)
    assert reference in bogus.text, "bad filters are ignored"
    assert bogus.error_summary() == ["Select a channel from the list"], "and said so, as on the report"
    link = listing.soup.select_one(f"a:-soup-contains('{reference}')")["href"]
    detail = client.get(str(link))
    assert detail.h1 == f"Response {reference}"
    assert "Open on Sundays <script>alert(1)</script> 📚" in detail.text
    assert "What is your age?" not in detail.text, "equality answers are not shown with the response"
    assert "Riverside (from their own answer)" in detail.text
    assert "1 submitted response" in client.get("/staff/surveys/test-survey/responses?locality=river").text
    assert detail.response.headers["Cache-Control"] == "no-store"
    client.get("/staff/surveys/test-survey/responses/not-a-response", expected_status=404)
    client.get("/staff/surveys/nope/responses", expected_status=404)
    client.get("/staff/surveys/test-survey/responses?page=9", expected_status=404)


@pytest.mark.parametrize(
    ("fmt", "magic", "mimetype"), [("png", b"\x89PNG", "image/png"), ("pdf", b"%PDF", "application/pdf")]
)
def test_qr_posters(
    client: PageClient,
    publish_survey: Callable[..., Survey],
    signed_in: Callable[[Role], StaffUser],
    fmt: str,
    magic: bytes,
    mimetype: str,
) -> None:
    publish_survey()
    signed_in(Role.BRANCH_STAFF)
    page = client.get("/staff/surveys/test-survey/posters")
    assert "http://127.0.0.1:5000/s/test-survey?branch=north-central" in page.text
    response = client.client.get(f"/staff/surveys/test-survey/posters/north-central.{fmt}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.data.startswith(magic)
    assert "attachment" in response.headers["Content-Disposition"]
    assert client.client.get(f"/staff/surveys/test-survey/posters/atlantis.{fmt}").status_code == 404
    assert client.client.get("/staff/surveys/test-survey/posters/north-central.gif").status_code == 404
