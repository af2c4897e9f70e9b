"""Registering interest, double opt-in, self-service, leaving: as a member of the public does it."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from engage.forums import services
from engage.forums.models import ConsentRecord, MemberStatus
from engage.platform import mail
from engage.platform.database import db
from tests.forums.conftest import link_in, members, outbox
from tests.support.forums import confirm_latest, register
from tests.support.pages import PageClient

ONE_LINE = "must not contain line breaks or hidden control characters"


def test_forum_pages_list_open_forums(client: PageClient, make_forum: Callable[..., str]) -> None:
    make_forum()
    make_forum("old-forum", name="Old Steering Group", closes_on=date(2025, 1, 1))
    index = client.get("/forums")
    assert "Northbrook Cultural Forum" in index.text
    assert "Old Steering Group" not in index.text
    page = client.get("/forums/culture-forum")
    assert page.h1 == "Northbrook Cultural Forum"
    assert "Culture and creativity" in page.text
    client.get("/forums/no-such-forum", expected_status=404)


def test_sign_up_is_inactive_until_the_emailed_link_is_used(
    client: PageClient, app: Flask, make_forum: Callable[..., str]
) -> None:
    make_forum()
    page = register(client)
    assert page.h1 == "Check your email"
    [member] = members(app)
    assert member.status == MemberStatus.PENDING
    assert member.consents == []
    [message] = outbox(app, "forum_confirm")
    assert message.to_address == "priya@example.org"
    assert "Priya Shah" in message.text_body and "<a href=" in message.html_body

    link = link_in(message, "/forums/confirm/")
    client.get(link)  # opening the link (or a mail scanner fetching it) confirms nothing
    assert members(app)[0].status == MemberStatus.PENDING

    manage = confirm_latest(client, app)
    assert manage.h1 == "Your forum membership"
    assert "You are now a member" in manage.text
    [member] = members(app)
    assert member.status == MemberStatus.ACTIVE
    purposes = {c.purpose: c for c in member.consents}
    assert set(purposes) == {"membership", "updates"}
    assert all(c.wording.version == 1 and c.channel == "email link" for c in member.consents)
    assert all(c.given_at.tzinfo is not None for c in member.consents)
    assert outbox(app, "forum_welcome")[0].headers["List-Unsubscribe"].startswith("<http")
    # The link works once only.
    client.get(link, expected_status=404)


def test_the_same_answer_whether_or_not_the_email_is_registered(
    client: PageClient, app: Flask, make_forum: Callable[..., str]
) -> None:
    make_forum()
    first = register(client)
    first_link = link_in(outbox(app, "forum_confirm")[-1], "/forums/confirm/")
    again = register(client, email="  PRIYA@example.org ")
    assert again.text == first.text
    assert len(members(app)) == 1, "a second sign-up must not create a duplicate"
    client.get(first_link, expected_status=404)  # replaced by the newer link
    confirm_latest(client, app)

    third = register(client, name="Priya S.")
    assert third.text == first.text
    assert len(members(app)) == 1
    [already] = outbox(app, "forum_already_registered")
    assert "/forums/manage/" in already.text_body
    assert members(app)[0].name == "Priya Shah", "a sign-up by someone else must not overwrite a member"


def test_honeypot_looks_the_same_and_keeps_nothing(
    client: PageClient, app: Flask, make_forum: Callable[..., str]
) -> None:
    make_forum()
    page = register(client, website="http://spam.example")
    assert page.h1 == "Check your email"
    assert members(app) == []
    assert outbox(app) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "Eve\r\nBcc: victim@example.org", f"Your name {ONE_LINE}"),
        ("name", "", "Enter your name"),
        ("name", "x" * 121, "Your name must be 120 characters or fewer"),
        ("organisation", "Acme\x07Ltd", f"Organisation {ONE_LINE}"),
        ("email", "priya at example", "Enter an email address in the correct format, like name@example.com"),
        ("email", "a@b.org\nBcc: x@y.org", f"Email address {ONE_LINE}"),
        ("access_needs", "y" * 1001, "Accessibility needs must be 1000 characters or fewer"),
        ("purposes", ["updates"], "To join the forum, tick the box to say we can keep your details"),
        ("localities", [], "Select at least one area you are interested in"),
        ("organisation_type", "martian", "Select the type of organisation you represent, or 'Resident'"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_typed_is_lost(
    client: PageClient, app: Flask, make_forum: Callable[..., str], field: str, value: Any, message: str
) -> None:
    make_forum()
    page = register(client, expected_status=400, **{field: value})
    assert page.title.startswith("Error: ")
    assert message in page.error_summary()
    form = page.form()
    if field != "organisation":
        assert form.select_one("input[name=organisation]")["value"] == "Northbrook Arts Collective"  # type: ignore[index]
    if field != "name":
        assert form.select_one("input[name=name]")["value"] == "Priya Shah"  # type: ignore[index]
    if field != "access_needs":
        assert form.select_one("textarea[name=access_needs]").get_text() == "Step-free access please"  # type: ignore[union-attr]
    assert form.select_one("input[name=interests][value=culture-creativity]").has_attr("checked")  # type: ignore[union-attr]
    assert members(app) == []
    assert outbox(app) == []


def test_closed_forum_refuses_sign_ups(client: PageClient, make_forum: Callable[..., str]) -> None:
    make_forum(closes_on=date(2025, 12, 31))
    page = client.get("/forums/culture-forum/register", expected_status=410)
    assert "not taking new members" in page.h1


def test_member_sees_downloads_and_updates_their_data(
    client: PageClient, app: Flask, make_forum: Callable[..., str], confirmed_member: Callable[..., str]
) -> None:
    make_forum()
    token = confirmed_member(name='=HYPERLINK("http://evil.example")')
    page = client.get(f"/forums/manage/{token}")
    for shown in ("Northbrook Arts Collective", "Coordinator", "Step-free access please", "Version 1"):
        assert shown in page.text
    assert page.response.headers["Cache-Control"] == "no-store"
    assert page.response.headers["Referrer-Policy"] == "no-referrer"

    held = json.loads(client.client.get(f"/forums/manage/{token}/download.json").get_data(as_text=True))
    assert held["email"] == "priya@example.org"
    assert {c["purpose"] for c in held["consents"]} == {"membership", "updates"}
    assert held["consents"][0]["wording"].startswith("Keep my details")

    response = client.client.get(f"/forums/manage/{token}/download.csv")
    assert response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert ["details", "name", '\'=HYPERLINK("http://evil.example")'] in rows
    assert any(row[0] == "consent 1" and row[1] == "wording_version" for row in rows)
    assert client.client.get(f"/forums/manage/{token}/download.xml").status_code == 404

    form = client.get(f"/forums/manage/{token}/details")
    changed = client.submit(form, {"name": "Priya Shah-Jones", "localities": ["Northbrook", "River Mill"]})
    assert "Your details have been updated" in changed.text
    [member] = members(app)
    assert member.name == "Priya Shah-Jones" and member.localities == ["Northbrook", "River Mill"]

    bad = client.submit(client.get(f"/forums/manage/{token}/details"), {"email": "nope"}, expected_status=400)
    assert "Enter an email address in the correct format, like name@example.com" in bad.error_summary()


def test_stopping_update_emails_is_a_recorded_withdrawal(
    client: PageClient, app: Flask, make_forum: Callable[..., str], confirmed_member: Callable[..., str]
) -> None:
    make_forum()
    token = confirmed_member()
    page = client.get(f"/forums/manage/{token}")
    after = client.submit(page, selector=f"form[action='/forums/manage/{token}/emails']")
    assert "Your email choice has been saved" in after.text
    [member] = members(app)
    updates = next(c for c in member.consents if c.purpose == "updates")
    assert updates.withdrawn_at is not None and updates.withdrawal_channel == "web"
    assert member.emails_opt_out
    again = client.submit(after, selector=f"form[action='/forums/manage/{token}/emails']")
    assert members(app)[0].has_consent("updates")
    assert "Send me update emails" not in again.text


def test_leaving_erases_personal_data_but_keeps_anonymous_counts(
    client: PageClient, app: Flask, make_forum: Callable[..., str], confirmed_member: Callable[..., str]
) -> None:
    make_forum()
    token = confirmed_member()
    page = client.get(f"/forums/manage/{token}/leave")
    done = client.submit(page)
    assert done.h1 == "You have left the forum"
    [member] = members(app)
    assert member.status == MemberStatus.ERASED
    assert (member.name, member.email, member.organisation, member.role, member.access_needs) == (None,) * 5
    assert member.organisation_type == "arts-heritage" and member.localities == ["Northbrook"]
    assert all(c.withdrawn_at is not None and c.withdrawal_reason == "erased" for c in member.consents)
    [goodbye] = outbox(app, "forum_left")
    assert goodbye.to_address == "priya@example.org"
    client.get(f"/forums/manage/{token}", expected_status=404)
    with app.app_context():
        from engage.forums import services
        from engage.forums.models import Forum

        forum = db().scalar(select(Forum))
        assert forum is not None
        assert services.anonymous_breakdown(db(), forum)["organisation_type"] == {
            "Arts, culture or heritage organisation": 1
        }
        assert services.current_members(db(), forum) == []
        assert db().scalar(select(ConsentRecord.member_id)) == member.id
    # They can come back: a fresh sign-up, not the erased row.
    register(client)
    assert len(members(app)) == 2


def test_unsubscribe_link_works_with_one_click(
    client: PageClient, app: Flask, make_forum: Callable[..., str]
) -> None:
    make_forum()
    register(client)
    confirm_latest(client, app)
    welcome = outbox(app, "forum_welcome")[0]
    link = link_in(welcome, "/forums/unsubscribe/")
    page = client.get(link)
    assert page.h1 == "Stop forum emails"
    # RFC 8058: the mail program posts with no form and no CSRF token.
    response = client.client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    [member] = members(app)
    assert member.emails_opt_out and not member.has_consent("updates")
    assert member.has_consent("membership")
    client.get("/forums/unsubscribe/forged-token", expected_status=404)


def test_lost_link_gives_the_same_answer_for_anyone(
    client: PageClient, app: Flask, make_forum: Callable[..., str], confirmed_member: Callable[..., str]
) -> None:
    make_forum()
    old = confirmed_member()
    known = client.submit(client.get("/forums/manage"), {"email": "priya@example.org"})
    unknown = client.submit(client.get("/forums/manage"), {"email": "nobody@example.org"})
    assert known.text.replace("priya@example.org", "X") == unknown.text.replace("nobody@example.org", "X")
    [message] = outbox(app, "forum_link")
    assert message.to_address == "priya@example.org"
    client.get(link_in(message, "/forums/manage/"))
    client.get(f"/forums/manage/{old}", expected_status=404)  # the new link replaces the old
    bad = client.submit(client.get("/forums/manage"), {"email": ""}, expected_status=400)
    assert bad.error_summary() == ["Enter your email address"]


def test_lost_link_does_the_same_work_whether_or_not_the_address_is_registered(
    client: PageClient,
    app: Flask,
    make_forum: Callable[..., str],
    confirmed_member: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Response time must not reveal membership (it did: 8.7 ms against 6.2 ms), so both
    answers make a token, render and store one email and commit; only what the email says
    differs. Timing itself is measured by scripts/bench/forum_manage_timing.py."""
    make_forum()
    confirmed_member()
    calls: list[tuple[str, ...]] = []
    real_send, real_new_token = mail.send, services.new_token

    def send(to: str, subject: str, template: str, **context: Any) -> Any:
        calls.append(("send", subject, template))
        return real_send(to, subject, template, **context)

    def new_token() -> tuple[str, str]:
        calls.append(("token",))
        return real_new_token()

    monkeypatch.setattr(mail, "send", send)
    monkeypatch.setattr(services, "new_token", new_token)
    work = {}
    for email in ("priya@example.org", "nobody@example.org"):
        calls.clear()
        client.submit(client.get("/forums/manage"), {"email": email})
        work[email] = list(calls)
    assert work["priya@example.org"] == work["nobody@example.org"]
    assert work["nobody@example.org"] == [("token",), ("send", "Your forum details", "forum_link")]
    [known] = outbox(app, "forum_link")
    [unknown] = outbox(app, "forum_link_unregistered")
    assert (known.to_address, unknown.to_address) == ("priya@example.org", "nobody@example.org")
    assert "/forums/manage/" in known.text_body and "Northbrook Cultural Forum" in known.text_body
    assert "/forums/manage/" not in unknown.text_body, "no self-service link"
    assert "not registered for any of our forums" in unknown.text_body
    assert "not registered for any of our forums" in unknown.html_body


def test_lost_link_for_several_forums_is_one_email_with_a_link_for_each(
    client: PageClient, app: Flask, make_forum: Callable[..., str], confirmed_member: Callable[..., str]
) -> None:
    make_forum()
    make_forum(slug="steering-group", name="Libraries Steering Group")
    confirmed_member()
    confirmed_member(slug="steering-group")
    client.submit(client.get("/forums/manage"), {"email": "priya@example.org"})
    [message] = outbox(app, "forum_link")
    for name in ("Northbrook Cultural Forum:", "Libraries Steering Group:"):
        assert name in message.text_body
    found = re.findall(r"https?://[^/\s]+(/forums/manage/[^\s\"<]+)", message.text_body)
    pages = [client.get(link) for link in found]
    assert [p.h1 for p in pages] == ["Your forum membership"] * 2
    assert {"Northbrook Cultural Forum" in p.text for p in pages} == {True, False}, "a link per forum"


def test_forum_capacity_puts_later_members_on_the_waiting_list(
    client: PageClient, app: Flask, make_forum: Callable[..., str], confirmed_member: Callable[..., str]
) -> None:
    make_forum(capacity=1)
    confirmed_member(email="first@example.org")
    token = confirmed_member(email="second@example.org")
    statuses = sorted((m.email, m.status) for m in members(app))
    assert statuses == [("first@example.org", "active"), ("second@example.org", "waiting")]
    assert "On the waiting list" in client.get(f"/forums/manage/{token}").text
