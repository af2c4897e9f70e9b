"""Personal data in the outbox: each email is tied to the person it concerns, so erasing,
unsubscribing or purging that person removes their emails too; the goodbye email of an
erasure is deleted once sent (or after a day if it cannot be); and every email goes
after ENGAGE_OUTBOX_RETENTION_DAYS."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import JSON, func, select

from engage.accounts.models import Role, StaffUser
from engage.followups import services as follow_ups
from engage.followups.models import FollowUp
from engage.platform import clock, mail
from engage.platform.database import db
from engage.platform.maintenance import run_maintenance
from engage.platform.models import OutboundEmail
from surveys.models import Response, Survey
from tests.conftest import FrozenClock, sign_in
from tests.forums.conftest import link_in, make_forum, members, outbox
from tests.residents.conftest import publish_survey
from tests.support.forums import confirm_latest, register
from tests.support.mail import Inbox, save_and_email, smtp_server
from tests.support.pages import PageClient

__all__ = ["make_forum", "publish_survey", "smtp_server"]

PRIYA = ("Priya Shah", "priya@example.org", "Northbrook Arts Collective", "Coordinator", "Step-free access")
OTHER = "sam@example.org"


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    if "smtp_server" not in request.fixturenames:
        return {}
    _inbox, port = request.getfixturevalue("smtp_server")
    return {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_use_tls": False}


def holding(app: Flask, *needles: str) -> list[tuple[int, str, str]]:
    """Every (email id, column, needle) where an outbox row holds one of ``needles``, in any
    text or JSON column."""
    found = []
    columns = OutboundEmail.__table__.columns
    with app.app_context():
        for row in db().execute(select(*columns)).mappings():
            for column in columns:
                value = row[column.name]
                if isinstance(column.type, JSON):
                    value = json.dumps(value, ensure_ascii=False)
                if not isinstance(value, str):
                    continue
                found += [(row["id"], column.name, n) for n in needles if n.casefold() in value.casefold()]
    return found


def rows_of(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db().scalar(select(func.count()).select_from(model)) or 0)


def emails(app: Flask) -> int:
    return rows_of(app, OutboundEmail)


def a_member_with_emails(client: PageClient, app: Flask, make_forum: Callable[..., str]) -> PageClient:
    """Priya and Sam sign up and confirm; Priya asks for a link. Returns a client for an officer."""
    make_forum()
    register(client, email=OTHER, name="Sam Jones", organisation="")
    confirm_latest(client, app)
    register(client, access_needs="Step-free access please")
    confirm_latest(client, app)
    client.submit(client.get("/forums/manage"), {"email": PRIYA[1]})
    return PageClient(app.test_client())


def manage_link(app: Flask) -> str:
    """Priya's newest self-service link (each new one replaces the last)."""
    latest = [m for m in outbox(app) if m.to_address == PRIYA[1] and "/forums/manage/" in m.text_body]
    return link_in(latest[-1], "/forums/manage/").split("?")[0]  # without ?lang=


def email_members(app: Flask, staff: PageClient, make_staff: Callable[..., StaffUser]) -> None:
    sign_in(staff, make_staff(Role.OFFICER).email)
    page = staff.get("/staff/forums/culture-forum/email")
    check = staff.submit(page, {"subject": "Spring meeting", "body": "Papers attached.", "audience": "all"})
    assert "being sent to 2 people" in staff.submit(check).text


def test_leaving_erases_every_email_about_the_member_and_the_goodbye_once_sent(
    client: PageClient,
    app: Flask,
    make_forum: Callable[..., str],
    make_staff: Callable[..., StaffUser],
    smtp_server: tuple[Inbox, int],
) -> None:
    inbox, _port = smtp_server
    staff = a_member_with_emails(client, app, make_forum)
    email_members(app, staff, make_staff)
    assert {n for _, _, n in holding(app, *PRIYA)} == {PRIYA[0], PRIYA[1]}, "her emails name her"
    before = emails(app)

    client.submit(client.get(manage_link(app) + "/leave"))

    assert holding(app, *PRIYA) == [], "nothing about Priya is left in the outbox"
    goodbye = inbox.messages[-1]
    assert goodbye["To"] == PRIYA[1] and goodbye["Subject"] == "You have left Northbrook Cultural Forum"
    assert "Priya" not in goodbye.as_string(), "the goodbye does not repeat their name"
    assert holding(app, OTHER, "Sam Jones"), "other members' emails stay"
    # Her confirmation, welcome, link and the officer's email went; the goodbye came and went.
    assert emails(app) == before - 4
    assert members(app)[1].name is None


def test_without_a_mail_server_the_goodbye_waits_a_day_at_most(
    client: PageClient,
    app: Flask,
    make_forum: Callable[..., str],
    frozen_clock: FrozenClock,
) -> None:
    a_member_with_emails(client, app, make_forum)
    client.submit(client.get(manage_link(app) + "/leave"))
    # The goodbye is the only email left that mentions Priya: her address, not her name.
    [goodbye] = outbox(app, "forum_left")
    assert goodbye.status == "outbox" and goodbye.to_address == PRIYA[1]
    assert {n for _, _, n in holding(app, *PRIYA)} == {PRIYA[1]}
    assert goodbye.discard_after == goodbye.created_at + timedelta(hours=24)
    frozen_clock.advance(hours=23)
    with app.app_context():
        run_maintenance()
    assert len(outbox(app, "forum_left")) == 1, "staff can still read it for a day"
    frozen_clock.advance(hours=2)
    with app.app_context():
        results = run_maintenance()
    assert results["outbox emails (sent, failed or unsent) after the retention period"] == 1
    assert holding(app, *PRIYA) == []
    assert holding(app, OTHER)


def test_an_officer_erasing_a_member_erases_their_emails(
    client: PageClient,
    app: Flask,
    make_forum: Callable[..., str],
    make_staff: Callable[..., StaffUser],
) -> None:
    staff = a_member_with_emails(client, app, make_forum)
    email_members(app, staff, make_staff)
    priya = next(m for m in members(app) if m.email == PRIYA[1])
    page = staff.get(f"/staff/forums/culture-forum/members/{priya.id}/erase")
    staff.submit(page)
    assert holding(app, *PRIYA) == []
    assert holding(app, OTHER)


def test_lapsing_and_unconfirmed_purges_erase_the_emails_too(
    client: PageClient, app: Flask, make_forum: Callable[..., str], frozen_clock: FrozenClock
) -> None:
    make_forum()
    register(client)  # never confirmed
    frozen_clock.advance(days=8)
    with app.app_context():
        run_maintenance()
    assert members(app) == [] and holding(app, *PRIYA) == []

    register(client)
    confirm_latest(client, app)
    frozen_clock.advance(days=731)
    with app.app_context():
        run_maintenance()  # the reminder was sent and the membership lapsed
    assert holding(app, *PRIYA) == []


def test_unsubscribing_from_follow_ups_and_expired_resume_emails_go_with_their_data(
    client: PageClient,
    app: Flask,
    publish_survey: Callable[..., Survey],
    frozen_clock: FrozenClock,
) -> None:
    from tests.support.followups import ask, send_answers

    publish_survey()
    save_and_email(client, "resume@example.org")
    assert holding(app, "resume@example.org")
    frozen_clock.advance(days=31)  # the unfinished response expires
    with app.app_context():
        run_maintenance()
    assert rows_of(app, Response) == 0
    assert holding(app, "resume@example.org") == []

    resident = PageClient(app.test_client())
    ask(resident, send_answers(resident), email="tell.me@example.org", consent="yes")
    assert holding(app, "tell.me@example.org")
    with app.test_request_context():
        stop = follow_ups.unsubscribe_token(db().scalars(select(FollowUp)).one())
    resident.submit(resident.get(f"/hear-back/stop/{stop}"))
    assert rows_of(app, FollowUp) == 0
    assert holding(app, "tell.me@example.org") == []


def test_unconfirmed_follow_up_addresses_purged_take_their_email(
    client: PageClient,
    app: Flask,
    publish_survey: Callable[..., Survey],
    frozen_clock: FrozenClock,
) -> None:
    from tests.support.followups import ask, send_answers

    publish_survey()
    ask(client, send_answers(client), email="tell.me@example.org", consent="yes")
    frozen_clock.advance(days=8)
    with app.app_context():
        run_maintenance()
    assert holding(app, "tell.me@example.org") == []


def _email(app: Flask, to: str, status: str, age: timedelta) -> None:
    with app.test_request_context():
        message = mail.send(to, "Hello", "forum_left", purpose="test", forum={"name": "X"})
        message.status = status
        message.created_at = clock.now() - age
        db().commit()


@pytest.mark.parametrize("days", [30, 7])
def test_emails_go_after_the_retention_period_whatever_their_status(
    app: Flask, frozen_clock: FrozenClock, days: int
) -> None:
    app.config["ENGAGE_SETTINGS"].outbox_retention_days = days
    for status in ("sent", "failed", "outbox", "queued"):
        _email(app, f"old.{status}@example.org", status, timedelta(days=days, minutes=1))
        _email(app, f"new.{status}@example.org", status, timedelta(days=days, minutes=-1))
    with app.app_context():
        results = run_maintenance()
    assert results["outbox emails (sent, failed or unsent) after the retention period"] == 4
    assert holding(app, "old.") == []
    assert len(holding(app, "new.")) >= 4


def test_the_outbox_page_says_how_long_emails_are_kept(
    app: Flask, client: PageClient, signed_in: Callable[[Role], StaffUser]
) -> None:
    app.config["ENGAGE_SETTINGS"].outbox_retention_days = 14
    signed_in(Role.OFFICER)
    assert "kept here for 14 days (ENGAGE_OUTBOX_RETENTION_DAYS)" in client.get("/staff/outbox").text


def test_a_delivery_job_for_an_erased_email_does_nothing(app: Flask) -> None:
    _email(app, "gone@example.org", "queued", timedelta(0))
    with app.app_context():
        message_id = db().scalars(select(OutboundEmail.id)).one()
        db().execute(OutboundEmail.__table__.delete())
        db().commit()
    with app.test_request_context():
        mail.deliver(message_id)  # the row went with the person: nothing to send, no error
