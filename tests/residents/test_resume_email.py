"""Save and come back later by email: the outbox, and real SMTP delivery to a local server."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from engage.accounts import services as accounts
from engage.accounts.models import Role, StaffUser
from engage.platform.database import db
from engage.platform.models import OutboundEmail
from surveys.models import Survey
from tests.conftest import sign_in
from tests.support.mail import (
    PER_ADDRESS,
    PER_CLIENT,
    Inbox,
    free_port,
    save_and_email,
    settings_overrides,
    smtp_server,
)
from tests.support.pages import PageClient

__all__ = ["settings_overrides", "smtp_server"]  # fixtures


def test_without_smtp_the_email_waits_in_the_outbox(
    client: PageClient, app: Flask, publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    sent = save_and_email(client, "Resident@Example.org")
    assert "We have emailed your link and code to Resident@example.org" in sent.text
    code = sent.soup.select_one("#resume-code").get_text(strip=True)
    with app.app_context():
        message = db().scalar(select(OutboundEmail))
        assert message is not None
        assert (message.status, message.to_address, message.purpose) == (
            "outbox",
            "Resident@example.org",
            "survey_resume",
        )
        assert code in message.text_body and "/s/test-survey/resume/" in message.text_body
        assert code in message.html_body
    staff = PageClient(app.test_client())
    sign_in(staff, _make_officer(app).email)
    outbox = staff.get("/staff/outbox")
    assert "Continue your answers to Test library survey" in outbox.text
    detail = staff.get(str(outbox.soup.select_one("tbody a")["href"]))
    # Staff read the email, but not the code or link that would open the resident's answers.
    shown = detail.soup.select_one("#text-body").get_text()
    assert code not in shown and "enter this code: [hidden]" in shown


def _make_officer(app: Flask) -> StaffUser:
    with app.app_context():
        user = accounts.create_staff(
            db(),
            email="officer.outbox@anyshire.gov.uk",
            name="Olive",
            role=Role.OFFICER,
            password="correct horse battery staple",
        )
        db().commit()
        db().expunge(user)
        return user


def test_bad_email_address_keeps_what_was_typed(
    client: PageClient, publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    result = save_and_email(client, "not an email")
    assert result.error_summary() == ["Enter an email address in the correct format, like name@example.com"]
    assert result.soup.select_one("input[name=email]")["value"] == "not an email"


def resume_emails(app: Flask) -> list[str]:
    with app.app_context():
        query = select(OutboundEmail.to_address).where(OutboundEmail.purpose == "survey_resume")
        return list(db().scalars(query.order_by(OutboundEmail.id)))


TOO_MANY = (
    "Too many emails have been sent from here or to that address in the last hour. "
    "Wait an hour and try again, or keep the code on this page"
)


def test_emails_to_one_address_are_limited_and_the_refusal_keeps_what_was_typed(
    client: PageClient, app: Flask, publish_survey: Callable[..., Survey]
) -> None:
    publish_survey()
    saved = save_and_email(client, "target@example.org")
    for _ in range(PER_ADDRESS - 1):
        saved = client.submit(
            saved, {"email": "Target@Example.org"}, selector="main form:has(input[name=email])"
        )
    refused = client.submit(
        saved,
        {"email": "TARGET@example.org"},
        selector="main form:has(input[name=email])",
        expected_status=429,
    )
    assert refused.error_summary() == [TOO_MANY]
    assert refused.soup.select_one("input[name=email]")["value"] == "TARGET@example.org", (
        "what was typed is kept"
    )
    assert int(refused.response.headers["Retry-After"]) > 0
    assert refused.soup.select_one("#resume-code").get_text(strip=True), "the code is still on the page"
    assert "We have emailed" not in refused.text
    assert [to.lower() for to in resume_emails(app)] == ["target@example.org"] * PER_ADDRESS
    other = client.submit(
        refused, {"email": "someone.else@example.org"}, selector="main form:has(input[name=email])"
    )
    assert "We have emailed your link and code to someone.else@example.org" in other.text


def test_emails_from_one_client_are_limited(
    client: PageClient, app: Flask, publish_survey: Callable[..., Survey]
) -> None:
    """40 requests in a second once queued 40 emails to any addresses at all."""
    publish_survey()
    saved = save_and_email(client, "first@example.org")
    for n in range(PER_CLIENT - 1):
        saved = client.submit(
            saved, {"email": f"other{n}@example.org"}, selector="main form:has(input[name=email])"
        )
    refused = client.submit(
        saved,
        {"email": "one.more@example.org"},
        selector="main form:has(input[name=email])",
        expected_status=429,
    )
    assert refused.error_summary() == [TOO_MANY]
    assert len(resume_emails(app)) == PER_CLIENT
    # Another client is not held back by this one.
    elsewhere = {"environ_base": {"REMOTE_ADDR": "10.9.8.7"}}
    sent = client.submit(
        refused, {"email": "one.more@example.org"}, selector="main form:has(input[name=email])", **elsewhere
    )
    assert "We have emailed your link and code to one.more@example.org" in sent.text


def test_with_smtp_the_email_is_delivered(
    client: PageClient, app: Flask, publish_survey: Callable[..., Survey], smtp_server: tuple[Inbox, int]
) -> None:
    inbox, _port = smtp_server
    publish_survey()
    sent = save_and_email(client, "resident@example.org")
    code = sent.soup.select_one("#resume-code").get_text(strip=True)
    [delivered] = inbox.messages
    assert delivered["To"] == "resident@example.org"
    assert delivered["Subject"] == "Continue your answers to Test library survey"
    kinds = [part.get_content_type() for part in delivered.walk()]
    assert "text/plain" in kinds and "text/html" in kinds
    text = (
        next(p for p in delivered.walk() if p.get_content_type() == "text/plain")
        .get_payload(decode=True)
        .decode()
    )
    assert code in text
    with app.app_context():
        message = db().scalar(select(OutboundEmail))
        assert message is not None and message.status == "sent" and message.sent_at is not None


def test_smtp_failure_is_recorded_not_lost(
    client: PageClient,
    app: Flask,
    publish_survey: Callable[..., Survey],
    smtp_server: tuple[Inbox, int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    _inbox, port = smtp_server
    app.config["ENGAGE_SETTINGS"].smtp_port = free_port()  # nothing listens there
    publish_survey()
    sent = save_and_email(client, "resident@example.org")
    assert sent.status == 200, "the resident still sees their code"
    with app.app_context():
        message = db().scalar(select(OutboundEmail))
        assert message is not None and message.status == "failed"
        assert message.last_error and "ConnectionRefusedError" in message.last_error
    assert any("Email" in r.getMessage() and "failed" in r.getMessage() for r in caplog.records)
    assert port


def test_emailing_the_link_keeps_the_code_already_on_the_page(
    client: PageClient, app: Flask, publish_survey: Callable[..., Survey]
) -> None:
    """A resident who wrote the code down and then asked for it by email can still use it."""
    from tests.support.residents import start

    publish_survey()
    page = client.submit(start(client), {"visits": "weekly"})
    saved = client.submit(page, {"action": "save"})
    written_down = saved.soup.select_one("#resume-code").get_text(strip=True)  # type: ignore[union-attr]
    sent = client.submit(
        saved, {"email": "resident@example.org"}, selector="main form:has(input[name=email])"
    )
    assert sent.soup.select_one("#resume-code").get_text(strip=True) == written_down  # type: ignore[union-attr]
    with app.app_context():
        message = db().scalar(select(OutboundEmail))
        assert message is not None and written_down in message.text_body
    # The code written down opens the answers in another browser.
    other = PageClient(app.test_client())
    resume = other.get("/s/test-survey/resume")
    back = other.submit(resume, {"code": written_down}, expected_status=(200, 400))
    assert back.response.status_code == 200 and "Enter the code" not in back.text


def test_a_code_is_kept_only_if_it_is_the_responses_code() -> None:
    from surveys.models import Response
    from surveys.services import issue_resume_code

    response = Response()
    first = issue_resume_code(response)
    assert issue_resume_code(response, keep=first) == first
    assert issue_resume_code(response, keep=first.lower().replace("-", " ")) == first, "as typed"
    forged = issue_resume_code(response, keep="AAAA-BBBB")
    assert forged != "AAAA-BBBB" and issue_resume_code(response, keep=first) != first
