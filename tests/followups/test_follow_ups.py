"""Tell me what happened: consent on the thank-you page, confirmation, the emails (over real
SMTP to a local aiosmtpd server), only to consenting residents, once each, and unsubscribing."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from email.header import decode_header, make_header
from email.message import Message

from flask import Flask
from sqlalchemy import func, select

from engage.followups import services as follow_ups
from engage.followups.models import FollowUp, FollowUpNotice
from engage.platform import clock
from engage.platform.database import db
from engage.platform.maintenance import run_maintenance
from engage.platform.models import AuditEvent, OutboundEmail
from surveys.models import Response, Survey
from tests.conftest import FrozenClock
from tests.residents.conftest import SURVEY
from tests.support.actions import action_id, add_action, add_priority
from tests.support.followups import ask, send_answers
from tests.support.mail import Inbox
from tests.support.pages import PageClient
from tests.support.themes import SLUG, add_responses, analysed, corpus, run

CONFIRM = re.compile(r"http://[^/\s]+(/hear-back/confirm/[\w-]+)")
STOP = re.compile(r"http://[^/\s]+(/hear-back/stop/[\w.-]+)")

PUBLISH = {"publish": "publish", "open_reason": "An interim update"}


def outbox(app: Flask, purpose: str) -> list[OutboundEmail]:
    with app.app_context():
        found = list(
            db().scalars(
                select(OutboundEmail).where(OutboundEmail.purpose == purpose).order_by(OutboundEmail.id)
            )
        )
        db().expunge_all()
        return found


def rows(app: Flask) -> list[FollowUp]:
    with app.app_context():
        found = list(db().scalars(select(FollowUp).order_by(FollowUp.id)))
        db().expunge_all()
        return found


def path_in(pattern: re.Pattern[str], text: str) -> str:
    found = pattern.search(text)
    assert found is not None, text
    return found.group(1)


def test_the_offer_needs_a_valid_address_and_a_ticked_box(
    app: Flask, client: PageClient, publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    done = send_answers(client)
    assert done.soup.select_one("#hear-back") is not None
    box = done.soup.select_one("input[name=consent]")
    assert box is not None and not box.has_attr("checked"), "consent is never ticked for the resident"
    empty = ask(client, done, expected_status="400")
    assert empty.error_summary() == [
        "Enter your email address",
        "Tick the box to agree to us keeping your email address for this",
    ]
    unticked = ask(client, done, email="resident@example.org", expected_status="400")
    assert unticked.error_summary() == ["Tick the box to agree to us keeping your email address for this"]
    assert unticked.soup.select_one("input[name=email]")["value"] == "resident@example.org"
    bad = ask(client, done, email="not an email", consent="yes", expected_status="400")
    assert bad.error_summary() == ["Enter an email address in the correct format, like name@example.com"]
    assert bad.soup.select_one("input[name=consent][checked]") is not None, "the tick is kept"
    huge = ask(client, done, email="a" * 300 + "@example.org", consent="yes", expected_status="400")
    assert huge.error_summary() == ["Email address must be 254 characters or fewer"]
    assert rows(app) == [] and outbox(app, "follow_up_confirm") == []
    sent = ask(client, done, email="Resident@Example.org", consent="yes")
    assert "We have sent an email to Resident@example.org" in sent.text
    [row] = rows(app)
    assert row.email == "Resident@example.org" and row.confirmed_at is None
    assert "delete it after two years" in row.consent_text
    # Kept apart: the answers do not hold the address.
    with app.app_context():
        response = db().get(Response, row.response_id)
        assert response is not None and response.status == "submitted"
        assert "example.org" not in str(response.answers)
    [message] = outbox(app, "follow_up_confirm")
    assert message.to_address == "Resident@example.org"
    assert path_in(CONFIRM, message.text_body)


def test_confirming_needs_a_post_and_works_once(
    app: Flask, client: PageClient, publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    ask(client, send_answers(client), email="resident@example.org", consent="yes")
    link = path_in(CONFIRM, outbox(app, "follow_up_confirm")[0].text_body)
    visitor = PageClient(app.test_client())
    page = visitor.get(link)
    assert page.h1 == "Confirm you want to hear what happens"
    assert rows(app)[0].confirmed_at is None, "opening the link (a mail scanner) confirms nothing"
    confirmed = visitor.submit(page)
    assert confirmed.h1 == "You will hear what happens"
    assert rows(app)[0].confirmed_at is not None
    assert visitor.get(link, expected_status=404).h1 == "That link has expired"
    with app.app_context():
        assert db().scalar(select(func.count()).where(AuditEvent.action == "follow_up.confirmed")) == 1


def test_not_offered_when_the_survey_says_no(
    app: Flask, client: PageClient, publish_survey: Callable[..., Survey]
) -> None:
    data = copy.deepcopy(SURVEY)
    data["follow_up"] = False
    publish_survey(data)
    done = send_answers(client)
    assert done.soup.select_one("#hear-back") is None
    token = client.get("/s/test-survey").form("main form").select_one("input[name=csrf_token]")
    assert token is not None
    posted = client.post(
        "/s/test-survey/done", data={"email": "x@example.org", "consent": "yes", "csrf_token": token["value"]}
    )
    assert posted.status_code == 404
    assert rows(app) == []


def test_unconfirmed_addresses_expire_and_are_purged(
    app: Flask, client: PageClient, publish_survey: Callable[..., Survey], frozen_clock: FrozenClock
) -> None:
    publish_survey()
    ask(client, send_answers(client), email="resident@example.org", consent="yes")
    link = path_in(CONFIRM, outbox(app, "follow_up_confirm")[0].text_body)
    frozen_clock.advance(days=8)
    assert PageClient(app.test_client()).get(link, expected_status=404).h1 == "That link has expired"
    with app.app_context():
        results = run_maintenance()
    assert results["'tell me what happened' addresses (unconfirmed after 7 days, all after 2 years)"] == 1
    assert rows(app) == []


# --- the news emails --------------------------------------------------------------------


def residents(app: Flask, *, confirmed: int, unconfirmed: int) -> dict[str, list[str]]:
    """Give the first answers in themed responses a 'tell me' address; returns emails by theme."""
    by_theme: dict[str, list[str]] = {}
    analysis = analysed(app)
    assignments = analysis.result["assignments"]
    with app.app_context():
        responses = list(db().scalars(select(Response).order_by(Response.id)))
        for n, response in enumerate(responses[: confirmed + unconfirmed]):
            email = f"resident{n}@example.org"
            made = follow_ups.request_updates(db(), response, email, "words", clock.now())
            if n < confirmed:
                follow_ups.confirm(db(), made.follow_up, clock.now())
                by_theme.setdefault(assignments[response.public_id], []).append(email)
            else:
                by_theme.setdefault("unconfirmed", []).append(email)
        db().commit()
    return by_theme


def subject(message: Message) -> str:
    return " ".join(str(make_header(decode_header(str(message["Subject"])))).split())


def delivered(inbox: Inbox, subject_start: str) -> list[Message]:
    return [m for m in inbox.messages if subject(m).startswith(subject_start)]


def body(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def test_only_consenting_residents_hear_once_each_and_can_stop(
    app: Flask, survey: str, officer: PageClient, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, _port = smtp_server
    add_responses(app, corpus(1))
    run(officer)
    themes = analysed(app).result["themes"]
    people = residents(app, confirmed=6, unconfirmed=3)
    linked_theme = next(t for t in themes if t["id"] in people)
    linked = set(people[linked_theme["id"]])
    everyone_confirmed = {e for k, v in people.items() if k != "unconfirmed" for e in v}
    assert linked and linked != everyone_confirmed
    add_priority(officer)
    page = add_action(officer)
    officer.submit(
        page, {"theme": f"{analysed(app).id}:{linked_theme['id']}"}, selector="form[action$='/themes']"
    )
    # A status change before the page is published tells nobody.
    officer.submit(
        officer.get(page.response.request.path), {"status": "agreed"}, selector="form[action$='/status']"
    )
    assert delivered(inbox, "Update:") == []
    editor = officer.get(f"/staff/surveys/{SLUG}/you-said-we-did")
    assert f"{len(everyone_confirmed)} residents asked to hear what happened" in editor.text
    officer.submit(editor, PUBLISH, selector="main form")
    published = delivered(inbox, "What happened after")
    assert {m["To"] for m in published} == everyone_confirmed, "confirmed residents only"
    assert all(f"/you-said-we-did/{SLUG}" in body(m) for m in published)
    assert all(m["List-Unsubscribe"] and m["List-Unsubscribe-Post"] for m in published)
    # Unpublish and publish again: nobody hears twice.
    editor = officer.get(f"/staff/surveys/{SLUG}/you-said-we-did")
    officer.submit(editor, {"publish": "unpublish"}, selector="main form")
    officer.submit(
        officer.get(f"/staff/surveys/{SLUG}/you-said-we-did"),
        PUBLISH,
        selector="main form",
    )
    assert len(delivered(inbox, "What happened after")) == len(everyone_confirmed)
    # A status change on an action linked to their theme: only those residents.
    detail = f"/staff/actions/{action_id(app)}"
    officer.submit(officer.get(detail), {"status": "in_progress"}, selector="form[action$='/status']")
    updates = delivered(inbox, "Update: Evening opening pilot is now in progress")
    assert {m["To"] for m in updates} == linked
    assert "Now: In progress" in body(updates[0])
    # One resident stops: the address is deleted, and no more emails go to it.
    leaver = updates[0]
    stop = path_in(STOP, body(leaver))
    visitor = PageClient(app.test_client())
    assert visitor.get(stop).h1 == "Stop emails about this survey"
    # RFC 8058 one-click: a POST from the mail program, with no form and no CSRF token.
    assert visitor.client.post(stop, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert leaver["To"] not in {row.email for row in rows(app)}
    assert visitor.get(stop, expected_status=404).h1 == "That link has expired"
    officer.submit(officer.get(detail), {"status": "done"}, selector="form[action$='/status']")
    done = delivered(inbox, "Update: Evening opening pilot is now done")
    assert {m["To"] for m in done} == linked - {leaver["To"]}
    with app.app_context():
        notices = db().scalar(select(func.count(FollowUpNotice.id)))
        assert notices == len(everyone_confirmed) - 1 + 2 * len(linked) - 2, "the leaver's notices went too"


def test_a_response_linked_directly_hears_about_its_action(
    app: Flask, survey: str, officer: PageClient, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, _port = smtp_server
    add_responses(app, ["Please fix the broken lift at Northgate library"])
    with app.app_context():
        response = db().scalars(select(Response)).one()
        made = follow_ups.request_updates(db(), response, "lift@example.org", "words", clock.now())
        follow_ups.confirm(db(), made.follow_up, clock.now())
        db().commit()
        public_id = response.public_id
    add_priority(officer)
    add_action(officer, title="Repair the lift")
    page = officer.get(f"/staff/surveys/{SLUG}/responses/{public_id}")
    officer.submit(
        page, {"action": str(action_id(app, "Repair the lift"))}, selector="form[action$='/actions']"
    )
    editor = officer.get(f"/staff/surveys/{SLUG}/you-said-we-did")
    officer.submit(editor, PUBLISH, selector="main form")
    officer.submit(
        officer.get(f"/staff/actions/{action_id(app, 'Repair the lift')}"),
        {"status": "not_taken_forward", "reason": "The building is being replaced in 2027."},
        selector="form[action$='/status']",
    )
    [update] = delivered(inbox, "Update: Repair the lift")
    assert update["To"] == "lift@example.org"
    assert "Why: The building is being replaced in 2027." in body(update)


def test_confirming_after_publication_sends_the_published_email(
    app: Flask, survey: str, officer: PageClient
) -> None:
    add_responses(app, ["More books in Polish please"])
    officer.submit(
        officer.get(f"/staff/surveys/{SLUG}/you-said-we-did"),
        PUBLISH,
        selector="main form",
    )
    with app.app_context():
        response = db().scalars(select(Response)).one()
        made = follow_ups.request_updates(db(), response, "late@example.org", "words", clock.now())
        db().commit()
        token = made.token
    assert token is not None
    visitor = PageClient(app.test_client())
    visitor.submit(visitor.get(f"/hear-back/confirm/{token}"))
    [message] = outbox(app, "follow_up_published")
    assert message.to_address == "late@example.org" and message.status == "outbox"


def test_addresses_are_deleted_two_years_after_consent(
    app: Flask, survey: str, frozen_clock: FrozenClock
) -> None:
    add_responses(app, ["Quiet study space"])
    with app.app_context():
        response = db().scalars(select(Response)).one()
        made = follow_ups.request_updates(db(), response, "old@example.org", "words", clock.now())
        follow_ups.confirm(db(), made.follow_up, clock.now())
        db().commit()
    frozen_clock.advance(days=follow_ups.KEEP_DAYS - 1)
    with app.app_context():
        run_maintenance()
    assert len(rows(app)) == 1
    frozen_clock.advance(days=2)
    with app.app_context():
        run_maintenance()
        assert db().scalar(select(func.count(Response.id))) == 1, "the answers stay"
    assert rows(app) == []


def test_unsubscribe_links_cannot_be_forged(app: Flask) -> None:
    visitor = PageClient(app.test_client())
    assert visitor.get("/hear-back/stop/1.forged", expected_status=404).h1 == "That link has expired"
    assert visitor.client.post("/hear-back/stop/MQ.forged").status_code == 404
    assert visitor.get("/hear-back/confirm/nonsense", expected_status=404).h1 == "That link has expired"


def test_a_resident_who_answered_in_welsh_hears_in_welsh(
    app: Flask, survey: str, officer: PageClient
) -> None:
    app.config["ENGAGE_SETTINGS"].council_name_cy = "Cyngor Sir Anyshire"
    add_responses(app, ["Mwy o lyfrau Cymraeg os gwelwch yn dda"])
    officer.submit(officer.get(f"/staff/surveys/{SLUG}/you-said-we-did"), PUBLISH, selector="main form")
    with app.app_context():
        response = db().scalars(select(Response)).one()
        response.language = "cy"
        made = follow_ups.request_updates(db(), response, "cymraeg@example.org", "geiriau", clock.now())
        db().commit()
        token = made.token
    assert token is not None
    visitor = PageClient(app.test_client())
    visitor.submit(visitor.get(f"/hear-back/confirm/{token}"))
    [message] = outbox(app, "follow_up_published")
    assert message.subject.startswith("Beth ddigwyddodd ar ôl ")
    assert 'lang="cy"' in message.html_body
    assert "Gofynnoch i ni roi gwybod i chi beth ddigwyddodd ar ôl" in message.text_body
    assert message.text_body.startswith("Cyngor Sir Anyshire: "), "the council's Welsh name"
    assert f"/you-said-we-did/{SLUG}?lang=cy" in message.text_body
    stop = re.search(r"http://[^/\s]+(/hear-back/stop/\S+)", message.text_body)
    assert stop is not None and stop.group(1).endswith("?lang=cy")
    app.config["ENGAGE_SETTINGS"].council_name_cy = ""  # the page checks expect the test council's name
    page = visitor.get(stop.group(1))
    assert page.h1 == "Atal negeseuon e-bost am yr arolwg hwn"
