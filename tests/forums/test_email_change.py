"""A member's new email address takes effect only once they open the link sent to it;
the old address is told, and stays in use until then."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from engage.forums.models import MemberStatus
from engage.platform.database import db
from engage.platform.models import AuditEvent
from tests.conftest import FrozenClock
from tests.forums.conftest import link_in, members, outbox
from tests.support.forums import register
from tests.support.pages import Page, PageClient

OLD, NEW = "priya@example.org", "priya.shah@example.net"


def change_email(client: PageClient, token: str, email: str, expected_status: int = 200, **more: str) -> Page:
    form = client.get(f"/forums/manage/{token}/details")
    return client.submit(form, {"email": email, **more}, expected_status=expected_status)


def test_a_new_address_waits_for_its_link_and_the_old_one_is_told(
    client: PageClient, app: Flask, make_forum: Callable[..., str], confirmed_member: Callable[..., str]
) -> None:
    make_forum()
    token = confirmed_member()
    consents_before = [(c.id, c.purpose, c.withdrawn_at) for c in members(app)[0].consents]

    page = change_email(client, token, NEW, name="Priya Shah-Jones")
    assert page.h1 == "Your forum membership"
    assert f"We have sent a link to {NEW}" in page.text
    assert f"Until you open it, we will keep using {OLD}" in page.text
    [member] = members(app)
    assert member.email == OLD and member.email_key == OLD, "still the old address"
    assert member.name == "Priya Shah-Jones", "the other changes are saved at once"
    assert member.new_email == NEW

    [confirm] = outbox(app, "forum_email_change")
    assert confirm.to_address == NEW
    assert confirm.subject == "Confirm your new email address for Northbrook Cultural Forum"
    [notice] = outbox(app, "forum_email_notice")
    assert notice.to_address == OLD
    assert notice.subject == "Your email address for Northbrook Cultural Forum is being changed"
    assert "If this was not you, contact libraries.engagement@anyshire.gov.uk" in notice.text_body
    assert NEW not in notice.text_body, "the old mailbox is not told the new address"
    assert confirm.forum_member_id == notice.forum_member_id == member.id

    # Until confirmed, everything still goes to the old address.
    client.submit(client.get("/forums/manage"), {"email": OLD})
    assert outbox(app, "forum_link")[-1].to_address == OLD
    client.submit(client.get("/forums/manage"), {"email": NEW})
    assert len(outbox(app, "forum_link")) == 1, "the new address is not in use yet"

    link = link_in(confirm, "/forums/change-email/")
    page = client.get(link)
    assert page.h1 == "Confirm your new email address"
    assert members(app)[0].email == OLD, "opening the link (or a mail scanner) changes nothing"
    done = client.submit(page)
    assert "Your email address is now " + NEW in done.text
    [member] = members(app)
    assert (member.email, member.email_key, member.new_email) == (NEW, NEW, None)
    assert member.status == MemberStatus.ACTIVE
    assert [(c.id, c.purpose, c.withdrawn_at) for c in member.consents] == consents_before
    client.get(link, expected_status=404)  # once only
    with app.app_context():
        logged = " ".join(f"{e.summary} {e.details}" for e in db().scalars(select(AuditEvent)))
    assert OLD not in logged and NEW not in logged


def test_an_expired_or_forged_link_changes_nothing_and_says_so(
    client: PageClient,
    app: Flask,
    make_forum: Callable[..., str],
    confirmed_member: Callable[..., str],
    frozen_clock: FrozenClock,
) -> None:
    make_forum()
    token = confirmed_member()
    change_email(client, token, NEW)
    link = link_in(outbox(app, "forum_email_change")[0], "/forums/change-email/")
    for forged in ("/forums/change-email/forged", "/forums/change-email/" + "x" * 500):
        page = client.get(forged, expected_status=404)
        assert page.h1 == "That link has expired"
        assert "Your email address has not been changed" in page.text
    frozen_clock.advance(days=31)  # ENGAGE_FORUM_LINK_DAYS is 30
    page = client.get(link, expected_status=404)
    assert "Your email address has not been changed" in page.text
    assert client.client.post(link).status_code in {400, 404}
    assert members(app)[0].email == OLD


def test_a_new_address_taken_meanwhile_is_refused_when_confirming(
    client: PageClient, app: Flask, make_forum: Callable[..., str], confirmed_member: Callable[..., str]
) -> None:
    make_forum()
    token = confirmed_member()
    change_email(client, token, NEW)
    link = link_in(outbox(app, "forum_email_change")[0], "/forums/change-email/")
    register(client, email=NEW.upper(), name="Someone Else")  # another sign-up takes the address
    page = client.submit(client.get(link), expected_status=409)
    assert "already used for another sign-up to this forum" in page.text
    assert sorted(m.email_key for m in members(app)) == sorted([OLD, NEW])
    assert next(m for m in members(app) if m.email_key == OLD).new_email == NEW, "still waiting"


def test_typing_the_current_address_again_keeps_a_change_waiting(
    client: PageClient, app: Flask, make_forum: Callable[..., str], confirmed_member: Callable[..., str]
) -> None:
    make_forum()
    token = confirmed_member()
    change_email(client, token, NEW)
    page = change_email(client, token, OLD.upper(), role="Chair")
    assert "Your details have been updated" in page.text
    [member] = members(app)
    assert member.role == "Chair" and member.email == OLD and member.new_email == NEW
    assert f"Changing to {NEW}" in client.get(f"/forums/manage/{token}").text
    assert len(outbox(app, "forum_email_change")) == 1


def test_erasure_forgets_a_waiting_address_and_its_link(
    client: PageClient, app: Flask, make_forum: Callable[..., str], confirmed_member: Callable[..., str]
) -> None:
    make_forum()
    token = confirmed_member()
    change_email(client, token, NEW)
    link = link_in(outbox(app, "forum_email_change")[0], "/forums/change-email/")
    client.submit(client.get(f"/forums/manage/{token}/leave"))
    [member] = members(app)
    assert (member.new_email, member.new_email_token_hash, member.new_email_expires_at) == (None,) * 3
    assert outbox(app, "forum_email_change") == [] and outbox(app, "forum_email_notice") == []
    client.get(link, expected_status=404)


def test_changes_to_someone_elses_address_are_rate_limited(
    client: PageClient, app: Flask, make_forum: Callable[..., str], confirmed_member: Callable[..., str]
) -> None:
    make_forum()
    token = confirmed_member()
    for _ in range(3):
        change_email(client, token, NEW)
    page = change_email(client, token, NEW, expected_status=429)
    assert "Too many links have been sent to that address" in page.error_summary()[0]
    assert len(outbox(app, "forum_email_change")) == 3
