"""The officers' side: forums, members (audited), exports, emails, meetings, consent wording."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from engage.accounts.models import Role, StaffUser
from engage.forums.models import Forum, ForumMeeting, MemberStatus
from engage.platform.database import db
from engage.platform.models import AuditEvent
from tests.forums.conftest import members, outbox
from tests.support.pages import PageClient

EVIL = '=HYPERLINK("http://evil.example","click")'


def audit_actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db().scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_officer_creates_and_edits_a_forum(
    client: PageClient, app: Flask, signed_in: Callable[[Role], StaffUser]
) -> None:
    signed_in(Role.OFFICER)
    page = client.get("/staff/forums/new")
    bad = client.submit(
        page,
        {"name": "", "slug": "Bad Slug!", "purpose": "", "capacity": "0",
         "closes_on": ["31", "2", "2027"]},
        expected_status=400,
    )  # fmt: skip
    assert bad.error_summary() == [
        "Enter the forum's name",
        "The web address must be lower-case letters, numbers and hyphens, like cultural-forum",
        "Say what the forum is for",
        "Capacity must be a whole number of people from 1 to 100,000, or left empty",
        "The closing date must be a real date, like 1 3 2027",
    ]
    created = client.submit(
        bad,
        {"name": "Steering Group", "slug": "steering", "purpose": "Join up services.", "capacity": "12",
         "localities": "Northbrook\nRiver Mill\n", "interests": ["health-wellbeing"],
         "closes_on": ["", "", ""]},
    )  # fmt: skip
    assert created.h1 == "Steering Group"
    assert "Northbrook, River Mill" in created.text
    again = client.submit(
        client.get("/staff/forums/new"),
        {"name": "Another", "slug": "steering", "purpose": "x"},
        expected_status=400,
    )
    assert "Another forum already uses that web address" in again.error_summary()
    edited = client.submit(
        client.get("/staff/forums/steering/edit"), {"name": "Cross-service Steering Group"}
    )
    assert edited.h1 == "Cross-service Steering Group"
    assert audit_actions(app)[-2:] == ["forum.created", "forum.edited"]
    assert "Cross-service Steering Group" in client.get("/forums").text


def test_personal_data_needs_the_officer_role(
    client: PageClient, make_forum: Callable[..., str], signed_in: Callable[[Role], StaffUser]
) -> None:
    make_forum()
    client.get_redirect("/staff/forums/culture-forum/members", to="/staff/sign-in")  # sign in first
    signed_in(Role.VIEWER)
    assert client.get("/staff/forums").h1 == "Forums"
    assert client.get("/staff/forums/culture-forum").h1 == "Northbrook Cultural Forum"
    client.get("/staff/forums/culture-forum/members", expected_status=403)
    assert client.client.get("/staff/forums/culture-forum/members.csv").status_code == 403
    client.get("/staff/forums/new", expected_status=403)


def test_members_filters_and_every_view_is_audited(
    client: PageClient,
    app: Flask,
    make_forum: Callable[..., str],
    confirmed_member: Callable[..., str],
    signed_in: Callable[[Role], StaffUser],
) -> None:
    make_forum()
    confirmed_member(name="Priya Shah", email="priya@example.org")
    confirmed_member(name="Tom Lee", email="tom@example.org", localities=["River Mill"],
                     organisation_type="community-group")  # fmt: skip
    signed_in(Role.OFFICER)
    everyone = client.get("/staff/forums/culture-forum/members")
    assert "Priya Shah" in everyone.text and "Tom Lee" in everyone.text
    river = client.get("/staff/forums/culture-forum/members?locality=River+Mill")
    assert "Tom Lee" in river.text and "Priya Shah" not in river.text
    groups = client.get("/staff/forums/culture-forum/members?organisation_type=arts-heritage")
    assert "Priya Shah" in groups.text and "Tom Lee" not in groups.text
    member_id = next(m.id for m in members(app) if m.name == "Tom Lee")
    detail = client.get(f"/staff/forums/culture-forum/members/{member_id}")
    assert "tom@example.org" in detail.text and "Version 1" in detail.text
    assert detail.response.headers["Cache-Control"] == "no-store"
    assert audit_actions(app)[-4:] == ["forum.members_viewed"] * 3 + ["forum.member_viewed"]
    with app.app_context():
        event = db().scalar(
            select(AuditEvent).where(AuditEvent.action == "forum.members_viewed").limit(1).offset(1)
        )
        assert event is not None and event.details == {"filter": {"locality": "River Mill"}, "count": 1}


def test_exports_are_formula_safe_and_audited(
    client: PageClient,
    app: Flask,
    make_forum: Callable[..., str],
    confirmed_member: Callable[..., str],
    signed_in: Callable[[Role], StaffUser],
) -> None:
    make_forum()
    confirmed_member(name=EVIL, organisation="+44 cmd", role="@SUM(A1)")
    signed_in(Role.OFFICER)
    response = client.client.get("/staff/forums/culture-forum/members.csv")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="culture-forum-members-')
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Name", "Email", "Organisation"]
    assert rows[1][:4] == ["'" + EVIL, "priya@example.org", "'+44 cmd", "'@SUM(A1)"]

    response = client.client.get("/staff/forums/culture-forum/members.xlsx?interest=culture-creativity")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet is not None
    assert sheet["A2"].value == "'" + EVIL and sheet["A2"].data_type == "s"
    assert client.client.get("/staff/forums/culture-forum/members.pdf").status_code == 404
    with app.app_context():
        exports = list(db().scalars(select(AuditEvent).where(AuditEvent.action == "forum.members_exported")))
        assert [(e.details["format"], e.details["count"]) for e in exports] == [("csv", 1), ("xlsx", 1)]
        assert exports[1].details["filter"] == {"interest": "culture-creativity"}


def test_emailing_members_goes_in_the_background_with_unsubscribe_links(
    client: PageClient,
    app: Flask,
    make_forum: Callable[..., str],
    confirmed_member: Callable[..., str],
    signed_in: Callable[[Role], StaffUser],
) -> None:
    make_forum()
    confirmed_member(email="a@example.org")
    confirmed_member(email="b@example.org", purposes=["membership"])
    stopped = confirmed_member(email="c@example.org")
    client.client.post(f"/forums/manage/{stopped}/emails", data={"updates": "no"})  # no CSRF: refused
    signed_in(Role.OFFICER)
    page = client.get("/staff/forums/culture-forum/email")
    bad = client.submit(page, {"subject": "Hi\r\nBcc: x@y.org", "body": ""}, expected_status=400)
    assert bad.error_summary() == [
        "The subject must not contain line breaks or hidden control characters",
        "Enter the message",
    ]
    check = client.submit(page, {"subject": "Winter meeting", "body": "Papers attached.\n\nSee you there.",
                                 "audience": "updates"})  # fmt: skip
    assert check.h1 == "Check your email before sending"
    assert "2 people" in check.text  # c@ asked for updates but the CSRF-less post changed nothing
    done = client.submit(check)
    assert "being sent to 2 people" in done.text
    sent = outbox(app, "forum_message")
    assert sorted(m.to_address for m in sent) == ["a@example.org", "c@example.org"]
    assert all(m.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in sent)
    assert all("/forums/unsubscribe/" in m.text_body and "/forums/manage/" in m.text_body for m in sent)
    assert "forum.emailed" in audit_actions(app)


def test_unsubscribed_members_are_skipped(
    client: PageClient,
    app: Flask,
    make_forum: Callable[..., str],
    confirmed_member: Callable[..., str],
    signed_in: Callable[[Role], StaffUser],
) -> None:
    make_forum()
    confirmed_member(email="a@example.org")
    confirmed_member(email="b@example.org")
    with app.app_context():
        from engage.forums import services
        from engage.platform import clock

        member = next(m for m in services.current_members(db(), db().scalars(select(Forum)).one()))
        services.unsubscribe(member, clock.now())
        db().commit()
        skipped = member.email
    signed_in(Role.OFFICER)
    check = client.submit(client.get("/staff/forums/culture-forum/email"), {"subject": "S", "body": "B"})
    client.submit(check)
    assert [m.to_address for m in outbox(app, "forum_message")] == [
        e for e in ("a@example.org", "b@example.org") if e != skipped
    ]


def test_meetings_waiting_list_and_erasure_by_staff(
    client: PageClient,
    app: Flask,
    make_forum: Callable[..., str],
    confirmed_member: Callable[..., str],
    signed_in: Callable[[Role], StaffUser],
) -> None:
    make_forum()
    first = confirmed_member(email="first@example.org", name="First Person")
    second = confirmed_member(email="second@example.org", name="Second Person")
    signed_in(Role.OFFICER)
    form = client.get("/staff/forums/culture-forum/meetings/new")
    bad = client.submit(form, {"title": "Spring", "time": "25:00", "capacity": "none"}, expected_status=400)
    assert "Enter the start time in 24-hour form, like 18:30" in bad.error_summary()
    created = client.submit(
        bad,
        {"title": "Spring meeting", "date": ["3", "3", "2027"], "time": "18:30",
         "place": "Northbrook Library", "capacity": "1"},
    )  # fmt: skip
    assert created.h1 == "Spring meeting"
    assert "Wednesday 3 March 2027, 6:30pm" in created.text
    with app.app_context():
        meeting = db().scalars(select(ForumMeeting)).one()
        assert meeting.starts_at.hour == 18  # GMT in March: UTC = local
        meeting_id = meeting.id
    for token in (first, second):
        page = client.get(f"/forums/manage/{token}")
        client.submit(page, selector=f"form[action='/forums/manage/{token}/meetings/{meeting_id}']")
    page = client.get(f"/staff/forums/culture-forum/meetings/{meeting_id}")
    assert "Waiting list (1)" in page.text

    first_id = next(m.id for m in members(app) if m.name == "First Person")
    confirm = client.get(f"/staff/forums/culture-forum/members/{first_id}/erase")
    client.submit(confirm)
    with app.app_context():
        meeting = db().get(ForumMeeting, meeting_id)
        assert meeting is not None
        assert [b.member.name for b in meeting.booked] == ["Second Person"], "the place passes on"
    erased = next(m for m in members(app) if m.id == first_id)
    assert erased.status == MemberStatus.ERASED and erased.email is None
    assert "First Person" not in client.get("/staff/forums/culture-forum/members").text
    client.get(f"/staff/forums/culture-forum/members/{first_id}", expected_status=404)


def test_new_consent_wording_and_asking_members_to_reconfirm(
    client: PageClient,
    app: Flask,
    make_forum: Callable[..., str],
    confirmed_member: Callable[..., str],
    signed_in: Callable[[Role], StaffUser],
) -> None:
    make_forum()
    confirmed_member()
    signed_in(Role.OFFICER)
    page = client.get("/staff/forums/consent")
    bad = client.submit(page, {"updates": ""}, expected_status=400)
    assert bad.error_summary() == ["This statement cannot be empty"]
    done = client.submit(client.get("/staff/forums/consent"), {"updates": "Email me about results."})
    assert "Version 2 is now shown" in done.text
    forum = client.get("/staff/forums/culture-forum")
    assert "1 member agreed to an older version" in forum.text
    client.submit(forum, selector="form[action='/staff/forums/culture-forum/ask-to-reconfirm']")
    [message] = outbox(app, "forum_reconfirm")
    assert message.to_address == "priya@example.org" and "/stay" in message.text_body
    assert "Email me about results." in client.get("/forums/culture-forum/register").text


def test_hostile_numbers_and_dates_in_forum_and_meeting_forms(
    client: PageClient, app: Flask, make_forum: Callable[..., str], signed_in: Callable[[Role], StaffUser]
) -> None:
    make_forum()
    signed_in(Role.OFFICER)
    edit = client.get("/staff/forums/culture-forum/edit")
    for fields, message in (
        ({"opens_on": ["1", "1", "99999999999999999999"]}, "The year must include 4 numbers, like 2026"),
        (
            {"opens_on": ["99999999999999999999", "1", "2026"]},
            "The opening date must be a real date, like 1 3 2027",
        ),
        ({"opens_on": ["1", "1", "-2026"]}, "The opening date must be a real date, like 1 3 2027"),
        ({"opens_on": ["1", "1", ""]}, "The opening date must include a year"),
        ({"closes_on": ["1", "2"]}, "The closing date must include a year"),
        ({"capacity": "99999999999999999999"}, CAPACITY),
        ({"capacity": "²"}, CAPACITY),
        ({"capacity": "-3"}, CAPACITY),
        ({"capacity": "9" * 5000}, CAPACITY),
    ):
        result = client.submit(edit, fields, expected_status=400)
        assert result.error_summary() == [message], fields
    form = client.get("/staff/forums/culture-forum/meetings/new")
    good = {"title": "Spring", "date": ["3", "3", "2027"], "time": "18:30",
            "place": "Northbrook Library", "capacity": "20"}  # fmt: skip
    for fields, message in (
        ({"date": ["3", "3", "99999999999999999999"]}, "The year must include 4 numbers, like 2026"),
        ({"date": ["3", "", ""]}, "The date must include a month and year"),
        (
            {"capacity": "99999999999999999999"},
            "Enter how many people can come, as a whole number from 1 to 10,000",
        ),
        ({"capacity": "²"}, "Enter how many people can come, as a whole number from 1 to 10,000"),
        ({"time": "99999999999999999999:00"}, "Enter the start time in 24-hour form, like 18:30"),
    ):
        result = client.submit(form, {**good, **fields}, expected_status=400)
        assert result.error_summary() == [message], fields
    half = {**good, "date": ["3", "3"]}
    token = form.soup.select_one("input[name=csrf_token]")["value"]  # type: ignore[index]
    response = client.client.post(
        "/staff/forums/culture-forum/meetings/new", data={**half, "csrf_token": token}
    )
    assert response.status_code == 400
    with app.app_context():
        assert db().scalars(select(ForumMeeting)).all() == []
        forum = db().scalars(select(Forum)).one()
        assert forum.capacity is None and forum.opens_on.year == 2026


CAPACITY = "Capacity must be a whole number of people from 1 to 100,000, or left empty"
