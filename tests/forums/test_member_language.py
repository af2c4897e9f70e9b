"""A member's language is stored, so emails sent later (the membership reminder, the
re-confirmation request, an officer's message) are in it too, with links that open
the pages in it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import inspect, select, text

from engage.accounts.models import Role, StaffUser
from engage.forums import services
from engage.forums.models import ForumMember
from engage.platform import database
from engage.platform.database import db
from tests.conftest import BACKEND, FrozenClock, create_postgres_database, drop_postgres_database
from tests.forums.conftest import link_in, members, outbox, sign_up_data
from tests.support.pages import PageClient


def set_language(app: Flask, email: str, code: str) -> None:
    with app.app_context():
        member = db().scalar(select(ForumMember).where(ForumMember.email == email))
        assert member is not None
        member.language = code
        db().commit()


def purge(app: Flask) -> Result:
    result = app.test_cli_runner().invoke(args=["forums", "purge"])
    assert result.exit_code == 0, result.output
    return result


def test_registering_in_welsh_records_welsh_and_acting_in_english_updates_it(
    client: PageClient, app: Flask, make_forum: Callable[..., str]
) -> None:
    make_forum()
    client.get("/forums?lang=cy")
    form = client.get("/forums/culture-forum/register")
    client.submit(form, sign_up_data())
    [member] = members(app)
    assert member.language == "cy"
    confirm = client.get(link_in(outbox(app, "forum_confirm")[-1], "/forums/confirm/"))
    client.submit(confirm)
    assert members(app)[0].language == "cy"

    # Opening their page in English changes nothing; acting on it in English does.
    token = link_in(outbox(app, "forum_welcome")[-1], "/forums/manage/").split("?")[0].rsplit("/", 1)[-1]
    client.get(f"/forums/manage/{token}?lang=en")
    assert members(app)[0].language == "cy"
    details = client.get(f"/forums/manage/{token}/details")
    client.submit(details, {"role": "Chair"})
    assert members(app)[0].language == "en"


def test_the_reminder_is_in_each_members_language(
    app: Flask,
    make_forum: Callable[..., str],
    confirmed_member: Callable[..., str],
    frozen_clock: FrozenClock,
) -> None:
    make_forum()
    confirmed_member(email="cy@example.org", name="Siân Jones")
    confirmed_member(email="en@example.org")
    set_language(app, "cy@example.org", "cy")
    frozen_clock.advance(days=730 - 29)
    assert "2 members reminded" in purge(app).output
    sent = {m.to_address: m for m in outbox(app, "forum_reminder")}

    welsh = sent["cy@example.org"]
    assert welsh.subject == "Ydych chi am aros yn Northbrook Cultural Forum?"
    assert "Annwyl Siân Jones," in welsh.text_body and "Dear" not in welsh.text_body
    assert "?lang=cy" in link_in(welsh, "/forums/manage/")
    assert "lang" not in welsh.headers["List-Unsubscribe"]  # a plain address: see links.py
    assert 'lang="cy"' in welsh.html_body
    # The date the membership ends, with a Welsh month name.
    assert any(month in welsh.text_body for month in ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai",
               "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr"))  # fmt: skip

    english = sent["en@example.org"]
    assert english.subject == "Do you want to stay in Northbrook Cultural Forum?"
    assert "Dear Priya Shah," in english.text_body
    assert "?lang=en" in link_in(english, "/forums/manage/")
    assert 'lang="en-GB"' in english.html_body


def test_reconfirm_request_and_officers_message_in_each_members_language(
    client: PageClient,
    app: Flask,
    make_forum: Callable[..., str],
    confirmed_member: Callable[..., str],
    signed_in: Callable[[Role], StaffUser],
) -> None:
    make_forum()
    confirmed_member(email="cy@example.org")
    confirmed_member(email="en@example.org")
    set_language(app, "cy@example.org", "cy")
    signed_in(Role.OFFICER)

    client.submit(client.get("/staff/forums/consent"), {"updates": "Email me about results."})
    forum = client.get("/staff/forums/culture-forum")
    client.submit(forum, selector="form[action='/staff/forums/culture-forum/ask-to-reconfirm']")
    sent = {m.to_address: m for m in outbox(app, "forum_reconfirm")}
    assert sent["cy@example.org"].subject == "Cadarnhewch eich bod am aros yn Northbrook Cultural Forum"
    assert "Annwyl Priya Shah," in sent["cy@example.org"].text_body
    assert link_in(sent["cy@example.org"], "/forums/manage/").endswith("/stay?lang=cy")
    assert sent["en@example.org"].subject == "Please confirm you want to stay in Northbrook Cultural Forum"
    assert link_in(sent["en@example.org"], "/forums/manage/").endswith("/stay?lang=en")
    # The link opens the page in Welsh.
    page = client.get(link_in(sent["cy@example.org"], "/forums/manage/"))
    assert page.soup.select_one("html")["lang"] == "cy"

    page = client.get("/staff/forums/culture-forum/email")
    check = client.submit(page, {"subject": "Winter meeting", "body": "Papers attached.", "audience": "all"})
    client.submit(check)
    sent = {m.to_address: m for m in outbox(app, "forum_message")}
    welsh, english = sent["cy@example.org"], sent["en@example.org"]
    # The officer's own words stay as written; the wrapper is in the member's language.
    assert welsh.subject == english.subject == "Winter meeting"
    assert "Papers attached." in welsh.text_body and "Papers attached." in english.text_body
    assert "Annwyl Priya Shah," in welsh.text_body and "Dear Priya Shah," in english.text_body
    assert "?lang=cy" in link_in(welsh, "/forums/manage/")
    assert "?lang=cy" in link_in(welsh, "/forums/unsubscribe/")
    assert "?lang=en" in link_in(english, "/forums/manage/")


def test_officers_see_and_export_each_members_language(
    client: PageClient,
    app: Flask,
    make_forum: Callable[..., str],
    confirmed_member: Callable[..., str],
    signed_in: Callable[[Role], StaffUser],
) -> None:
    make_forum()
    confirmed_member(email="cy@example.org")
    set_language(app, "cy@example.org", "cy")
    signed_in(Role.OFFICER)
    listing = client.get("/staff/forums/culture-forum/members")
    assert "Welsh" in listing.text
    member_id = members(app)[0].id
    assert "Welsh" in client.get(f"/staff/forums/culture-forum/members/{member_id}").text
    body = client.client.get("/staff/forums/culture-forum/members.csv").get_data(as_text=True)
    header, row = body.splitlines()[:2]
    assert header.split(",")[-1] == "Language" and row.split(",")[-1] == "Welsh"


def test_an_officers_message_sent_by_the_job_worker_without_a_request(
    app: Flask, make_forum: Callable[..., str], confirmed_member: Callable[..., str]
) -> None:
    """The job runs in an app context with no request: the wrapper is still in Welsh."""
    make_forum()
    confirmed_member(email="cy@example.org")
    set_language(app, "cy@example.org", "cy")
    with app.app_context():
        forum_id = members(app)[0].forum_id
        assert services.send_forum_message(forum_id, "Cyfarfod", "Papurau.", "all", "officer@x") == 1
    [message] = outbox(app, "forum_message")
    assert message.subject == "Cyfarfod" and "Papurau." in message.text_body
    assert "Annwyl Priya Shah," in message.text_body and 'lang="cy"' in message.html_body
    assert "?lang=cy" in link_in(message, "/forums/manage/")


@pytest.fixture
def migration_database(tmp_path: Path) -> Iterator[str]:
    if BACKEND == "postgresql":
        url = create_postgres_database("engage_forum_language")
        yield url
        drop_postgres_database(url)
    else:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"


def test_members_kept_before_the_migration_are_english(migration_database: str) -> None:
    """0026 adds forum_member.language; members already kept start at en; it runs back."""
    database.upgrade(migration_database, "0025")
    engine = database.make_engine(migration_database, pooled=False)
    now = "2026-12-01 09:00:00"
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO forum (id, slug, name, purpose, localities, interests, created_at)"
                    " VALUES (1, 'f', 'F', 'P', '[]', '[]', :now)"
                ),
                {"now": now},
            )
            connection.execute(
                text(
                    "INSERT INTO forum_member (id, forum_id, status, organisation_type, localities,"
                    " interests, channel, emails_opt_out, created_at, updated_at)"
                    " VALUES (1, 1, 'active', 'resident', '[]', '[]', 'web', false, :now, :now)"
                ),
                {"now": now},
            )
        database.upgrade(migration_database, "0026")
        with engine.begin() as connection:
            assert connection.execute(text("SELECT language FROM forum_member")).scalar_one() == "en"
        database.downgrade(migration_database, "0025")
        assert "language" not in {c["name"] for c in inspect(engine).get_columns("forum_member")}
    finally:
        engine.dispose()
