"""The outbox (engage.platform.mail): an email that cannot be built is recorded as failed, with the
reason, at once; it never waits as "queued" for a delivery that cannot happen."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role, StaffUser
from engage.platform import mail
from engage.platform.database import db
from engage.platform.models import OutboundEmail
from tests.support.mail import free_port
from tests.support.pages import PageClient

FORUM = SimpleNamespace(name="Northbrook Cultural Forum")


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    # A mail server is configured (nothing listens there: these emails must never reach it).
    return {"smtp_host": "127.0.0.1", "smtp_port": free_port(), "smtp_use_tls": False}


def queue(app: Flask, subject: str, headers: dict[str, str] | None = None) -> int:
    with app.test_request_context():
        message = mail.send(
            "priya@example.org",
            subject,
            "forum_left",
            purpose="forum_left",
            headers=headers,
            forum=FORUM,
            name="Priya",
        )
        db().commit()
        mail.dispatch(message)
        return message.id


def row(app: Flask, message_id: int) -> OutboundEmail:
    with app.app_context():
        found = db().get(OutboundEmail, message_id)
        assert found is not None
        db().expunge(found)
        return found


@pytest.mark.parametrize(
    ("subject", "headers"),
    [
        ("You have left\r\nBcc: everyone@example.org", None),
        ("You have left\rBcc: everyone@example.org", None),
        ("Fine subject", {"List-Unsubscribe": "<https://x.example/u>\r\nBcc: everyone@example.org"}),
    ],
)
def test_an_email_that_cannot_be_built_is_failed_at_once_with_the_reason(
    app: Flask, subject: str, headers: dict[str, str] | None
) -> None:
    message = row(app, queue(app, subject, headers))
    assert message.status == "failed", "never left queued"
    assert message.last_error is not None
    assert message.last_error.startswith("The email could not be built: ValueError:")
    assert "linefeed or carriage return" in message.last_error
    assert message.attempts == 0


def test_a_queued_email_that_cannot_be_built_is_failed_by_the_delivery_job(app: Flask) -> None:
    message_id = queue(app, "Fine subject")
    with app.app_context():
        message = db().get(OutboundEmail, message_id)
        assert message is not None and message.attempts == 1  # the job ran and could not connect
        # As if the row had changed, or been queued by an older version, before the job ran.
        message.status, message.subject = "queued", "Changed\r\nBcc: everyone@example.org"
        db().commit()
    with app.test_request_context():
        mail.deliver(message_id)  # no exception: retrying cannot help
    failed = row(app, message_id)
    assert failed.status == "failed"
    assert failed.last_error is not None and "could not be built" in failed.last_error
    assert failed.attempts == 2


def test_an_email_that_could_not_be_sent_keeps_its_reason(app: Flask) -> None:
    message = row(app, queue(app, "Fine subject"))
    # Nothing listens on the port: the delivery job (run in the web process) recorded why.
    assert message.status == "failed"
    assert message.last_error is not None and message.last_error.startswith("ConnectionRefusedError")


def test_the_outbox_page_shows_why_an_email_failed(
    app: Flask, client: PageClient, signed_in: Callable[[Role], StaffUser]
) -> None:
    message_id = queue(app, "You have left\r\nBcc: everyone@example.org")
    signed_in(Role.OFFICER)
    page = client.get("/staff/outbox")
    [cell] = page.soup.select(f"#message-{message_id} .engage-outbox-error")
    assert "could not be built" in cell.get_text()
    detail = client.get(f"/staff/outbox/{message_id}")
    assert "The email could not be built: ValueError" in detail.text
    with app.app_context():
        assert db().scalars(select(OutboundEmail.status)).all() == ["failed"]


def test_the_outbox_page_counts_its_emails_in_plain_words(
    app: Flask, client: PageClient, signed_in: Callable[[Role], StaffUser]
) -> None:
    signed_in(Role.OFFICER)
    empty = client.get("/staff/outbox")
    assert empty.soup.select("table") == []
    assert "No emails yet." in empty.text
    queue(app, "First")
    caption = client.get("/staff/outbox").soup.select_one("caption")
    assert caption is not None and caption.get_text(strip=True) == "1 email, newest first"
    queue(app, "Second")
    caption = client.get("/staff/outbox").soup.select_one("caption")
    assert caption is not None and caption.get_text(strip=True) == "2 emails, newest first"
