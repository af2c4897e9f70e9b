"""Meetings with waiting lists, and retention proven by moving the clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from click.testing import Result
from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role, StaffUser
from engage.forums import services
from engage.forums.models import Forum, ForumMeeting, MemberStatus
from engage.platform import clock
from engage.platform.database import db
from engage.platform.models import AuditEvent
from tests.conftest import FrozenClock
from tests.forums.conftest import link_in, members, outbox
from tests.support.forums import register
from tests.support.pages import PageClient


def add_meeting(app: Flask, capacity: int = 1) -> int:
    with app.app_context():
        forum = db().scalar(select(Forum))
        assert forum is not None
        meeting = ForumMeeting(
            forum=forum,
            title="Spring forum meeting",
            starts_at=clock.now() + timedelta(days=20),
            place="Northbrook Library, Community Room",
            capacity=capacity,
            details="",
            created_at=clock.now(),
        )
        db().add(meeting)
        db().commit()
        return meeting.id


def test_booking_a_meeting_uses_a_waiting_list(
    client: PageClient,
    app: Flask,
    make_forum: Callable[..., str],
    confirmed_member: Callable[..., str],
    frozen_clock: FrozenClock,
) -> None:
    make_forum()
    first = confirmed_member(email="first@example.org")
    second = confirmed_member(email="second@example.org")
    meeting_id = add_meeting(app, capacity=1)
    selector = f"form[action='/forums/manage/{{}}/meetings/{meeting_id}']"

    booked = client.submit(client.get(f"/forums/manage/{first}"), selector=selector.format(first))
    assert "You have a place at the meeting" in booked.text
    waiting = client.submit(client.get(f"/forums/manage/{second}"), selector=selector.format(second))
    assert "You are on the waiting list" in waiting.text
    # Giving up the place passes it to the person waiting.
    page = client.get(f"/forums/manage/{first}")
    client.submit(page, {"action": "cancel"}, selector=selector.format(first))
    with app.app_context():
        meeting = db().get(ForumMeeting, meeting_id)
        assert meeting is not None
        assert [b.member.email for b in meeting.booked] == ["second@example.org"]
        assert meeting.waiting == []


def run_purge(app: Flask) -> Result:
    result = app.test_cli_runner().invoke(args=["forums", "purge"])
    assert result.exit_code == 0, result.output
    return result


def test_unconfirmed_sign_ups_are_deleted_after_the_configured_days(
    client: PageClient, app: Flask, make_forum: Callable[..., str], frozen_clock: FrozenClock
) -> None:
    make_forum()
    register(client)
    link = link_in(outbox(app, "forum_confirm")[-1], "/forums/confirm/")
    frozen_clock.advance(days=6, hours=23)
    assert "0 unconfirmed sign-ups deleted" in run_purge(app).output
    assert len(members(app)) == 1
    frozen_clock.advance(hours=2)
    assert "1 unconfirmed sign-ups deleted" in run_purge(app).output
    assert members(app) == []
    client.get(link, expected_status=404)
    with app.app_context():
        event = db().scalar(select(AuditEvent).where(AuditEvent.action == "forums.purged"))
        assert event is not None and event.details["unconfirmed sign-ups deleted"] == 1


def test_members_are_reminded_then_erased_unless_they_reconfirm(
    client: PageClient,
    app: Flask,
    make_forum: Callable[..., str],
    confirmed_member: Callable[..., str],
    frozen_clock: FrozenClock,
) -> None:
    make_forum()
    confirmed_member(email="stays@example.org")
    confirmed_member(email="goes@example.org")
    frozen_clock.advance(days=730 - 31)
    assert "0 members reminded" in run_purge(app).output
    frozen_clock.advance(days=2)
    assert "2 members reminded to re-confirm" in run_purge(app).output
    assert "0 members reminded" in run_purge(app).output, "one reminder per period"
    reminders = {m.to_address: m for m in outbox(app, "forum_reminder")}
    assert set(reminders) == {"stays@example.org", "goes@example.org"}
    assert "List-Unsubscribe" in reminders["goes@example.org"].headers

    assert (
        "Confirm you want to stay"
        in client.get(link_in(reminders["stays@example.org"], "/forums/manage/")).text
    )
    stay = client.get(link_in(reminders["stays@example.org"], "/forums/manage/").split("?")[0] + "/stay")
    assert client.submit(stay).h1 == "Your forum membership"

    frozen_clock.advance(days=30)
    assert "1 lapsed members erased" in run_purge(app).output
    by_status = {m.status: m for m in members(app)}
    assert by_status[MemberStatus.ACTIVE].email == "stays@example.org"
    lapsed = by_status[MemberStatus.LAPSED]
    assert lapsed.email is None and lapsed.name is None
    assert all(c.withdrawal_reason == "lapsed" for c in lapsed.consents)


def test_reconfirming_on_new_wording_records_the_new_version(
    client: PageClient,
    app: Flask,
    make_forum: Callable[..., str],
    confirmed_member: Callable[..., str],
    make_staff: Callable[..., StaffUser],
) -> None:
    make_forum()
    token = confirmed_member()
    officer = make_staff(Role.OFFICER)
    with app.app_context():
        by = db().get(StaffUser, officer.id)
        assert by is not None
        services.new_wording(
            db(),
            "We have updated our wording. {membership}",
            {"updates": "Email me updates."},
            clock.now(),
            by=by,
        )
        db().commit()
    page = client.get(f"/forums/manage/{token}")
    assert "We have changed how we describe" in page.text
    stay = client.get(f"/forums/manage/{token}/stay")
    assert "Consent wording version 2" in stay.text
    refused = client.submit(stay, {"purposes": ["updates"]}, expected_status=400)
    assert "To stay in the forum" in refused.error_summary()[0]
    client.submit(client.get(f"/forums/manage/{token}/stay"), {"purposes": ["membership"]})
    [member] = members(app)
    current = member.current_consents()
    assert [(c.purpose, c.wording.version) for c in current] == [("membership", 2)]
    assert len(member.consents) == 3  # the two version-1 records stay, withdrawn
