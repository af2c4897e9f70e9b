"""Queued kiosk responses are checked against their version's rules, as the online journey checks
each page: answers that pass are kept, the rest are left out and the response is flagged for staff;
an empty response, or one finished after the survey closed, is refused with a reason."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role
from engage.kiosk.models import KioskDevice, KioskRefusal
from engage.platform import clock
from engage.platform.database import db
from surveys import services
from tests.conftest import sign_in
from tests.kiosk.conftest import EXAMPLE
from tests.support.kiosk import all_pages, api, get_bundle, keeps_unfinished, rows
from tests.support.pages import PageClient

__all__ = ["keeps_unfinished"]

URL = "/kiosk/api/responses"


def payload(
    bundle: dict[str, Any], key: str, pages: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "key": key.ljust(16, "0"),
        "slug": bundle["slug"],
        "version": bundle["version"],
        "pages": all_pages(bundle) if pages is None else pages,
        **extra,
    }


def refusals(app: Flask) -> list[KioskRefusal]:
    with app.app_context():
        found = list(db().scalars(select(KioskRefusal).order_by(KioskRefusal.id)))
        db().expunge_all()
        return found


def device(app: Flask) -> KioskDevice:
    with app.app_context():
        found = db().scalars(select(KioskDevice)).one()
        db().expunge_all()
        return found


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


# --- what is kept, what is left out, and the flag -----------------------------------------------


def test_a_complete_response_with_no_answers_is_refused_not_stored(app: Flask, tablet: PageClient) -> None:
    bundle = get_bundle(tablet)
    reply = api(tablet, URL, payload(bundle, "empty-one", pages={}))
    assert reply.status_code == 422
    body = reply.get_json()
    assert body["status"] == "refused" and body["reason"] == "empty"
    assert body["error"] == "No answers that pass the survey's checks were sent, so there is nothing to keep"
    assert rows(app) == []
    [refusal] = refusals(app)
    assert (refusal.reason, refusal.survey_slug) == ("empty", bundle["slug"])
    assert refusal.client_key == "empty-one0000000"


def test_a_response_whose_every_answer_fails_the_checks_is_refused(app: Flask, tablet: PageClient) -> None:
    bundle = get_bundle(tablet)
    pages = {"visiting": [["visit_frequency", "daily-ish"]], "ideas": [["made_up", "hello"]]}
    reply = api(tablet, URL, payload(bundle, "all-bad", pages=pages))
    assert reply.status_code == 422 and reply.get_json()["reason"] == "empty"
    assert rows(app) == []
    assert refusals(app)[0].answers_sent == 2


def test_an_invalid_option_is_left_out_and_the_response_flagged(app: Flask, tablet: PageClient) -> None:
    bundle = get_bundle(tablet)
    pages = all_pages(bundle)
    pages["ideas"] = [["one_change", "Open later on Thursdays"], ["volunteering", "perhaps-later"]]
    reply = api(tablet, URL, payload(bundle, "bad-option", pages=pages))
    assert reply.status_code == 201
    body = reply.get_json()
    assert body["status"] == "stored" and body["flagged"] is True and body["reference"]
    [stored] = rows(app)
    assert stored.status == "submitted"
    assert stored.answers["one_change"] == "Open later on Thursdays"
    assert "volunteering" not in stored.answers
    assert stored.review_note is not None
    assert stored.review_note.startswith(
        "Sent from a kiosk with 1 answer that did not pass the survey's checks, so it was not kept: "
        "'Would you be interested in volunteering"
    ), stored.review_note
    assert device(app).flagged_count == 1


def test_answers_routing_skips_or_the_survey_does_not_ask_are_left_out(
    app: Flask, tablet: PageClient
) -> None:
    bundle = get_bundle(tablet)
    pages = all_pages(bundle)
    # visit_frequency is "never", so the "your library" page is skipped; the phone number is
    # never asked on a kiosk; "made_up" is not a question at all.
    pages["your_library"] = [["main_branch", "northgate-central"], ["services_used", "books"]]
    pages["about_you"] = [
        ["home_locality", "northgate"],
        ["callback_phone", "07700 900123"],
        ["made_up", "x"],
    ]
    pages["no_such_page"] = [["whatever", "y"]]
    reply = api(tablet, URL, payload(bundle, "skipped-pages", pages=pages))
    assert reply.status_code == 201 and reply.get_json()["flagged"] is True
    [stored] = rows(app)
    assert stored.answers["home_locality"] == "northgate"
    for gone in ("main_branch", "services_used", "callback_phone", "made_up", "whatever"):
        assert gone not in stored.answers
    assert stored.review_note is not None
    assert "5 answers to questions this response was not asked" in stored.review_note, stored.review_note


def test_an_untouched_response_is_not_flagged(app: Flask, tablet: PageClient) -> None:
    bundle = get_bundle(tablet)
    reply = api(tablet, URL, payload(bundle, "all-good"))
    assert reply.status_code == 201 and reply.get_json()["flagged"] is False
    [stored] = rows(app)
    assert stored.review_note is None
    assert device(app).flagged_count == 0


def test_a_required_answer_missing_flags_the_response_and_later_pages_are_still_read(
    app: Flask, tablet: PageClient
) -> None:
    bundle = get_bundle(tablet)
    pages = all_pages(bundle)
    del pages["priorities"]
    reply = api(tablet, URL, payload(bundle, "no-priorities", pages=pages))
    assert reply.status_code == 201 and reply.get_json()["flagged"] is True
    [stored] = rows(app)
    assert stored.status == "submitted"
    assert "priority_rank" not in stored.answers
    assert stored.answers["one_change"] == "Open later on Thursdays", "pages after the gap are read"
    assert stored.review_note is not None
    assert (
        "2 required questions not answered: 'Which three areas should libraries in your locality focus on'"
        in stored.review_note
    ), stored.review_note


def test_an_unfinished_response_is_not_flagged_for_missing_answers(
    app: Flask, keeps_unfinished: None, tablet: PageClient
) -> None:
    bundle = get_bundle(tablet)
    visiting = {"visiting": [["visit_frequency", "never"]]}
    partial = payload(bundle, "partial-ok", pages=visiting, complete=False)
    assert api(tablet, URL, partial).get_json() == {"status": "stored", "reference": None, "flagged": False}
    [stored] = rows(app)
    assert (stored.status, stored.review_note) == ("in_progress", None)
    empty = payload(bundle, "partial-empty", pages={"visiting": [["visit_frequency", "??"]]}, complete=False)
    assert api(tablet, URL, empty).get_json()["status"] == "discarded"
    assert len(rows(app)) == 1


def test_idempotency_holds_for_flagged_and_refused_responses(app: Flask, tablet: PageClient) -> None:
    bundle = get_bundle(tablet)
    pages = all_pages(bundle)
    pages["about_you"] = [["home_locality", "northgate"], ["children_at_home", "lots"]]
    first = api(tablet, URL, payload(bundle, "flag-twice", pages=pages))
    again = api(tablet, URL, payload(bundle, "flag-twice", pages=pages))
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["reference"] == first.get_json()["reference"]
    assert len(rows(app)) == 1 and device(app).flagged_count == 1
    for _ in range(2):
        refused = api(tablet, URL, payload(bundle, "empty-twice", pages={}))
        assert refused.status_code == 422 and refused.get_json()["reason"] == "empty"
    assert len(refusals(app)) == 1


# --- when the survey closed while the tablet was offline ----------------------------------------


def set_times(app: Flask, *, published: timedelta, closed: timedelta | None) -> datetime:
    """Publish the survey ``published`` ago and close it ``closed`` ago; returns now."""
    now = clock.now()
    with app.app_context():
        survey = services.get_survey(db(), "library-co-design")
        assert survey is not None and survey.published is not None
        survey.published.published_at = now - published
        survey.closed_at = None if closed is None else now - closed
        db().commit()
    return now


def test_a_response_finished_before_the_survey_closed_is_accepted(app: Flask, tablet: PageClient) -> None:
    bundle = get_bundle(tablet)
    now = set_times(app, published=timedelta(days=5), closed=timedelta(days=1))
    sent = payload(bundle, "before-close", finished_at=iso(now - timedelta(days=2)))
    reply = api(tablet, URL, sent)
    assert reply.status_code == 201, reply.get_json()
    [stored] = rows(app)
    assert stored.status == "submitted"


def test_a_response_finished_after_the_survey_closed_is_refused(app: Flask, tablet: PageClient) -> None:
    bundle = get_bundle(tablet)
    now = set_times(app, published=timedelta(days=5), closed=timedelta(days=1))
    reply = api(tablet, URL, payload(bundle, "after-close", finished_at=iso(now - timedelta(hours=2))))
    assert reply.status_code == 422
    body = reply.get_json()
    assert (body["status"], body["reason"]) == ("refused", "closed")
    assert body["error"] == "The survey had closed when these answers were finished, so they were not kept"
    assert rows(app) == []
    [refusal] = refusals(app)
    assert refusal.reason == "closed" and refusal.finished_at == now - timedelta(hours=2)


@pytest.mark.parametrize(
    "finished",
    [
        timedelta(days=-3),  # in the future
        timedelta(days=6),  # before the version was published
        timedelta(days=400),  # longer ago than a tablet may hold answers
    ],
)
def test_a_finishing_time_that_cannot_be_trusted_counts_as_the_time_it_arrived(
    app: Flask, tablet: PageClient, finished: timedelta
) -> None:
    bundle = get_bundle(tablet)
    now = set_times(app, published=timedelta(days=5), closed=timedelta(days=1))
    reply = api(tablet, URL, payload(bundle, f"untrusted-{finished.days}", finished_at=iso(now - finished)))
    assert reply.status_code == 422 and reply.get_json()["reason"] == "closed"
    assert rows(app) == []
    # While the survey is open, the same untrusted time does not stop the response.
    set_times(app, published=timedelta(days=5), closed=None)
    reply = api(tablet, URL, payload(bundle, f"open-{finished.days}", finished_at=iso(now - finished)))
    assert reply.status_code == 201


def test_a_response_without_a_finishing_time_counts_as_finished_when_it_arrived(
    app: Flask, tablet: PageClient
) -> None:
    bundle = get_bundle(tablet)
    set_times(app, published=timedelta(days=5), closed=timedelta(days=1))
    reply = api(tablet, URL, payload(bundle, "no-time"))
    assert reply.status_code == 422 and reply.get_json()["reason"] == "closed"


@pytest.mark.parametrize("finished_at", ["yesterday", "2026-13-45T00:00:00Z", "2026-11-25T10:00:00", 12345])
def test_an_unreadable_finishing_time_is_refused(tablet: PageClient, finished_at: Any) -> None:
    bundle = get_bundle(tablet)
    reply = api(tablet, URL, payload(bundle, "bad-time", finished_at=finished_at))
    assert reply.status_code == 422
    assert "finished_at must be" in reply.get_json()["error"]


def test_a_survey_not_offered_at_the_kiosks_branch_is_refused(app: Flask, tablet: PageClient) -> None:
    other = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    other["slug"] = "riverside-only"
    other["localities"] = [loc for loc in other["localities"] if loc["code"] == "riverside-valley"]
    other.pop("translations", None)  # they name the areas and libraries left out
    with app.app_context():
        version = services.save_definition(db(), other, clock.now())
        services.publish(db(), version.survey, clock.now())
        db().commit()
        version_id = version.id
    pages = {"visiting": [["visit_frequency", "never"]]}
    sent = {"key": "other-branch-0000", "slug": "riverside-only", "version": version_id, "pages": pages}
    reply = api(tablet, URL, sent)
    assert reply.status_code == 422 and reply.get_json()["reason"] == "branch"
    assert rows(app) == []


def test_a_draft_version_is_refused(app: Flask, tablet: PageClient) -> None:
    bundle = get_bundle(tablet)
    with app.app_context():
        survey = services.get_survey(db(), bundle["slug"])
        assert survey is not None and survey.published is not None
        draft = services.save_definition(db(), copy.deepcopy(survey.published.definition), clock.now())
        db().commit()
        draft_id = draft.id
    reply = api(tablet, URL, {**payload(bundle, "draft-version"), "version": draft_id})
    assert reply.status_code == 422 and reply.get_json()["reason"] == "version"
    assert rows(app) == [] and refusals(app)[0].reason == "version"


# --- what staff see -----------------------------------------------------------------------------


def test_staff_see_and_filter_flagged_responses_and_refusals(
    app: Flask, tablet: PageClient, staff_client: PageClient, make_staff: Any
) -> None:
    bundle = get_bundle(tablet)
    good = api(tablet, URL, payload(bundle, "staff-good")).get_json()["reference"]
    pages = all_pages(bundle)
    pages["ideas"] = [["one_change", "More books"], ["volunteering", "perhaps-later"]]
    flagged = api(tablet, URL, payload(bundle, "staff-flagged", pages=pages)).get_json()["reference"]
    assert api(tablet, URL, payload(bundle, "staff-empty", pages={})).status_code == 422

    viewer = PageClient(app.test_client())
    sign_in(viewer, make_staff(Role.VIEWER).email)
    listing = viewer.get("/staff/surveys/library-co-design/responses")
    row_text = {
        row.select_one("th").get_text(strip=True): row.get_text(" ", strip=True)
        for row in listing.soup.select("tbody tr")
    }
    assert "Flagged" in row_text[flagged] and "Flagged" not in row_text[good], row_text
    only = viewer.get("/staff/surveys/library-co-design/responses?review=flagged")
    assert [th.get_text(strip=True) for th in only.soup.select("tbody th")] == [flagged]
    assert "1 submitted response match these filters" in only.text
    link = only.soup.select_one("tbody th a")
    assert link is not None
    detail = viewer.get(str(link["href"]))
    note = detail.soup.select_one("#review-note")
    assert note is not None
    assert "did not pass the survey's checks, so it was not kept" in note.get_text(" ", strip=True)
    bad_filter = viewer.get("/staff/surveys/library-co-design/responses?review=nonsense")
    assert len(bad_filter.soup.select("tbody tr")) == 2

    kiosks = staff_client.get("/staff/kiosks")
    cells = " ".join(cell.get_text(" ", strip=True) for cell in kiosks.soup.select("tbody td"))
    assert "1 flagged" in cells and "1 refused" in cells, cells
    refused = kiosks.soup.select_one("#refusals")
    assert refused is not None
    assert "No answers that pass the survey's checks were sent" in refused.get_text(" ", strip=True)


def test_a_tablet_cannot_hand_a_closed_survey_over_to_a_phone(app: Flask, tablet: PageClient) -> None:
    bundle = get_bundle(tablet)
    set_times(app, published=timedelta(days=5), closed=timedelta(minutes=1))
    sent = {"slug": bundle["slug"], "version": bundle["version"], "pages": all_pages(bundle)}
    reply = api(tablet, "/kiosk/api/handoff", sent)
    assert reply.status_code == 422
    assert (
        reply.get_json()["error"] == "The survey has closed, so these answers cannot be continued on a phone"
    )
    assert rows(app) == []


def test_another_kiosks_key_does_not_reveal_its_reference(
    app: Flask, tablet: PageClient, staff_client: PageClient
) -> None:
    bundle = get_bundle(tablet)
    first = api(tablet, URL, payload(bundle, "shared-key"))
    assert first.status_code == 201
    page = staff_client.get("/staff/kiosks/new")
    done = staff_client.submit(page, {"name": "Eastfield tablet", "branch": "eastfield", "idle": "120"})
    code = done.soup.select_one("#enrol-code")
    assert code is not None
    other = PageClient(app.test_client())
    other.submit(other.get("/kiosk/enrol"), {"code": code.get_text(strip=True)})
    again = api(other, URL, payload(bundle, "shared-key"))
    assert again.status_code == 200
    assert again.get_json() == {"status": "duplicate", "reference": None, "flagged": False}
    assert len(rows(app)) == 1
