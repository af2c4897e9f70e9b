"""Outgoing email: every message goes into the outbox table first, then out.

With ``ENGAGE_SMTP_HOST`` set, a background job delivers each message over SMTP
(retried by the job queue). Without it, messages stay in the outbox, where staff
and developers read them at /staff/outbox: nothing is silently dropped.

Every message is built (headers checked) when it is queued: one that cannot be built
(a line break in its subject, say) is recorded at once as ``failed`` with the reason in
``last_error``, never left ``queued``. The delivery job builds it again and records any
failure the same way.

Emails hold personal data, so each is tied to the person it concerns (a forum member,
a "tell me what happened" address, an unfinished response) and goes when their data
goes (see ``OutboundEmail``). The goodbye sent after an erasure has ``discard_after``
set: it is deleted as soon as it is sent, and by :func:`purge` once that time has passed
if it never is. :func:`purge` (hourly, from ``engage.platform.maintenance``) deletes every email
``ENGAGE_OUTBOX_RETENTION_DAYS`` after it was made, whatever its status.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from engage.platform import clock, jobs
from engage.platform.config import Settings
from engage.platform.database import db
from engage.platform.models import EmailStatus, OutboundEmail

log = logging.getLogger(__name__)

# How long the goodbye after an erasure may wait in the outbox if it cannot be sent.
GOODBYE_KEPT = timedelta(hours=24)


def _settings() -> Settings:
    return current_app.config["ENGAGE_SETTINGS"]  # type: ignore[no-any-return]


def send(
    to: str,
    subject: str,
    template: str,
    *,
    purpose: str,
    headers: dict[str, str] | None = None,
    forum_member_id: int | None = None,
    follow_up_id: int | None = None,
    response_id: int | None = None,
    goodbye: bool = False,
    **context: object,
) -> OutboundEmail:
    """Queue a council-branded message with plain-text and HTML parts.

    ``template`` names a pair ``emails/<template>.txt`` and ``emails/<template>.html``;
    ``headers`` are extra headers (``List-Unsubscribe``). ``forum_member_id``,
    ``follow_up_id`` or ``response_id`` says whom it concerns: it is deleted with them.
    ``goodbye`` marks the last email after an erasure, deleted once sent (or after
    ``GOODBYE_KEPT``). The caller commits; delivery is queued only after that commit
    succeeds. A message that cannot be built is stored as ``failed`` with the reason, and
    never queued.
    """
    settings = _settings()
    text = render_template(f"emails/{template}.txt", **context)
    html = render_template(f"emails/{template}.html", subject=subject, **context)
    message = OutboundEmail(
        to_address=to,
        subject=subject,
        text_body=text,
        html_body=html,
        purpose=purpose,
        headers=dict(headers or {}),
        status=EmailStatus.QUEUED if settings.smtp_host else EmailStatus.OUTBOX,
        attempts=0,
        created_at=clock.now(),
        forum_member_id=forum_member_id,
        follow_up_id=follow_up_id,
        response_id=response_id,
        discard_after=clock.now() + GOODBYE_KEPT if goodbye else None,
    )
    built = build_or_problem(message, settings)
    if isinstance(built, str):
        message.status, message.last_error = EmailStatus.FAILED, built
        log.error("Email to %s could not be built: %s", purpose, built)
    db().add(message)
    db().flush()
    return message


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 / RFC 8058 headers so mail programs can offer one-click unsubscribe."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def dispatch(message: OutboundEmail) -> None:
    """After the commit: hand a queued message to the job queue."""
    if message.status == EmailStatus.QUEUED:
        jobs.enqueue(deliver, message.id)


def build_or_problem(message: OutboundEmail, settings: Settings) -> EmailMessage | str:
    """``message`` built into an email, or why it cannot be."""
    try:
        return build(message, settings)
    except Exception as error:  # noqa: BLE001 - whatever the reason, it is recorded on the row
        return f"The email could not be built: {type(error).__name__}: {error}"


def build(message: OutboundEmail, settings: Settings) -> EmailMessage:
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain="engage.local")
    for name, value in message.headers.items():
        email[name] = value
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    return email


def deliver(message_id: int) -> None:
    """Send one message over SMTP. Raises on failure so the job queue retries it."""
    session = db()
    message = session.get(OutboundEmail, message_id)
    if message is None or message.status == EmailStatus.SENT:
        return
    settings = _settings()
    message.attempts += 1
    email = build_or_problem(message, settings)
    if isinstance(email, str):
        # Retrying cannot help: record why, and do not raise.
        message.status, message.last_error = EmailStatus.FAILED, email
        session.commit()
        log.error("Email %s to %s could not be built: %s", message.id, message.purpose, email)
        return
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
            if settings.smtp_use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(email)
    except (OSError, smtplib.SMTPException) as error:
        message.status = EmailStatus.FAILED
        message.last_error = f"{type(error).__name__}: {error}"
        session.commit()
        log.error("Email %s to %s failed: %s", message.id, message.purpose, error)
        raise
    if message.discard_after is not None:
        # The goodbye after an erasure: once it is sent, nothing of the person stays.
        session.delete(message)
        session.commit()
        return
    message.status = EmailStatus.SENT
    message.sent_at = clock.now()
    message.last_error = None
    session.commit()


def purge(session: Session, now: datetime, retention_days: int) -> int:
    """Delete emails older than ``retention_days`` (any status) and goodbyes past their time."""
    result = session.execute(
        delete(OutboundEmail).where(
            or_(
                OutboundEmail.created_at < now - timedelta(days=retention_days),
                OutboundEmail.discard_after <= now,
            )
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
