"""The offline kiosk's server side: the bundle, page checks, queued responses stored exactly once,
the queue heartbeat, and handing a response over to a resident's own phone."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from engage.kiosk.models import KioskDevice
from engage.platform import clock
from engage.platform.database import db
from tests.support.kiosk import ANSWERS, HEADERS, all_pages, api, get_bundle, rows
from tests.support.pages import PageClient


def test_the_bundle_holds_every_page_but_no_personal_question(tablet: PageClient) -> None:
    bundle = get_bundle(tablet)
    ids = [page["id"] for page in bundle["pages"]]
    assert ids[:3] == ["visiting", "not_visiting", "your_library"]
    assert bundle["handoff"] is True and bundle["keep_unfinished"] is False
    about = next(page for page in bundle["pages"] if page["id"] == "about_you")
    assert [q["id"] for q in about["questions"]] == [
        "home_locality",
        "home_postcode",
        "community_group",
        "children_at_home",
    ]
    assert not any('name="callback_phone"' in page["html"] for page in bundle["pages"])
    assert 'name="home_locality"' in about["html"]
    page = tablet.get("/kiosk/run/library-co-design")
    runner = page.soup.select_one("#kiosk-runner")
    assert runner is not None and runner["data-bundle"] == "/kiosk/run/library-co-design/bundle.json?lang=en"


def test_a_queued_response_is_stored_once_however_often_it_is_sent(app: Flask, tablet: PageClient) -> None:
    bundle = get_bundle(tablet)
    payload = {
        "key": "k" * 20,
        "slug": bundle["slug"],
        "version": bundle["version"],
        "pages": all_pages(bundle),
    }
    first = api(tablet, "/kiosk/api/responses", payload)
    assert first.status_code == 201, first.get_json()
    reference = first.get_json()["reference"]
    again = api(tablet, "/kiosk/api/responses", payload)
    assert again.status_code == 200
    assert again.get_json() == {"status": "duplicate", "reference": reference, "flagged": False}
    [stored] = rows(app)
    assert (stored.channel, stored.branch_code, stored.locality_code, stored.status) == (
        "kiosk",
        "northgate-central",
        "northgate",
        "submitted",
    )
    assert stored.submission is not None and stored.submission.reference == reference
    assert stored.answers["one_change"] == "Open later on Thursdays"
    assert stored.answers["why_not"] == ["opening_hours"]
    assert stored.answers["priority_rank"] == ["learning_skills", "health_wellbeing", "culture_creativity"]
    assert "services_used" not in stored.answers, "a page routing skips is not stored"


def test_the_same_key_sent_twice_at_once_makes_one_row(app: Flask, tablet: PageClient) -> None:
    bundle = get_bundle(tablet)
    payload = {
        "key": "race-" + "x" * 20,
        "slug": bundle["slug"],
        "version": bundle["version"],
        "pages": all_pages(bundle),
    }
    cookie = tablet.client.get_cookie("engage_kiosk")
    assert cookie is not None
    statuses: list[int] = []

    def send() -> None:
        client = app.test_client()
        client.set_cookie("engage_kiosk", cookie.value)
        statuses.append(client.post("/kiosk/api/responses", json=payload, headers=HEADERS).status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses)[0] == 200 and statuses.count(201) == 1, statuses
    assert len(rows(app)) == 1


def test_answers_the_server_cannot_accept_are_left_out_not_the_response(
    app: Flask, tablet: PageClient
) -> None:
    bundle = get_bundle(tablet)
    pages = all_pages(bundle)
    pages["about_you"] = [["home_locality", "northgate"], ["children_at_home", "lots"]]
    payload = {
        "key": "bad-number-0000000",
        "slug": bundle["slug"],
        "version": bundle["version"],
        "pages": pages,
    }
    assert api(tablet, "/kiosk/api/responses", payload).status_code == 201
    [stored] = rows(app)
    assert stored.status == "submitted" and stored.answers["home_locality"] == "northgate"
    assert "children_at_home" not in stored.answers


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"key": "short"}, 422, "key must be"),
        ({"version": "1"}, 422, "version must be"),
        ({"version": 999_999}, 422, "not one residents can answer"),
        ({"pages": {"visiting": [["visit_frequency"]]}}, 422, "not a [name, value] pair"),
        ({"pages": []}, 422, "pages must be"),
        ({"complete": "yes"}, 422, "complete must be"),
    ],
)
def test_unreadable_payloads_are_refused_with_a_reason(
    tablet: PageClient, change: dict[str, Any], status: int, message: str
) -> None:
    bundle = get_bundle(tablet)
    payload = {"key": "q" * 20, "slug": bundle["slug"], "version": bundle["version"], "pages": {}}
    payload.update(change)
    response = api(tablet, "/kiosk/api/responses", payload)
    assert response.status_code == status
    assert message in response.get_json()["error"]


def test_only_an_enrolled_kiosk_may_send(app: Flask, tablet: PageClient, staff_client: PageClient) -> None:
    stranger = PageClient(app.test_client())
    assert api(stranger, "/kiosk/api/status", {"queued": 1}).status_code == 401
    assert api(tablet, "/kiosk/api/status", {"queued": 1}, headers={}).status_code == 400
    no_json = tablet.client.post("/kiosk/api/status", data="queued=1", headers=HEADERS)
    assert no_json.status_code == 400
    assert stranger.client.get("/kiosk/run/library-co-design/bundle.json").status_code == 403
    assert stranger.get("/kiosk/run/library-co-design", expected_status=403).h1 == "This tablet is not set up"


def test_the_queue_heartbeat_shows_on_the_staff_page(
    app: Flask, tablet: PageClient, staff_client: PageClient
) -> None:
    assert api(tablet, "/kiosk/api/status", {"queued": 3}).get_json() == {"ok": True}
    listing = staff_client.get("/staff/kiosks")
    cells = [cell.get_text(" ", strip=True) for cell in listing.soup.select("tbody td")]
    assert any(cell.startswith("3 waiting to send as of") for cell in cells), cells
    assert api(tablet, "/kiosk/api/status", {"queued": -1}).status_code == 422
    assert api(tablet, "/kiosk/api/status", {"queued": 0}).status_code == 200
    assert "None waiting" in staff_client.get("/staff/kiosks").text


def test_a_page_is_checked_by_the_server_rules(tablet: PageClient) -> None:
    bundle = get_bundle(tablet)
    base = {"slug": bundle["slug"], "version": bundle["version"]}
    empty = api(
        tablet, "/kiosk/api/check", {**base, "page": "visiting", "pages": {"visiting": []}}
    ).get_json()
    assert empty["ok"] is False
    assert empty["errors"] == [
        {
            "text": "Select how often you visit a library or heritage centre",
            "href": "#visit_frequency",
        }
    ]
    assert "govuk-error-message" in empty["html"]
    fine = api(
        tablet,
        "/kiosk/api/check",
        {**base, "page": "visiting", "pages": {"visiting": [["visit_frequency", "never"]]}},
    ).get_json()
    assert fine == {"ok": True, "errors": []}


def test_handing_over_to_a_phone_asks_the_personal_questions_there(app: Flask, tablet: PageClient) -> None:
    bundle = get_bundle(tablet)
    reply = api(
        tablet,
        "/kiosk/api/handoff",
        {"slug": bundle["slug"], "version": bundle["version"], "pages": all_pages(bundle)},
    )
    assert reply.status_code == 200
    data = reply.get_json()
    assert data["svg"].startswith("<svg") and 'aria-label="QR code"' in data["svg"]
    phone = PageClient(app.test_client())
    page = phone.get(data["url"].replace("http://127.0.0.1:5000", ""), follow_redirects=True)
    assert page.soup.select_one("input[name=callback_phone]") is not None
    assert (
        page.soup.select_one("input[name=home_locality][value=northgate][checked]") is not None
        or "northgate" in page.text
    )
    [stored] = rows(app)
    assert (stored.channel, stored.branch_code, stored.status) == (
        "online",
        "northgate-central",
        "in_progress",
    )


def test_handing_over_without_javascript(app: Flask, tablet: PageClient) -> None:
    page = tablet.submit(tablet.get("/s/library-co-design"), selector="main form[action$='/start']")
    while page.h1 != "Check your answers before sending them":
        page_id = page.response.request.path.rsplit("/", 1)[-1]
        page = tablet.submit(page, ANSWERS.get(page_id, {}))
    qr = tablet.submit(page, selector="form[action='/kiosk/handoff/library-co-design']")
    assert qr.h1 == "Continue on your own phone"
    assert qr.soup.select_one("svg.engage-qr") is not None
    # The tablet has forgotten the response: a reset does not delete it, and Back finds nothing.
    tablet.get("/kiosk/timeout", follow_redirects=True)
    [stored] = rows(app)
    assert (stored.channel, stored.status) == ("online", "in_progress")
    assert tablet.get_redirect("/s/library-co-design/check").endswith("/s/library-co-design")


def test_a_survey_can_keep_unfinished_answers_from_a_kiosk(
    app: Flask, keeps_unfinished: None, tablet: PageClient
) -> None:
    page = tablet.submit(tablet.get("/s/library-co-design"), selector="main form[action$='/start']")
    tablet.submit(page, {"visit_frequency": "weekly"})
    tablet.get("/kiosk/timeout", follow_redirects=True)
    bundle = get_bundle(tablet)
    assert bundle["keep_unfinished"] is True
    partial = {
        "key": "partial-0000000000",
        "slug": bundle["slug"],
        "version": bundle["version"],
        "complete": False,
        "pages": {"visiting": [["visit_frequency", "monthly"]]},
    }
    assert api(tablet, "/kiosk/api/responses", partial).get_json() == {
        "status": "stored",
        "reference": None,
        "flagged": False,
    }
    stored = rows(app)
    assert [(r.status, r.answers) for r in stored] == [
        ("in_progress", {"visit_frequency": "weekly"}),
        ("in_progress", {"visit_frequency": "monthly"}),
    ]


def test_an_unfinished_response_is_discarded_when_the_survey_says_so(app: Flask, tablet: PageClient) -> None:
    bundle = get_bundle(tablet)
    partial = {
        "key": "partial-1111111111",
        "slug": bundle["slug"],
        "version": bundle["version"],
        "complete": False,
        "pages": {},
    }
    assert api(tablet, "/kiosk/api/responses", partial).get_json() == {
        "status": "discarded",
        "reference": None,
        "flagged": False,
    }
    assert rows(app) == []


def test_a_revoked_kiosk_cannot_send(app: Flask, tablet: PageClient) -> None:
    bundle = get_bundle(tablet)
    with app.app_context():
        device = db().scalars(select(KioskDevice)).one()
        device.revoked_at = clock.now()
        device.token_hash = None
        db().commit()
    assert api(tablet, "/kiosk/api/status", {"queued": 0}).status_code == 401
    finished = {
        "key": "revoked-11111111111",
        "slug": bundle["slug"],
        "version": bundle["version"],
        "complete": True,
        "pages": {"visiting": [["visit_frequency", "weekly"]]},
    }
    assert api(tablet, "/kiosk/api/responses", finished).status_code == 401
    assert rows(app) == []


def test_a_slug_that_cannot_be_one_is_a_json_error(tablet: PageClient) -> None:
    # A NUL byte reached PostgreSQL, whose refusal came back as an HTML page to a JSON client.
    bundle = get_bundle(tablet)
    for slug in ("\x00", "library-co-design\x00", "x" * 5000, "../etc", "Library-Co-Design"):
        for url, body in (
            ("/kiosk/api/check", {"page": "visiting", "pages": {}}),
            ("/kiosk/api/handoff", {"pages": {}}),
            ("/kiosk/api/responses", {"key": "q" * 20, "pages": {}}),
        ):
            reply = api(tablet, url, {**body, "slug": slug, "version": bundle["version"]})
            assert reply.status_code == 422, (url, slug[:20])
            assert reply.get_json()["error"] == "slug is not a survey's web address"
