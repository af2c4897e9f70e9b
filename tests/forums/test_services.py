"""Service level: the forum's membership rules without pages (one app context, explicit
times): validation keeps what was typed, a second sign-up never makes a second member,
a link works until it expires, a full forum puts people on its waiting list, meetings
give freed places to whoever waited longest, and retention reminds, then erases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from engage.accounts.models import Role, StaffUser
from engage.forums import services
from engage.forums.models import Forum, ForumMeeting, ForumMember, MemberStatus
from engage.platform.database import db
from engage.platform.models import AuditEvent, OutboundEmail
from surveys.refusal import RefusedError
from tests.forums.conftest import make_forum

__all__ = ["make_forum"]

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
RETENTION = services.Retention(
    unconfirmed=timedelta(days=7), membership=timedelta(days=730), reminder=timedelta(days=30)
)


def _data(**changes: object) -> services.SignUp:
    values: dict[str, object] = {
        "name": "Priya Shah",
        "email": "priya@example.org",
        "organisation_type": "arts-heritage",
        "localities": ["Northbrook"],
        "interests": ["culture-creativity"],
        "purposes": ["membership", "updates"],
    }
    values.update(changes)
    return services.SignUp(**values)  # type: ignore[arg-type]


def _forum(slug: str = "culture-forum") -> Forum:
    forum = db().scalar(select(Forum).where(Forum.slug == slug))
    assert forum is not None
    return forum


def _member(forum: Forum, email: str = "priya@example.org", at: datetime = NOW) -> ForumMember:
    wording = services.current_wording(db(), at)
    outcome = services.sign_up(db(), forum, _data(email=email), wording, at, RETENTION)
    assert outcome.confirm_token is not None
    services.confirm(db(), outcome.member, at, RETENTION)
    return outcome.member


def test_validation_names_every_problem_and_keeps_what_was_typed(
    app: Flask, make_forum: Callable[..., str]
) -> None:
    make_forum()
    with app.app_context():
        forum, wording = _forum(), services.current_wording(db(), NOW)
        typed = _data(name="  ", email="priya@", localities=["Atlantis"], interests=[], purposes=["updates"])
        cleaned, errors = services.validate(typed, forum, wording)
        assert set(errors) == {"name", "email", "localities", "interests", "purposes"}
        assert list(errors) == ["name", "email", "localities", "interests", "purposes"]
        assert cleaned.purposes == ["updates"] and typed.email == "priya@"
        _, fine = services.validate(_data(), forum, wording)
        assert fine == {}


def test_a_second_sign_up_refreshes_the_first_and_a_member_gets_their_link(
    app: Flask, make_forum: Callable[..., str]
) -> None:
    make_forum()
    with app.app_context():
        forum, wording = _forum(), services.current_wording(db(), NOW)
        first = services.sign_up(db(), forum, _data(), wording, NOW, RETENTION)
        again = services.sign_up(db(), forum, _data(email=" PRIYA@example.org "), wording, NOW, RETENTION)
        assert (first.kind, again.kind) == ("new", "pending-again")
        assert again.member is first.member
        assert services.find_by_confirm_token(db(), str(first.confirm_token), NOW) is None, (
            "the old link dies"
        )
        found = services.find_by_confirm_token(db(), str(again.confirm_token), NOW)
        assert found is first.member
        services.confirm(db(), found, NOW, RETENTION)
        member_again = services.sign_up(db(), forum, _data(), wording, NOW, RETENTION)
        assert member_again.kind == "already-member" and member_again.manage_token
        count = db().scalar(select(func.count()).select_from(ForumMember))
        assert count == 1


def test_a_confirmation_link_expires_and_consent_starts_only_when_it_is_used(
    app: Flask, make_forum: Callable[..., str]
) -> None:
    make_forum()
    with app.app_context():
        forum, wording = _forum(), services.current_wording(db(), NOW)
        outcome = services.sign_up(db(), forum, _data(), wording, NOW, RETENTION)
        assert outcome.member.consents == [] and outcome.member.status == MemberStatus.PENDING
        late = NOW + RETENTION.unconfirmed + timedelta(seconds=1)
        assert services.find_by_confirm_token(db(), str(outcome.confirm_token), late) is None
        services.confirm(db(), outcome.member, NOW, RETENTION)
        assert sorted(c.purpose for c in outcome.member.consents) == ["membership", "updates"]
        assert {c.wording_id for c in outcome.member.consents} == {wording.id}


def test_a_full_forum_puts_later_members_on_its_waiting_list(
    app: Flask, make_forum: Callable[..., str]
) -> None:
    make_forum(capacity=1)
    with app.app_context():
        forum = _forum()
        first, second = _member(forum, "first@example.org"), _member(forum, "second@example.org")
        assert (first.status, second.status) == (MemberStatus.ACTIVE, MemberStatus.WAITING)
        assert services.status_counts(db(), forum)[MemberStatus.WAITING] == 1


def test_a_freed_meeting_place_goes_to_whoever_waited_longest(
    app: Flask, make_forum: Callable[..., str]
) -> None:
    make_forum()
    with app.app_context():
        forum = _forum()
        meeting = ForumMeeting(
            forum=forum,
            title="Spring meeting",
            starts_at=NOW + timedelta(days=30),
            place="Hall",
            capacity=1,
            created_at=NOW,
        )
        db().add(meeting)
        ann, ben, cat = (_member(forum, f"{n}@example.org") for n in ("ann", "ben", "cat"))
        assert services.book(db(), meeting, ann, NOW).status == "booked"
        assert services.book(db(), meeting, ben, NOW).status == "waiting"
        assert services.book(db(), meeting, cat, NOW).status == "waiting"
        assert services.book(db(), meeting, ann, NOW).status == "booked", "booking twice changes nothing"
        services.cancel_booking(db(), meeting, ann, NOW)
        assert [b.member for b in meeting.booked] == [ben]
        services.erase(db(), ben, NOW, reason="erased", channel="web")
        assert [b.member for b in meeting.booked] == [cat]
        assert ben.name is None and ben.email is None and ben.status == MemberStatus.ERASED
        assert all(c.withdrawn_at == NOW for c in ben.consents)


def test_retention_deletes_unconfirmed_reminds_once_then_erases(
    app: Flask, make_forum: Callable[..., str]
) -> None:
    make_forum()
    with app.app_context():
        forum = _forum()
        member = _member(forum)
        wording = services.current_wording(db(), NOW)
        services.sign_up(db(), forum, _data(email="never@example.org"), wording, NOW, RETENTION)
        week = services.purge(db(), NOW + timedelta(days=8), RETENTION)
        assert week.unconfirmed_deleted == 1 and week.reminded == [] and week.lapsed == 0
        reminder_day = NOW + RETENTION.membership - RETENTION.reminder
        reminded = services.purge(db(), reminder_day, RETENTION)
        assert [m for m, _ in reminded.reminded] == [member]
        assert services.purge(db(), reminder_day + timedelta(days=1), RETENTION).reminded == [], "once"
        assert services.membership_ends(member, RETENTION) == NOW + RETENTION.membership
        ended = services.purge(db(), NOW + RETENTION.membership, RETENTION)
        assert ended.lapsed == 1 and member.status == MemberStatus.LAPSED and member.email is None


def test_an_email_to_members_is_checked_audited_and_sent_to_those_it_may_reach(
    app: Flask, make_forum: Callable[..., str], make_staff: Callable[..., StaffUser]
) -> None:
    make_forum()
    officer = make_staff(Role.OFFICER)
    with app.app_context():
        forum = _forum()
        wants_updates = _member(forum, "ann@example.org")
        business_only = _member(forum, "ben@example.org")
        business_only.consents = [c for c in business_only.consents if c.purpose != "updates"]
        db().commit()
        blank = services.MemberEmail(subject=" ", body="", audience="everyone")
        assert set(blank.problems()) == {"subject", "body", "audience"}
        by = db().get(StaffUser, officer.id)
        assert by is not None
        with pytest.raises(RefusedError):
            services.email_members(db(), forum, blank, by=by)
        assert [m.email for m in services.recipients(db(), forum, "updates")] == [wants_updates.email]
        message = services.MemberEmail(subject="Next meeting", body="See you\nthere", audience="all")
        count, job = services.email_members(db(), forum, message, by=by)
        assert count == 2 and job.status != "failed"
        [event] = db().scalars(select(AuditEvent).where(AuditEvent.action == "forum.emailed")).all()
        assert event.actor_id == officer.id and event.details["count"] == 2
        sent = (
            db()
            .scalars(select(OutboundEmail.to_address).where(OutboundEmail.purpose == "forum_message"))
            .all()
        )
        assert sorted(sent) == ["ann@example.org", "ben@example.org"]


def test_what_officers_do_for_members_is_audited_under_their_name(
    app: Flask, make_forum: Callable[..., str], make_staff: Callable[..., StaffUser]
) -> None:
    make_forum(capacity=1)
    officer = make_staff(Role.OFFICER)
    with app.app_context():
        forum, by = _forum(), db().get(StaffUser, officer.id)
        assert by is not None
        first, waiting = _member(forum, "ann@example.org"), _member(forum, "ben@example.org")
        with pytest.raises(RefusedError, match="waiting list"):
            services.give_place(db(), first, NOW, by=by)
        services.give_place(db(), waiting, NOW, by=by)
        assert waiting.status == MemberStatus.ACTIVE
        services.erase_for_member(db(), first, NOW, by=by)
        assert first.email is None and first.status == MemberStatus.ERASED
        actions = db().scalars(select(AuditEvent.action).where(AuditEvent.actor_id == officer.id)).all()
        assert sorted(actions) == ["forum.member_erased", "forum.place_offered"]
