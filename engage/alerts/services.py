"""Officers' email alerts: the choices, the hourly run that queues them, and unsubscribing.

The run (:func:`send_alerts`) is started by ``flask --app wsgi alerts send`` and by the
hourly housekeeping (``flask --app wsgi maintenance run`` from cron, or the job worker's
own hourly chain). It may run as often as anyone likes: every alert is recorded in
``AlertSent`` under a unique key in the same transaction as its email, so each goes once;
a second run at the same moment fails on that key and its email is dropped with it.

Who gets what:

* only active accounts of officers and administrators, and only the alerts they chose
  (everything is off until they do);
* the **daily digest**, at the first run from 7am (London): submitted responses since the
  end of the last digest (or since the alert was chosen), per survey and per area. A day
  with none sends nothing;
* **a survey closing in 3 days**: open surveys that close within 3 days, that the officer
  created, or whose creator no longer has an active account (so none closes unnoticed).
  Once per survey and closing time: a new closing time is news again;
* **an action due**: actions in the action plan with a date within 3 days or past, not
  done or not taken forward. Once per action and due date;
* **a forum sign-up**: each sign-up confirmed (a place or the waiting list) since the alert
  was chosen, once. The email counts them per forum and links to the forum's page; it
  never names the person.

Each email carries a one-click unsubscribe link (RFC 8058 headers too): a signed token
naming the account and the alert, valid for :data:`LINK_DAYS` days, that turns off that
alert only, without signing in.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from engage.accounts.models import Role, StaffUser
from engage.actions import queries as action_queries
from engage.actions.queries import DueAction
from engage.alerts.models import AlertKind, AlertSent, StaffAlert
from engage.forums.models import Forum, ForumMember, MemberStatus
from engage.platform import clock, i18n, mail, maintenance
from engage.platform.database import db
from engage.platform.links import external_url
from engage.platform.models import OutboundEmail
from surveys import services as survey_services
from surveys.models import Response, Submission, Survey

log = logging.getLogger(__name__)

#: Roles whose active accounts get alerts.
ALERT_ROLES = (Role.OFFICER, Role.ADMIN)
#: The digest goes at the first run from this time, London time.
DIGEST_FROM = time(7, 0)
#: "Closing soon" and "due soon" mean within this long.
SOON_DAYS = 3
#: How long an unsubscribe link works.
LINK_DAYS = 90
#: A sign-up confirmed this long before the last run is looked at again, in case its
#: transaction committed after that run read the table (its key stops a second alert).
SIGN_UP_OVERLAP = timedelta(days=1)
UNSUBSCRIBE_SALT = "engage.alerts.unsubscribe"
KINDS = frozenset(kind.value for kind in AlertKind)


# --- choosing -------------------------------------------------------------------------------


def choices(session: Session, user: StaffUser) -> set[AlertKind]:
    """The alerts ``user`` has switched on."""
    kinds = session.scalars(select(StaffAlert.kind).where(StaffAlert.staff_user_id == user.id))
    return {AlertKind(kind) for kind in kinds if kind in KINDS}


def set_choices(
    session: Session, user: StaffUser, kinds: set[AlertKind], now: datetime
) -> tuple[set[AlertKind], set[AlertKind]]:
    """Switch on exactly ``kinds`` for ``user``; returns (switched on, switched off).

    An alert switched on starts from ``now``: nothing from before is sent (no digest of
    the past months, no sign-ups from last year)."""
    current = {alert.kind: alert for alert in _alerts(session, user)}
    added = {kind for kind in kinds if kind.value not in current}
    removed = {AlertKind(kind) for kind in current if kind not in {k.value for k in kinds}}
    for kind in removed:
        session.delete(current[kind.value])
    for kind in sorted(added):
        session.add(StaffAlert(staff_user_id=user.id, kind=kind.value, chosen_at=now, covered_until=now))
    session.flush()
    return added, removed


def stop(session: Session, user: StaffUser, kind: AlertKind) -> bool:
    """Switch off one alert; whether it was on."""
    result = session.execute(
        delete(StaffAlert).where(StaffAlert.staff_user_id == user.id, StaffAlert.kind == kind.value)
    )
    return bool(getattr(result, "rowcount", 0))


def _alerts(session: Session, user: StaffUser) -> list[StaffAlert]:
    return list(session.scalars(select(StaffAlert).where(StaffAlert.staff_user_id == user.id)))


def describe(kinds: Iterable[AlertKind]) -> str:
    """ "daily digest, forum sign-up" (for the audit log), in the order the page lists them."""
    chosen = set(kinds)
    return ", ".join(kind.short for kind in AlertKind if kind in chosen) or "none"


# --- unsubscribe links ----------------------------------------------------------------------


class _ClockSigner(TimestampSigner):
    """Signs with the service's clock, so a link's age follows ``engage.platform.clock``."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT, signer=_ClockSigner
    )


def unsubscribe_token(user: StaffUser, kind: AlertKind) -> str:
    return str(_serializer().dumps([user.id, kind.value]))


def unsubscribe_url(user: StaffUser, kind: AlertKind) -> str:
    return external_url("staff.alerts.unsubscribe", token=unsubscribe_token(user, kind))


@dataclass(frozen=True)
class Unsubscribe:
    """What an unsubscribe link names, or why it does not work ("expired" or "invalid")."""

    user: StaffUser | None = None
    kind: AlertKind | None = None
    problem: str | None = None


def read_unsubscribe(session: Session, token: str) -> Unsubscribe:
    try:
        value = _serializer().loads(token, max_age=LINK_DAYS * 24 * 3600)
    except SignatureExpired:
        return Unsubscribe(problem="expired")
    except BadSignature:
        return Unsubscribe(problem="invalid")
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or value[1] not in KINDS
    ):
        return Unsubscribe(problem="invalid")
    user = session.get(StaffUser, value[0])
    if user is None:
        return Unsubscribe(problem="invalid")
    return Unsubscribe(user=user, kind=AlertKind(value[1]))


# --- what there is to tell ------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One alert for one account: the keys it is recorded under, and its email (``None``:
    recorded, nothing to send, as for a digest day with no new responses)."""

    keys: list[str]
    subject: str | None = None
    template: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    covered_until: datetime | None = None


@dataclass(frozen=True)
class ClosingSurvey:
    id: int
    slug: str
    title: str
    closes_at: datetime
    created_by_id: int | None
    responses: int


@dataclass(frozen=True)
class AreaCount:
    name: str
    count: int


@dataclass(frozen=True)
class SurveyCount:
    slug: str
    title: str
    count: int
    areas: list[AreaCount]
    link: str


@dataclass(frozen=True)
class ForumCount:
    slug: str
    name: str
    members: int
    waiting: int
    link: str


class Facts:
    """What every account's alerts are made from, read once per run (as it is needed)."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session, self.now = session, now
        self.today = clock.local(now).date()
        self._closing: list[ClosingSurvey] | None = None
        self._actions: list[DueAction] | None = None
        self._active: set[int] | None = None

    @property
    def active_staff(self) -> set[int]:
        if self._active is None:
            self._active = set(
                self.session.scalars(select(StaffUser.id).where(StaffUser.is_active_account.is_(True)))
            )
        return self._active

    @property
    def closing(self) -> list[ClosingSurvey]:
        if self._closing is None:
            found = []
            until = self.now + timedelta(days=SOON_DAYS)
            published = select(Survey).options(selectinload(Survey.published_version))
            for survey in self.session.scalars(published):
                version = survey.published
                if version is None or not survey_services.availability(survey, self.now).open:
                    continue
                closes_at = survey_services.definition_of(version).closes_at
                if closes_at is not None and self.now < closes_at <= until:
                    found.append((survey, closes_at))
            totals = survey_services.submitted_counts(self.session, [survey.id for survey, _ in found])
            self._closing = [
                ClosingSurvey(s.id, s.slug, s.title, closes_at, s.created_by_id, totals[s.id])
                for s, closes_at in sorted(found, key=lambda pair: (pair[1], pair[0].title))
            ]
        return self._closing

    @property
    def actions(self) -> list[DueAction]:
        if self._actions is None:
            self._actions = action_queries.actions_due(self.session, self.today, SOON_DAYS)
        return self._actions


def _sent(session: Session, user: StaffUser, kind: AlertKind) -> set[str]:
    return set(
        session.scalars(
            select(AlertSent.subject_key).where(
                AlertSent.staff_user_id == user.id, AlertSent.kind == kind.value
            )
        )
    )


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def plan_digest(facts: Facts, alert: StaffAlert, user: StaffUser) -> Planned | None:
    local = clock.local(facts.now)
    starts = clock.at_local(facts.today, DIGEST_FROM)
    if local.time() < DIGEST_FROM or alert.covered_until >= starts:
        return None  # before 7am, or today's digest is done (or the alert was chosen since 7am)
    since = alert.covered_until
    rows = facts.session.execute(
        select(Response.survey_id, Response.locality_code, func.count())
        .join(Submission, Submission.response_id == Response.id)
        .where(Submission.submitted_at >= since, Submission.submitted_at < facts.now)
        .group_by(Response.survey_id, Response.locality_code)
    ).all()
    key = f"day:{facts.today.isoformat()}"
    if not rows:
        return Planned([key], covered_until=facts.now)
    by_survey: dict[int, Counter[str | None]] = {}
    for survey_id, code, count in rows:
        by_survey.setdefault(survey_id, Counter())[code] += int(count)
    surveys = facts.session.scalars(
        select(Survey).options(selectinload(Survey.versions)).where(Survey.id.in_(by_survey))
    )
    counts = []
    for survey in surveys:
        version = survey.published or survey.latest
        definition = survey_services.definition_of(version)
        areas = by_survey[survey.id]
        named = [
            AreaCount(
                (found.name if (found := definition.locality(code)) else code) if code else "Area not given",
                count,
            )
            for code, count in areas.items()
        ]
        named.sort(key=lambda area: (area.name == "Area not given", -area.count, area.name))
        counts.append(
            SurveyCount(
                survey.slug,
                survey.title,
                sum(areas.values()),
                named,
                external_url("staff.responses.list_responses", slug=survey.slug),
            )
        )
    counts.sort(key=lambda row: (-row.count, row.title))
    total = sum(row.count for row in counts)
    since_text = current_app.jinja_env.filters["london"](since)
    return Planned(
        [key],
        f"New responses: {total} since {since_text}",
        "staff_alert_digest",
        {"surveys": counts, "total": total, "since": since_text},
        covered_until=facts.now,
    )


def plan_closing(facts: Facts, alert: StaffAlert, user: StaffUser) -> Planned | None:
    sent = _sent(facts.session, user, AlertKind.CLOSING_SOON)
    london = current_app.jinja_env.filters["london"]
    items = []
    for survey in facts.closing:
        looked_after = survey.created_by_id is not None and survey.created_by_id in facts.active_staff
        if survey.created_by_id != user.id and looked_after:
            continue
        key = f"survey:{survey.id}:{survey.closes_at.isoformat(timespec='minutes')}"
        if key not in sent:
            items.append((key, survey))
    if not items:
        return None
    surveys = [
        {
            "title": survey.title,
            "closes": london(survey.closes_at),
            "responses": _plural(survey.responses, "response"),
            "link": external_url("staff.builder.overview", slug=survey.slug),
        }
        for _, survey in items
    ]
    subject = (
        f"Closing in {SOON_DAYS} days: {items[0][1].title}"
        if len(items) == 1
        else f"{len(items)} surveys close within {SOON_DAYS} days"
    )
    return Planned([key for key, _ in items], subject, "staff_alert_closing_soon", {"surveys": surveys})


def plan_actions(facts: Facts, alert: StaffAlert, user: StaffUser) -> Planned | None:
    sent = _sent(facts.session, user, AlertKind.ACTION_DUE)
    items = [
        (key, action)
        for action in facts.actions
        if (key := f"action:{action.id}:{action.due_on.isoformat()}") not in sent
    ]
    if not items:
        return None
    actions = [
        {
            "title": action.title,
            "priority": action.priority,
            "when": (
                f"was due on {i18n.long_date(action.due_on)}"
                if action.overdue
                else f"is due on {i18n.long_date(action.due_on)}"
            ),
            "status": action.status_label,
            "lead_officer": action.lead_officer,
            "link": external_url("staff.actions.detail", action_id=action.id),
        }
        for _, action in items
    ]
    if len(items) == 1:
        only = items[0][1]
        subject = f"Action {'overdue' if only.overdue else 'due'}: {only.title}"
    else:
        subject = f"{len(items)} actions due or overdue"
    return Planned([key for key, _ in items], subject, "staff_alert_action_due", {"actions": actions})


def plan_sign_ups(facts: Facts, alert: StaffAlert, user: StaffUser) -> Planned | None:
    since = max(alert.chosen_at, alert.covered_until - SIGN_UP_OVERLAP)
    rows = facts.session.execute(
        select(ForumMember.id, ForumMember.status, Forum.slug, Forum.name)
        .join(Forum, Forum.id == ForumMember.forum_id)
        .where(
            ForumMember.confirmed_at.is_not(None),
            ForumMember.confirmed_at >= since,
            ForumMember.confirmed_at <= facts.now,
            ForumMember.status.in_(MemberStatus.CURRENT),
        )
        .order_by(Forum.name, ForumMember.id)
    ).all()
    sent = _sent(facts.session, user, AlertKind.FORUM_SIGN_UP)
    new = [row for row in rows if f"member:{row.id}" not in sent]
    if not new:
        return Planned([], covered_until=facts.now)
    forums: dict[str, ForumCount] = {}
    for row in new:
        counted = forums.get(row.slug) or ForumCount(
            row.slug, row.name, 0, 0, external_url("staff.forums.forum_page", slug=row.slug)
        )
        waiting = row.status == MemberStatus.WAITING
        forums[row.slug] = ForumCount(
            counted.slug,
            counted.name,
            counted.members + (0 if waiting else 1),
            counted.waiting + (1 if waiting else 0),
            counted.link,
        )
    listed = [
        {
            "name": forum.name,
            "counts": ", ".join(
                part
                for part in (
                    _plural(forum.members, "new member") if forum.members else "",
                    f"{forum.waiting} on the waiting list" if forum.waiting else "",
                )
                if part
            ),
            "link": forum.link,
        }
        for forum in forums.values()
    ]
    subject = f"New forum sign-up: {new[0].name}" if len(new) == 1 else f"{len(new)} new forum sign-ups"
    return Planned(
        [f"member:{row.id}" for row in new],
        subject,
        "staff_alert_forum_sign_up",
        {"forums": listed, "count": len(new)},
        covered_until=facts.now,
    )


PLANS: dict[AlertKind, Callable[[Facts, StaffAlert, StaffUser], Planned | None]] = {
    AlertKind.DIGEST: plan_digest,
    AlertKind.CLOSING_SOON: plan_closing,
    AlertKind.ACTION_DUE: plan_actions,
    AlertKind.FORUM_SIGN_UP: plan_sign_ups,
}


# --- the run --------------------------------------------------------------------------------


def send_alerts(session: Session, now: datetime) -> list[OutboundEmail]:
    """Queue every alert due at ``now`` in the outbox, each once; returns the emails queued.

    Each alert (its keys, its email, the account's new starting point) is committed on its
    own: one that another run got to first is rolled back alone."""
    chosen = session.execute(
        select(StaffAlert.id, StaffAlert.staff_user_id, StaffAlert.kind)
        .join(StaffUser, StaffUser.id == StaffAlert.staff_user_id)
        .where(
            StaffUser.is_active_account.is_(True),
            StaffUser.role.in_([role.value for role in ALERT_ROLES]),
            StaffAlert.kind.in_(KINDS),
        )
        .order_by(StaffAlert.staff_user_id, StaffAlert.kind)
    ).all()
    facts = Facts(session, now)
    queued: list[OutboundEmail] = []
    for alert_id, user_id, kind_value in chosen:
        alert, user = session.get(StaffAlert, alert_id), session.get(StaffUser, user_id)
        if alert is None or user is None:
            continue  # switched off while the run went on
        kind = AlertKind(kind_value)
        planned = PLANS[kind](facts, alert, user)
        if planned is None:
            continue
        try:
            message = _record(session, user, alert, kind, planned, now)
            session.commit()
        except IntegrityError:
            session.rollback()
            log.info("Alert %s for staff account %s was already sent by another run", kind, user.id)
            continue
        if message is not None:
            mail.dispatch(message)
            queued.append(message)
    session.commit()
    return queued


def _record(
    session: Session, user: StaffUser, alert: StaffAlert, kind: AlertKind, planned: Planned, now: datetime
) -> OutboundEmail | None:
    for key in planned.keys:
        session.add(AlertSent(staff_user_id=user.id, kind=kind.value, subject_key=key, sent_at=now))
    if planned.covered_until is not None:
        alert.covered_until = planned.covered_until
    session.flush()
    if planned.subject is None:
        return None
    link = unsubscribe_url(user, kind)
    return mail.send(
        user.email,
        planned.subject,
        planned.template,
        purpose=f"staff_alert_{kind.value}",
        headers=mail.unsubscribe_headers(link),
        name=user.name,
        kind=kind,
        unsubscribe_link=link,
        settings_link=external_url("staff.alerts.settings"),
        **planned.context,
    )


@maintenance.task("officers' alert emails", outcome="Queued")
def queue_alerts() -> int:
    return len(send_alerts(db(), clock.now()))
