"""Kiosk mode: enrolment, the kiosk channel, resets that forget the visitor, revocation, limits."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from engage.kiosk import channel
from engage.kiosk.models import KioskDevice
from engage.platform.database import db
from engage.platform.models import AuditEvent
from engage.platform.ratelimit import Limit
from surveys.models import Response
from tests.kiosk.conftest import add_kiosk
from tests.support.kiosk import ANSWERS
from tests.support.pages import Page, PageClient


def responses(app: Flask) -> list[tuple[str, str | None, str]]:
    with app.app_context():
        return [
            (r.channel, r.branch_code, r.status) for r in db().scalars(select(Response).order_by(Response.id))
        ]


def start(tablet: PageClient) -> Page:
    page = tablet.get("/s/library-co-design")
    return tablet.submit(page, selector="main form[action$='/start']")


def test_staff_add_a_kiosk_and_the_tablet_enrols_once(
    app: Flask, example_survey: str, staff_client: PageClient
) -> None:
    bad = staff_client.submit(
        staff_client.get("/staff/kiosks/new"),
        {"name": "", "branch": "nowhere", "idle": "5"},
        expected_status=400,
    )
    assert bad.error_summary() == [
        "Enter a name for the tablet of 80 characters or fewer, like Children's library tablet",
        "Select the branch the tablet is in",
        "Enter the idle time in seconds, from 30 to 900",
    ]
    for idle in ("²", "99999999999999999999", "9" * 5000, "-60", "6e1"):  # '²' passes isdigit(), not int()
        odd = staff_client.submit(
            staff_client.get("/staff/kiosks/new"),
            {"name": "Tablet", "branch": "northgate-central", "idle": idle},
            expected_status=400,
        )
        assert odd.error_summary() == ["Enter the idle time in seconds, from 30 to 900"], idle
    code = add_kiosk(staff_client)
    device = PageClient(app.test_client())
    assert device.get("/kiosk", expected_status=403).h1 == "This tablet is not set up"
    wrong = device.submit(device.get("/kiosk/enrol"), {"code": "AAAA-AAAA"}, expected_status=400)
    assert wrong.error_summary()[0].startswith("That code is not right")
    attract = device.submit(device.get("/kiosk/enrol"), {"code": code.lower().replace("-", " ")})
    assert attract.h1 == "Have your say about Northgate Central Library"
    assert "Library co-design" in attract.text or "library" in attract.text.lower()
    cookie = device.client.get_cookie("engage_kiosk")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Strict"
    again = PageClient(app.test_client())
    assert again.submit(again.get("/kiosk/enrol"), {"code": code}, expected_status=400).error_summary()
    listing = staff_client.get("/staff/kiosks")
    assert "Enrolled" in listing.text
    with app.app_context():
        actions = list(db().scalars(select(AuditEvent.action).where(AuditEvent.action.like("kiosk.%"))))
        assert actions == ["kiosk.created", "kiosk.enrolled"]


def test_responses_from_a_kiosk_are_recorded_with_its_branch(app: Flask, tablet: PageClient) -> None:
    first = start(tablet)
    assert "Save and come back later" not in first.text
    assert first.response.headers["Cache-Control"] == "no-store"
    refresh = first.soup.select_one("noscript meta[http-equiv=refresh]")
    assert refresh is not None and refresh["content"] == "120;url=/kiosk/timeout"
    assert first.soup.body is not None and first.soup.body["data-kiosk-idle"] == "120"
    assert responses(app) == [("kiosk", "northgate-central", "in_progress")]


def test_personal_questions_are_not_asked_on_a_kiosk(tablet: PageClient) -> None:
    page = start(tablet)
    while page.h1 != "Check your answers before sending them":
        assert page.soup.select_one("input[name=callback_phone]") is None
        page_id = page.response.request.path.rsplit("/", 1)[-1]
        page = tablet.submit(page, ANSWERS.get(page_id, {}))
        assert not page.error_summary(), (page_id, page.error_summary())


def test_an_idle_reset_forgets_the_visitor(app: Flask, tablet: PageClient) -> None:
    first = start(tablet)
    answered = tablet.submit(first, {"visit_frequency": "never"})
    url = answered.response.request.path
    assert responses(app) == [("kiosk", "northgate-central", "in_progress")]
    ready = tablet.get("/kiosk/timeout", follow_redirects=True)
    assert "Ready for the next person" in ready.text
    assert responses(app) == [], "unfinished answers are discarded"
    # Back (or the same URL) shows nothing of the previous visitor.
    assert tablet.get_redirect(url).endswith("/s/library-co-design")


def test_finishing_keeps_the_submitted_answers_and_clears_the_tablet(app: Flask, tablet: PageClient) -> None:
    page = start(tablet)
    while page.h1 != "Check your answers before sending them":
        page_id = page.response.request.path.rsplit("/", 1)[-1]
        page = tablet.submit(page, ANSWERS.get(page_id, {}))
    done = tablet.submit(page, selector="form[action$='/submit']")
    assert done.soup.select_one("#hear-back") is None, "no email address is asked for on a shared tablet"
    assert done.soup.select_one("noscript meta[http-equiv=refresh]")["content"] == "30;url=/kiosk/timeout"  # type: ignore[index]
    ready = tablet.submit(done, selector="main form[action='/kiosk/reset']")
    assert "Ready for the next person" in ready.text
    assert responses(app) == [("kiosk", "northgate-central", "submitted")]
    assert tablet.get_redirect("/s/library-co-design/done").endswith("/s/library-co-design")


def test_a_kiosk_cannot_open_staff_pages(tablet: PageClient) -> None:
    page = tablet.get("/staff/", expected_status=403)
    assert page.h1 == "Staff pages are not available on this tablet"
    assert tablet.get("/staff/sign-in", expected_status=403).h1.startswith("Staff pages")


def test_revoking_switches_the_tablet_off(app: Flask, tablet: PageClient, staff_client: PageClient) -> None:
    listing = staff_client.get("/staff/kiosks")
    with app.app_context():
        device_id = db().scalars(select(KioskDevice.id)).one()
    staff_client.submit(listing, selector=f"form[action='/staff/kiosks/{device_id}/revoke']")
    assert tablet.get("/kiosk", expected_status=403).h1 == "This tablet is not set up"
    assert "Revoked" in staff_client.get("/staff/kiosks").text
    # Without the kiosk, the browser is an ordinary one again: responses are "online".
    start(tablet)
    assert responses(app) == [("online", None, "in_progress")]


def test_starts_are_limited_per_kiosk_not_per_address(
    app: Flask, tablet: PageClient, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setattr(channel, "START_LIMIT", Limit("kiosk:start:test", 2, 3600))
    for _ in range(2):
        start(tablet)
        tablet.get("/kiosk/timeout", follow_redirects=True)
    page = tablet.get("/s/library-co-design")
    tablet.submit(page, selector="main form[action$='/start']", expected_status=429)
    # Another browser at the same address is not affected.
    other = PageClient(app.test_client())
    start(other)
    with app.app_context():
        assert db().scalar(select(func.count(Response.id)).where(Response.channel == "online")) == 1
