"""Tell me what happened: consent, confirmation, the emails, unsubscribing and retention.

Rules (each one tested in tests/followups):
- A resident asks on the thank-you page of an online response, with an email
  address and a ticked consent statement; the statement's exact words are kept.
- Nothing is sent about the survey until the resident confirms with the link in the
  first email; unconfirmed requests are deleted after ``UNCONFIRMED_DAYS``.
- Confirmed residents get one email when the survey's "You said, we did" page is
  published, and one when an action linked to their answers (through a theme or
  directly) changes status, as long as the page is published. Each event reaches
  each resident once (``FollowUpNotice``), however often officers re-publish.
- Every email has an unsubscribe link (and RFC 8058 one-click headers); using it
  deletes the address at once. Addresses are deleted ``KEEP_DAYS`` after consent.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engage.actions.models import Action, ActionStatus, Publication, ResponseLink, StatusChange
from engage.followups.models import FollowUp, FollowUpNotice
from engage.platform import audit, clock, events, jobs, mail, maintenance
from engage.platform.config import Settings
from engage.platform.database import db
from engage.platform.links import external_url
from engage.platform.models import OutboundEmail
from engage.themes.models import ThemeAnalysis
from surveys import services as survey_services
from surveys.models import Response, Survey

log = logging.getLogger(__name__)

UNCONFIRMED_DAYS = 7
KEEP_DAYS = 2 * 365
UNSUBSCRIBE_SALT = "engage.followups.unsubscribe"
# Residents hear about a change only when it is news: not about an action being proposed.
NEWS_STATUSES = set(ActionStatus) - {ActionStatus.PROPOSED}


def consent_text(council_name: str) -> str:
    # In the language of the page it is agreed on: the words kept are the words shown.
    return str(
        _(
            "Email me when %(council)s publishes what it is doing because of this survey, "
            "and when an action linked to my answers changes. Keep my email address apart from my "
            "answers, use it for nothing else, and delete it after two years or as soon as I unsubscribe.",
            council=council_name,
        )
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Requested:
    follow_up: FollowUp
    token: str | None  # None when the address was already confirmed: nothing to send


def request_updates(
    session: Session, response: Response, email: str, wording: str, now: datetime
) -> Requested:
    """Record the request for one submitted response (asking again replaces the address)."""
    follow_up = session.scalar(select(FollowUp).where(FollowUp.response_id == response.id))
    if follow_up is not None and follow_up.email == email and follow_up.confirmed_at is not None:
        return Requested(follow_up, None)
    token = secrets.token_urlsafe(24)
    if follow_up is None:
        follow_up = FollowUp(survey_id=response.survey_id, response_id=response.id)
        session.add(follow_up)
    follow_up.email, follow_up.consent_text, follow_up.consented_at = email, wording, now
    follow_up.confirm_token_hash, follow_up.confirmed_at = _digest(token), None
    session.flush()
    return Requested(follow_up, token)


def find_unconfirmed(session: Session, token: str, now: datetime) -> FollowUp | None:
    follow_up = session.scalar(select(FollowUp).where(FollowUp.confirm_token_hash == _digest(token)))
    if follow_up is None or follow_up.consented_at < now - timedelta(days=UNCONFIRMED_DAYS):
        return None
    return follow_up


def confirm(session: Session, follow_up: FollowUp, now: datetime) -> None:
    follow_up.confirmed_at, follow_up.confirm_token_hash = now, None
    session.flush()
    audit.record(
        session,
        "follow_up.confirmed",
        object_type="survey",
        object_id=follow_up.survey_id,
        summary="A resident confirmed they want to hear what happens after a survey",
        actor=None,
    )


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(follow_up: FollowUp) -> str:
    return str(_serializer().dumps(follow_up.id))


def from_unsubscribe_token(session: Session, token: str) -> FollowUp | None:
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    return session.get(FollowUp, value) if isinstance(value, int) else None


def forget(session: Session, follow_up: FollowUp) -> None:
    """Unsubscribe: the address is deleted, not flagged."""
    survey_id = follow_up.survey_id
    session.delete(follow_up)
    session.flush()
    audit.record(
        session,
        "follow_up.unsubscribed",
        object_type="survey",
        object_id=survey_id,
        summary="A resident stopped updates about a survey; their email address was deleted",
        actor=None,
    )


def purge(session: Session, now: datetime) -> int:
    unconfirmed = session.execute(
        delete(FollowUp).where(
            FollowUp.confirmed_at.is_(None),
            FollowUp.consented_at < now - timedelta(days=UNCONFIRMED_DAYS),
        )
    )
    expired = session.execute(delete(FollowUp).where(FollowUp.consented_at < now - timedelta(days=KEEP_DAYS)))
    return int(getattr(unconfirmed, "rowcount", 0) or 0) + int(getattr(expired, "rowcount", 0) or 0)


# --- the emails -------------------------------------------------------------------------


def _settings() -> Settings:
    return current_app.config["ENGAGE_SETTINGS"]  # type: ignore[no-any-return]


def send_confirmation(follow_up: FollowUp, token: str, survey_title: str) -> OutboundEmail:
    """Written in the thank-you page's language (the resident's); its link keeps it."""
    language = _language_of(follow_up)
    return mail.send(
        follow_up.email,
        _("Confirm you want to hear what happens after %(survey)s", survey=survey_title),
        "follow_up_confirm",
        purpose="follow_up_confirm",
        follow_up_id=follow_up.id,
        survey_title=survey_title,
        link=external_url("followups.confirm", token=token, lang=language),
        days=UNCONFIRMED_DAYS,
        email_language=language,
    )


def _language_of(follow_up: FollowUp) -> str:
    """The language the resident answered in: their emails are written in it."""
    response = follow_up.response
    return str(response.language) if response is not None and response.language else "en"


def _send_once(
    session: Session, follow_up: FollowUp, event: str, now: datetime, **email: Any
) -> OutboundEmail | None:
    """Queue one email for ``event`` unless this resident already had it."""
    sent = session.scalar(
        select(FollowUpNotice.id).where(
            FollowUpNotice.follow_up_id == follow_up.id, FollowUpNotice.event == event
        )
    )
    if sent is not None:
        return None
    language = str(email.get("email_language") or "en")
    unsubscribe = external_url("followups.unsubscribe", token=unsubscribe_token(follow_up), lang=language)
    message = mail.send(
        follow_up.email,
        str(email.pop("subject")),
        str(email.pop("template")),
        purpose=str(email.pop("purpose")),
        follow_up_id=follow_up.id,
        headers=mail.unsubscribe_headers(unsubscribe),
        unsubscribe_link=unsubscribe,
        **{**_names(language), **email},
    )
    session.add(FollowUpNotice(follow_up_id=follow_up.id, event=event, sent_at=now))
    session.flush()
    return message


def _names(language: str) -> dict[str, object]:
    """The council's and service's names in ``language``: a background job has no page
    language for the layout to take them from."""
    return dict(_settings().names(language))


def _confirmed(session: Session, survey_id: int, public_ids: set[str] | None = None) -> list[FollowUp]:
    query = select(FollowUp).where(FollowUp.survey_id == survey_id, FollowUp.confirmed_at.is_not(None))
    if public_ids is not None:
        query = query.join(Response, Response.id == FollowUp.response_id).where(
            Response.public_id.in_(public_ids)
        )
    return list(session.scalars(query.order_by(FollowUp.id)))


def _publication(session: Session, survey_id: int) -> Publication | None:
    page = session.scalar(select(Publication).where(Publication.survey_id == survey_id))
    return page if page is not None and page.published_at is not None else None


def _page_url(survey: Survey, language: str = "en") -> str:
    return external_url("yswd.page", slug=survey.slug, lang=language)


def _deliver(session: Session, queued: list[OutboundEmail]) -> None:
    session.commit()
    for message in queued:
        mail.dispatch(message)


def notify_published(survey_id: int) -> int:
    """The background job run after a survey's page is published. Returns emails queued."""
    session = db()
    survey = session.get(Survey, survey_id)
    if survey is None or _publication(session, survey_id) is None:
        return 0
    now = clock.now()
    queued: list[OutboundEmail] = []
    for follow_up in _confirmed(session, survey_id):
        # Each resident's email in the language they answered in (a background job has
        # no page language of its own).
        language = _language_of(follow_up)
        with force_locale(language):
            title = _title(survey, language)
            message = _send_once(
                session,
                follow_up,
                "published",
                now,
                subject=_("What happened after %(survey)s", survey=title),
                template="follow_up_published",
                purpose="follow_up_published",
                survey_title=title,
                page_link=_page_url(survey, language),
                email_language=language,
            )
        if message is not None:
            queued.append(message)
    _deliver(session, queued)
    log.info("Told %s residents that 'You said, we did' for %s is published", len(queued), survey.slug)
    return len(queued)


def _title(survey: Survey, language: str = "en") -> str:
    """The survey's title in ``language`` when it is written in it."""
    if survey.published is None:
        return survey.title
    return survey_services.definition_of(survey.published).localised(language).title


def residents_behind(session: Session, action: Action) -> dict[int, set[str]]:
    """Per survey, the public ids of the responses an action answers: through the themes
    linked to it and through responses linked to it directly."""
    behind: dict[int, set[str]] = {}
    for link in action.links:
        analysis: ThemeAnalysis = link.analysis
        ids = analysis.snapshot.answers_in(link.theme_id)
        behind.setdefault(analysis.survey_id, set()).update(ids)
    for response in session.scalars(
        select(Response)
        .join(ResponseLink, ResponseLink.response_id == Response.id)
        .where(ResponseLink.action_id == action.id)
    ):
        behind.setdefault(response.survey_id, set()).add(response.public_id)
    return behind


def notify_status_change(change_id: int) -> int:
    """The background job run after an action's status changes. Returns emails queued."""
    session = db()
    change = session.get(StatusChange, change_id)
    if change is None or change.status not in NEWS_STATUSES:
        return 0
    action = change.action
    now = clock.now()
    queued: list[OutboundEmail] = []
    for survey_id, public_ids in sorted(residents_behind(session, action).items()):
        survey = session.get(Survey, survey_id)
        if survey is None or _publication(session, survey_id) is None or not public_ids:
            continue
        for follow_up in _confirmed(session, survey_id, public_ids):
            language = _language_of(follow_up)
            with force_locale(language):
                title = _title(survey, language)
                message = _send_once(
                    session,
                    follow_up,
                    f"status:{change.id}",
                    now,
                    subject=_(
                        "Update: %(action)s is now %(status)s",
                        action=action.title,
                        status=change.status_label.lower(),
                    ),
                    template="follow_up_status",
                    purpose="follow_up_status",
                    survey_title=title,
                    action=action,
                    status=change.status_label,
                    reason=change.reason,
                    page_link=_page_url(survey, language),
                    email_language=language,
                )
            if message is not None:
                queued.append(message)
    _deliver(session, queued)
    log.info("Told %s residents that '%s' is now %s", len(queued), action.title, change.status)
    return len(queued)


# --- reacting to the action plan's changes (engage.platform.events) ---------------------------------


@events.action_status_changed.connect
def _tell_about_status(change: StatusChange) -> None:
    jobs.enqueue(notify_status_change, change.id)


@events.plan_published.connect
def _tell_about_publication(survey: Survey) -> None:
    jobs.enqueue(notify_published, survey.id)


@maintenance.task("'tell me what happened' addresses (unconfirmed after 7 days, all after 2 years)")
def purge_follow_ups() -> int:
    removed = purge(db(), clock.now())
    db().commit()
    return removed
