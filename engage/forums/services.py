"""The forum membership lifecycle: sign up, confirm, self-service, re-confirm, erase, purge.

Everything that has a rule in it lives here, free of request handling, so tests can
drive it with a moved clock. Callers commit. Tokens are random, shown once (in an
email link) and stored only as SHA-256 digests.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, joinedload

from engage.accounts.models import StaffUser
from engage.forums import links
from engage.forums.models import (
    INTEREST_AREAS,
    ORGANISATION_TYPES,
    BookingStatus,
    ConsentRecord,
    ConsentWording,
    Forum,
    ForumMeeting,
    ForumMember,
    MeetingBooking,
    MemberStatus,
)
from engage.platform import audit, clock, inputs, jobs, mail
from engage.platform.database import db
from engage.platform.jobs import JobHandle
from engage.platform.models import OutboundEmail
from surveys import text
from surveys.refusal import RefusedError


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Marks text for the catalogues that is translated where it is shown (the default
    consent wording: stored in English, shown in the member's language when it is unchanged)."""
    return message


DEFAULT_WORDING: dict[str, Any] = {
    "introduction": N_(
        "Anyshire County Council's library and heritage service will use the details you give "
        "here only for the forum you are joining. We keep them while you are a member: we will "
        "ask you to confirm you want to stay every {membership} and delete them if you do not. "
        "You can see, change, download or delete them at any time from the link in our emails."
    ),
    "purposes": [
        {
            "key": "membership",
            "text": N_(
                "Keep my details so that officers can invite me to forum meetings and events, "
                "contact me about the forum's work, and plan for my accessibility needs."
            ),
            "required": True,
        },
        {
            "key": "updates",
            "text": N_(
                "Send me occasional emails about what the service has done with what residents "
                "and forum members told it (\u201cYou said, we did\u201d)."
            ),
            "required": False,
        },
    ],
}

LIMITS = {"name": 120, "email": 254, "organisation": 150, "role": 100, "access_needs": 1000}


@dataclass(frozen=True)
class Retention:
    """How long things last. Built from the ``ENGAGE_FORUM_*`` settings."""

    unconfirmed: timedelta = timedelta(days=7)
    membership: timedelta = timedelta(days=730)
    reminder: timedelta = timedelta(days=30)
    manage_link: timedelta = timedelta(days=30)

    @classmethod
    def from_settings(cls, settings: Any) -> Retention:
        return cls(
            unconfirmed=timedelta(days=settings.forum_unconfirmed_days),
            membership=timedelta(days=settings.forum_membership_days),
            reminder=timedelta(days=settings.forum_reminder_days),
            manage_link=timedelta(days=settings.forum_link_days),
        )


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, digest(token)


def email_key(email: str) -> str:
    """One key per mailbox: case-insensitive, surrounding spaces ignored."""
    return email.strip().lower()


# --- validation -------------------------------------------------------------------


@dataclass
class SignUp:
    """What someone typed into the sign-up (or update) form, kept even when it is wrong."""

    name: str = ""
    email: str = ""
    organisation: str = ""
    role: str = ""
    organisation_type: str = ""
    localities: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    access_needs: str = ""
    purposes: list[str] = field(default_factory=list)

    @classmethod
    def from_member(cls, member: ForumMember) -> SignUp:
        return cls(
            name=member.name or "",
            email=member.email or "",
            organisation=member.organisation or "",
            role=member.role or "",
            organisation_type=member.organisation_type,
            localities=list(member.localities),
            interests=list(member.interests),
            access_needs=member.access_needs or "",
            purposes=[c.purpose for c in member.current_consents()],
        )


# Each field's name in a sentence, in the page's language (lazy: made when used).
LABELS: dict[str, Any] = {
    "name": _l("Your name"),
    "email": _l("Email address"),
    "organisation": _l("Organisation"),
    "role": _l("Your role"),
    "access_needs": _l("Accessibility needs"),
}


def _clean(value: str, key: str, errors: dict[str, str], *, multiline: bool = False) -> str:
    value = text.normalise(value, multiline=multiline).strip()
    problem = text.problem(str(LABELS[key]), value, multiline=multiline)
    if problem:
        errors[key] = problem
    elif len(value) > LIMITS[key]:
        errors[key] = _("%(label)s must be %(num)d characters or fewer", label=LABELS[key], num=LIMITS[key])
    return value


def check_email(value: str) -> tuple[str, str | None]:
    """The address as we will store it, or what is wrong with it in plain English."""
    errors: dict[str, str] = {}
    email = _clean(value, "email", errors)
    if errors:
        return email, errors["email"]
    if not email:
        return email, _("Enter your email address")
    try:
        return validate_email(email, check_deliverability=False).normalized, None
    except EmailNotValidError:
        return email, _("Enter an email address in the correct format, like name@example.com")


def validate(
    data: SignUp, forum: Forum, wording: ConsentWording, *, need_consent: bool = True
) -> tuple[SignUp, dict[str, str]]:
    """Check a sign-up. Returns the cleaned values and errors keyed by field name."""
    errors: dict[str, str] = {}
    name = _clean(data.name, "name", errors)
    if not name and "name" not in errors:
        errors["name"] = _("Enter your name")
    email, problem = check_email(data.email)
    if problem:
        errors["email"] = problem
    organisation = _clean(data.organisation, "organisation", errors)
    role = _clean(data.role, "role", errors)
    access_needs = _clean(data.access_needs, "access_needs", errors, multiline=True)
    if data.organisation_type not in ORGANISATION_TYPES:
        errors["organisation_type"] = _("Select the type of organisation you represent, or 'Resident'")
    localities = [item for item in data.localities if item in forum.localities]
    if forum.localities and not localities:
        errors["localities"] = _("Select at least one area you are interested in")
    interests = [item for item in data.interests if item in forum.interests]
    if forum.interests and not interests:
        errors["interests"] = _("Select at least one interest")
    purposes = [p["key"] for p in wording.purposes if p["key"] in data.purposes]
    if need_consent:
        missing = [p for p in wording.purposes if p["required"] and p["key"] not in purposes]
        if missing:
            errors["purposes"] = _("To join the forum, tick the box to say we can keep your details")
    cleaned = SignUp(
        name=name,
        email=email,
        organisation=organisation,
        role=role,
        organisation_type=data.organisation_type,
        localities=localities,
        interests=interests,
        access_needs=access_needs,
        purposes=purposes,
    )
    return cleaned, errors


FIELD_ORDER = ["name", "email", "organisation", "role", "organisation_type", "localities", "interests"]
FIELD_ORDER += ["access_needs", "purposes"]


# --- consent wording ----------------------------------------------------------------


def current_wording(session: Session, now: datetime) -> ConsentWording:
    """The newest consent wording; the first call creates version 1 from the default."""
    wording = session.scalar(select(ConsentWording).order_by(ConsentWording.version.desc()).limit(1))
    if wording is None:
        wording = ConsentWording(
            version=1,
            introduction=DEFAULT_WORDING["introduction"],
            purposes=DEFAULT_WORDING["purposes"],
            created_at=now,
        )
        session.add(wording)
        session.flush()
    return wording


def new_wording(
    session: Session, introduction: str, purpose_texts: dict[str, str], now: datetime, *, by: StaffUser
) -> ConsentWording:
    """A new version of the wording: same purposes (keys), new text. Old versions stay."""
    problems = wording_problems({"introduction": introduction, **purpose_texts})
    if problems:
        raise ForumError(errors=problems)
    current = current_wording(session, now)
    purposes = [{**p, "text": purpose_texts.get(p["key"], p["text"]).strip()} for p in current.purposes]
    wording = ConsentWording(
        version=current.version + 1,
        introduction=introduction.strip(),
        purposes=purposes,
        created_at=now,
        created_by_id=by.id,
    )
    session.add(wording)
    session.flush()
    audit.record(
        session,
        "forum.consent_wording_changed",
        object_type="consent_wording",
        object_id=wording.id,
        summary=f"Published consent wording version {wording.version}",
        actor=by,
    )
    return wording


def wording_problems(statements: dict[str, str]) -> dict[str, str]:
    """Every statement of a wording (the introduction too) is needed, and not too long."""
    errors: dict[str, str] = {}
    for key, statement in statements.items():
        if not statement.strip():
            errors[key] = "This statement cannot be empty"
        elif len(statement.strip()) > 2000:
            errors[key] = "Each statement must be 2,000 characters or fewer"
    return errors


def members_on_older_wording(session: Session, forum: Forum, wording: ConsentWording) -> list[ForumMember]:
    return [
        m
        for m in current_members(session, forum)
        if any(c.wording_id != wording.id for c in m.current_consents())
    ]


# --- signing up and confirming ------------------------------------------------------


@dataclass
class SignUpOutcome:
    """What happened, for the caller to send the right email. The page shown is the same."""

    kind: str  # "new", "pending-again" or "already-member"
    member: ForumMember
    confirm_token: str | None = None
    manage_token: str | None = None


def _personal(member: ForumMember, data: SignUp) -> None:
    member.name = data.name
    member.email = data.email
    member.email_key = email_key(data.email)
    member.organisation = data.organisation or None
    member.role = data.role or None
    member.access_needs = data.access_needs or None
    member.organisation_type = data.organisation_type
    member.localities = list(data.localities)
    member.interests = list(data.interests)


def find_member(session: Session, forum: Forum, email: str) -> ForumMember | None:
    return session.scalar(
        select(ForumMember).where(ForumMember.forum_id == forum.id, ForumMember.email_key == email_key(email))
    )


def sign_up(
    session: Session,
    forum: Forum,
    data: SignUp,
    wording: ConsentWording,
    now: datetime,
    retention: Retention,
    channel: str = "web",
    *,
    language: str = "en",
) -> SignUpOutcome:
    """Record a (validated) sign-up without activating anything.

    A second sign-up with the same email never makes a second row: a pending one
    is refreshed and gets a new link; a current member is sent their manage link.
    """
    existing = find_member(session, forum, data.email)
    if existing is not None and existing.status in MemberStatus.CURRENT:
        manage = issue_manage_token(existing, now, retention)
        return SignUpOutcome("already-member", existing, manage_token=manage)
    member = existing or ForumMember(forum=forum, created_at=now, channel=channel)
    _personal(member, data)
    member.status = MemberStatus.PENDING
    member.updated_at = now
    member.language = language
    # What was ticked waits here, not yet consent, until the email link is used.
    member.pending_consent = {"purposes": list(data.purposes), "wording_id": wording.id}
    token, hashed = new_token()
    member.confirm_token_hash = hashed
    member.confirm_expires_at = now + retention.unconfirmed
    session.add(member)
    session.flush()
    return SignUpOutcome("new" if existing is None else "pending-again", member, confirm_token=token)


def find_by_confirm_token(session: Session, token: str, now: datetime) -> ForumMember | None:
    member = session.scalar(select(ForumMember).where(ForumMember.confirm_token_hash == digest(token)))
    if member is None or member.status != MemberStatus.PENDING:
        return None
    if member.confirm_expires_at is None or member.confirm_expires_at < now:
        return None
    return member


def confirm(
    session: Session, member: ForumMember, now: datetime, retention: Retention, channel: str = "email link"
) -> str:
    """The email link was used: consent is recorded and membership starts. Returns a manage token."""
    pending = member.pending_consent or {}
    wording_id = int(pending.get("wording_id") or current_wording(session, now).id)
    for purpose in pending.get("purposes", []):
        member.consents.append(
            ConsentRecord(purpose=purpose, wording_id=wording_id, given_at=now, channel=channel)
        )
    member.pending_consent = None
    forum = member.forum
    full = forum.capacity is not None and count_status(session, forum, MemberStatus.ACTIVE) >= forum.capacity
    member.status = MemberStatus.WAITING if full else MemberStatus.ACTIVE
    member.confirmed_at = now
    member.renewed_at = now
    member.reminded_at = None
    member.updated_at = now
    member.confirm_token_hash = None
    member.confirm_expires_at = None
    session.flush()
    return issue_manage_token(member, now, retention)


def issue_manage_token(member: ForumMember, now: datetime, retention: Retention) -> str:
    """A fresh self-service link; the previous one stops working."""
    token, hashed = new_token()
    member.manage_token_hash = hashed
    member.manage_expires_at = now + retention.manage_link
    return token


def find_by_manage_token(session: Session, token: str, now: datetime) -> ForumMember | None:
    member = session.scalar(select(ForumMember).where(ForumMember.manage_token_hash == digest(token)))
    if member is None or member.status not in MemberStatus.CURRENT:
        return None
    if member.manage_expires_at is None or member.manage_expires_at < now:
        return None
    return member


def issue_manage_links(
    session: Session, email: str, now: datetime, retention: Retention
) -> list[tuple[ForumMember, str]]:
    """A fresh self-service link for each current membership of ``email``.

    The lost-link page must take as long for an address that is not registered, so the
    work is the same either way: one query (forums loaded with it, not one by one), a
    token made, and the token's ``UPDATE`` sent, which for an unknown address matches no
    row. The rest (one email rendered, stored and committed) is the caller's.
    """
    members = current_members_for_email(session, email)
    if members:
        issued = [(member, issue_manage_token(member, now, retention)) for member in members]
        session.flush()
        return issued
    _token, hashed = new_token()
    session.execute(
        update(ForumMember)
        .where(ForumMember.id == -1)  # never a row: only the same round trip as a real link
        .values(manage_token_hash=hashed, manage_expires_at=now + retention.manage_link)
    )
    return []


def current_members_for_email(session: Session, email: str) -> list[ForumMember]:
    return list(
        session.scalars(
            select(ForumMember)
            .options(joinedload(ForumMember.forum))
            .where(ForumMember.email_key == email_key(email), ForumMember.status.in_(MemberStatus.CURRENT))
        ).unique()
    )


# --- self-service -------------------------------------------------------------------


def update_details(member: ForumMember, data: SignUp, now: datetime) -> list[str]:
    """Save changed details, except the email address (see :func:`request_email_change`);
    returns the names of the fields that changed."""
    data = replace(data, email=member.email or "")
    before = SignUp.from_member(member)
    changed = [key for key in FIELD_ORDER[:-1] if getattr(before, key) != getattr(data, key)]
    _personal(member, data)
    member.updated_at = now
    return changed


def email_changes(member: ForumMember, email: str) -> bool:
    """Whether ``email`` is a different mailbox from the member's address in use."""
    return email_key(email) != member.email_key


def request_email_change(member: ForumMember, email: str, now: datetime, retention: Retention) -> str:
    """Hold a new address until its link is opened; returns the token for that link.

    The address in use does not change (every email still goes there); asking again
    replaces the waiting address and its link.
    """
    token, hashed = new_token()
    member.new_email = email
    member.new_email_token_hash = hashed
    member.new_email_expires_at = now + retention.manage_link
    member.updated_at = now
    return token


def find_by_email_token(session: Session, token: str, now: datetime) -> ForumMember | None:
    member = session.scalar(select(ForumMember).where(ForumMember.new_email_token_hash == digest(token)))
    if member is None or member.status not in MemberStatus.CURRENT or member.new_email is None:
        return None
    if member.new_email_expires_at is None or member.new_email_expires_at < now:
        return None
    return member


def confirm_email_change(session: Session, member: ForumMember, now: datetime) -> str | None:
    """The link sent to the new address was used: it becomes the address. Returns what is
    wrong instead (in plain English) when another sign-up to the forum has it meanwhile."""
    new = member.new_email
    assert new is not None
    clash = find_member(session, member.forum, new)
    if clash is not None and clash.id != member.id:
        return str(_("That email address is already used for another sign-up to this forum"))
    member.email, member.email_key = new, email_key(new)
    _forget_email_change(member)
    member.updated_at = now
    session.flush()
    return None


def _forget_email_change(member: ForumMember) -> None:
    member.new_email = member.new_email_token_hash = member.new_email_expires_at = None


def set_purposes(
    member: ForumMember, purposes: list[str], wording: ConsentWording, now: datetime, channel: str
) -> None:
    """Give or withdraw optional purposes. Each change is its own consent record."""
    held = {c.purpose: c for c in member.current_consents()}
    for purpose in wording.purposes:
        key = purpose["key"]
        if key in purposes and key not in held:
            member.consents.append(
                ConsentRecord(purpose=key, wording_id=wording.id, given_at=now, channel=channel)
            )
        elif key not in purposes and key in held and not purpose["required"]:
            held[key].withdrawn_at = now
            held[key].withdrawal_channel = channel
            held[key].withdrawal_reason = "withdrawn"
    member.emails_opt_out = "updates" not in purposes
    member.updated_at = now


def unsubscribe(member: ForumMember, now: datetime, channel: str = "unsubscribe link") -> None:
    """Stop forum emails to this member; withdraws the optional updates consent."""
    for consent in member.current_consents():
        if consent.purpose == "updates":
            consent.withdrawn_at = now
            consent.withdrawal_channel = channel
            consent.withdrawal_reason = "unsubscribed"
    member.emails_opt_out = True
    member.updated_at = now


def reconfirm(
    member: ForumMember, purposes: list[str], wording: ConsentWording, now: datetime, channel: str = "web"
) -> None:
    """Stay a member for another period, agreeing to the current wording (its required
    purposes included: otherwise nothing changes)."""
    purposes = [p["key"] for p in wording.purposes if p["key"] in purposes]
    if any(p["required"] and p["key"] not in purposes for p in wording.purposes):
        raise RefusedError(
            errors={
                "purposes": _(
                    "To stay in the forum, tick the box to say we can keep your details. "
                    "If you want to leave instead, use the link below"
                )
            }
        )
    for consent in member.current_consents():
        if consent.wording_id != wording.id or consent.purpose not in purposes:
            consent.withdrawn_at = now
            consent.withdrawal_channel = channel
            consent.withdrawal_reason = "replaced by re-confirmation"
    held = {c.purpose for c in member.current_consents()}
    for key in purposes:
        if key not in held and wording.purpose(key) is not None:
            member.consents.append(
                ConsentRecord(purpose=key, wording_id=wording.id, given_at=now, channel=channel)
            )
    member.emails_opt_out = "updates" not in purposes
    member.renewed_at = now
    member.reminded_at = None
    member.updated_at = now


def export_member(member: ForumMember) -> dict[str, Any]:
    """Everything held about a member, for them to download."""
    return {
        "forum": member.forum.name,
        "status": member.status_label,
        "name": member.name,
        "email": member.email,
        "new_email_waiting_for_confirmation": member.new_email,
        "organisation": member.organisation,
        "role": member.role,
        "organisation_type": ORGANISATION_TYPES.get(member.organisation_type, member.organisation_type),
        "localities": list(member.localities),
        "interests": [INTEREST_AREAS.get(i, i) for i in member.interests],
        "accessibility_needs": member.access_needs,
        "signed_up_at": member.created_at.isoformat(),
        "signed_up_by": member.channel,
        "confirmed_at": member.confirmed_at.isoformat() if member.confirmed_at else None,
        "last_confirmed_at": member.renewed_at.isoformat() if member.renewed_at else None,
        "emails_stopped": member.emails_opt_out,
        "consents": [
            {
                "purpose": c.purpose,
                "wording_version": c.wording.version,
                "wording": (c.wording.purpose(c.purpose) or {}).get("text", ""),
                "given_at": c.given_at.isoformat(),
                "given_by": c.channel,
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in member.consents
        ],
        "meetings": [
            {"meeting": b.meeting.title, "starts_at": b.meeting.starts_at.isoformat(), "booking": b.status}
            for b in member.bookings
        ],
    }


def erase(session: Session, member: ForumMember, now: datetime, *, reason: str, channel: str) -> None:
    """Remove personal data (and every email about them), keep an anonymous row for counts,
    end every consent.

    ``reason`` is "erased" (the member asked) or "lapsed" (not re-confirmed in time).
    Their meeting places go to the next person waiting.
    """
    for consent in member.current_consents():
        consent.withdrawn_at = now
        consent.withdrawal_channel = channel
        consent.withdrawal_reason = reason
    for booking in list(member.bookings):
        meeting = booking.meeting
        _drop(session, booking)
        promote_waiting(meeting, now)
    member.status = MemberStatus.LAPSED if reason == "lapsed" else MemberStatus.ERASED
    member.name = member.email = member.email_key = None
    member.organisation = member.role = member.access_needs = None
    member.confirm_token_hash = member.manage_token_hash = None
    member.confirm_expires_at = member.manage_expires_at = None
    _forget_email_change(member)
    member.pending_consent = None
    member.ended_at = now
    member.updated_at = now
    # Every email about them goes too: they hold their name and address.
    session.execute(delete(OutboundEmail).where(OutboundEmail.forum_member_id == member.id))
    session.flush()


# --- meetings -----------------------------------------------------------------------


def book(session: Session, meeting: ForumMeeting, member: ForumMember, now: datetime) -> MeetingBooking:
    """A place if there is one, otherwise the waiting list. Booking twice changes nothing."""
    existing = next((b for b in meeting.bookings if b.member_id == member.id), None)
    if existing is not None:
        return existing
    status = BookingStatus.BOOKED if len(meeting.booked) < meeting.capacity else BookingStatus.WAITING
    booking = MeetingBooking(meeting=meeting, member=member, status=status, created_at=now)
    session.add(booking)
    session.flush()
    return booking


def cancel_booking(session: Session, meeting: ForumMeeting, member: ForumMember, now: datetime) -> None:
    booking = next((b for b in meeting.bookings if b.member_id == member.id), None)
    if booking is None:
        return
    _drop(session, booking)
    promote_waiting(meeting, now)


def _drop(session: Session, booking: MeetingBooking) -> None:
    """Delete a booking and take it out of both sides' loaded lists, so a place freed here
    is seen as free at once (a deleted row stays in a list already loaded otherwise)."""
    meeting, member = booking.meeting, booking.member
    session.delete(booking)
    session.flush()
    session.expire(meeting, ["bookings"])
    session.expire(member, ["bookings"])


def promote_waiting(meeting: ForumMeeting, now: datetime) -> list[MeetingBooking]:
    """Give free places to the people who have waited longest."""
    promoted = []
    while len(meeting.booked) < meeting.capacity and meeting.waiting:
        first = meeting.waiting[0]
        first.status = BookingStatus.BOOKED
        promoted.append(first)
    return promoted


# --- counts and officer views -------------------------------------------------------


def count_status(session: Session, forum: Forum, status: str) -> int:
    return int(
        session.scalar(
            select(func.count(ForumMember.id)).where(
                ForumMember.forum_id == forum.id, ForumMember.status == status
            )
        )
        or 0
    )


def status_counts(session: Session, forum: Forum) -> dict[str, int]:
    rows = session.execute(
        select(ForumMember.status, func.count(ForumMember.id))
        .where(ForumMember.forum_id == forum.id)
        .group_by(ForumMember.status)
    ).all()
    counts = dict.fromkeys(MemberStatus.LABELS, 0)
    counts.update({status: int(n) for status, n in rows})
    return counts


def current_members(session: Session, forum: Forum) -> list[ForumMember]:
    return list(
        session.scalars(
            select(ForumMember)
            .where(ForumMember.forum_id == forum.id, ForumMember.status.in_(MemberStatus.CURRENT))
            .order_by(ForumMember.name)
        )
    )


@dataclass
class MemberFilter:
    locality: str = ""
    interest: str = ""
    organisation_type: str = ""
    status: str = ""

    def applies(self, member: ForumMember) -> bool:
        return (
            (not self.locality or self.locality in member.localities)
            and (not self.interest or self.interest in member.interests)
            and (not self.organisation_type or member.organisation_type == self.organisation_type)
            and (not self.status or member.status == self.status)
        )

    @property
    def active(self) -> bool:
        return any((self.locality, self.interest, self.organisation_type, self.status))


def filtered_members(session: Session, forum: Forum, chosen: MemberFilter) -> list[ForumMember]:
    return [m for m in current_members(session, forum) if chosen.applies(m)]


def anonymous_breakdown(session: Session, forum: Forum) -> dict[str, dict[str, int]]:
    """Counts by organisation type, locality and interest over everyone who ever confirmed."""
    members = session.scalars(
        select(ForumMember).where(ForumMember.forum_id == forum.id, ForumMember.confirmed_at.is_not(None))
    )
    breakdown: dict[str, dict[str, int]] = {"organisation_type": {}, "locality": {}, "interest": {}}
    for member in members:
        kind = ORGANISATION_TYPES.get(member.organisation_type, member.organisation_type)
        breakdown["organisation_type"][kind] = breakdown["organisation_type"].get(kind, 0) + 1
        for locality in member.localities:
            breakdown["locality"][locality] = breakdown["locality"].get(locality, 0) + 1
        for interest in member.interests:
            label = INTEREST_AREAS.get(interest, interest)
            breakdown["interest"][label] = breakdown["interest"].get(label, 0) + 1
    return breakdown


# --- retention ----------------------------------------------------------------------


@dataclass
class PurgeResult:
    unconfirmed_deleted: int = 0
    reminded: list[tuple[ForumMember, str]] = field(default_factory=list)
    lapsed: int = 0

    def summary(self) -> dict[str, int]:
        return {
            "unconfirmed sign-ups deleted": self.unconfirmed_deleted,
            "members reminded to re-confirm": len(self.reminded),
            "lapsed members erased": self.lapsed,
        }


def purge(session: Session, now: datetime, retention: Retention) -> PurgeResult:
    """Delete unconfirmed sign-ups, remind members nearing the end, erase those past it.

    Reminded members get a fresh manage token (returned with them) for the email.
    """
    result = PurgeResult()
    stale = session.scalars(
        select(ForumMember).where(
            ForumMember.status == MemberStatus.PENDING, ForumMember.created_at < now - retention.unconfirmed
        )
    ).all()
    for member in stale:
        session.delete(member)
        result.unconfirmed_deleted += 1
    session.flush()
    current = session.scalars(select(ForumMember).where(ForumMember.status.in_(MemberStatus.CURRENT))).all()
    for member in current:
        renewed = member.renewed_at or member.confirmed_at or member.created_at
        ends = renewed + retention.membership
        if ends <= now:
            erase(session, member, now, reason="lapsed", channel="retention job")
            result.lapsed += 1
        elif ends - retention.reminder <= now and (
            member.reminded_at is None or member.reminded_at < renewed
        ):
            member.reminded_at = now
            result.reminded.append((member, issue_manage_token(member, now, retention)))
    session.flush()
    return result


def membership_ends(member: ForumMember, retention: Retention) -> datetime | None:
    renewed = member.renewed_at or member.confirmed_at
    return renewed + retention.membership if renewed is not None else None


# --- what officers do (each audited, naming the officer) ---------------------------------

FORUM_FIELDS = ("name", "purpose", "localities", "interests", "capacity", "opens_on", "closes_on")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FORUM_CAPACITY_MAX = 100_000
MEETING_CAPACITY_MAX = 10_000
MEETING_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")


@dataclass(frozen=True)
class ForumDetails:
    """A forum as an officer typed it (text already through the text rule)."""

    name: str = ""
    slug: str = ""
    purpose: str = ""
    localities: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    capacity: int | None = None
    capacity_typed: str = ""  # what was typed: not empty with no capacity means not 1 to the maximum
    opens_on: date | None = None
    closes_on: date | None = None

    @classmethod
    def of(cls, forum: Forum) -> ForumDetails:
        return cls(
            name=forum.name,
            slug=forum.slug,
            purpose=forum.purpose,
            localities=list(forum.localities),
            interests=list(forum.interests),
            capacity=forum.capacity,
            opens_on=forum.opens_on,
            closes_on=forum.closes_on,
        )

    def problems(self, session: Session, forum: Forum | None = None) -> dict[str, str]:
        """What is wrong, by field; ``forum`` is the one being edited (its address stays)."""
        errors: dict[str, str] = {}
        if not self.name:
            errors["name"] = "Enter the forum's name"
        elif len(self.name) > 150:
            errors["name"] = "The name must be 150 characters or fewer"
        if forum is None:
            if not SLUG.match(self.slug) or len(self.slug) > 60:
                errors["slug"] = (
                    "The web address must be lower-case letters, numbers and hyphens, like cultural-forum"
                )
            elif session.scalar(select(Forum.id).where(Forum.slug == self.slug)) is not None:
                errors["slug"] = "Another forum already uses that web address"
        if not self.purpose:
            errors["purpose"] = "Say what the forum is for"
        elif len(self.purpose) > 5000:
            errors["purpose"] = "The purpose must be 5,000 characters or fewer"
        if any(len(line) > 80 for line in self.localities):
            errors["localities"] = "Each area must be 80 characters or fewer"
        if self.capacity_typed and self.capacity is None:
            errors["capacity"] = (
                f"Capacity must be a whole number of people from 1 to {FORUM_CAPACITY_MAX:,}, or left empty"
            )
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = "The closing date must be on or after the opening date"
        return errors


class ForumError(RefusedError):
    """A forum, meeting, email or wording an officer cannot save as it is; errors by field."""


def _values(details: ForumDetails) -> dict[str, Any]:
    return {key: getattr(details, key) for key in FORUM_FIELDS}


def create_forum(session: Session, details: ForumDetails, now: datetime, *, by: StaffUser) -> Forum:
    """A new forum from the officers' form (checked here)."""
    problems = details.problems(session)
    if problems:
        raise ForumError(errors=problems)
    forum = Forum(slug=details.slug, created_at=now, created_by_id=by.id, **_values(details))
    session.add(forum)
    session.flush()
    audit.record(
        session,
        "forum.created",
        object_type="forum",
        object_id=forum.id,
        summary=f"Created {forum.name}",
        actor=by,
    )
    return forum


def update_forum(session: Session, forum: Forum, details: ForumDetails, *, by: StaffUser) -> None:
    """Save the officers' changes to a forum (checked here); its address stays."""
    problems = details.problems(session, forum)
    if problems:
        raise ForumError(errors=problems)
    for key, value in _values(details).items():
        setattr(forum, key, value)
    audit.record(
        session,
        "forum.edited",
        object_type="forum",
        object_id=forum.id,
        summary=f"Edited {forum.name}",
        actor=by,
    )


@dataclass(frozen=True)
class NewMeeting:
    """A meeting as an officer typed it: the day and time are UK time."""

    title: str = ""
    day: date | None = None
    day_typed: bool = False  # a date was typed (and the form said what is wrong with it)
    time: str = ""
    place: str = ""
    capacity: str = ""
    details: str = ""

    def problems(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not self.title or len(self.title) > 150:
            errors["title"] = "Enter a title of 150 characters or fewer"
        if self.day is None and not self.day_typed:
            errors["date"] = "Enter the date of the meeting"
        if self._time() is None:
            errors["time"] = "Enter the start time in 24-hour form, like 18:30"
        if not self.place or len(self.place) > 200:
            errors["place"] = "Enter the place, 200 characters or fewer"
        if self.places is None:
            errors["capacity"] = (
                f"Enter how many people can come, as a whole number from 1 to {MEETING_CAPACITY_MAX:,}"
            )
        if len(self.details) > 2000:
            errors["details"] = "Details must be 2,000 characters or fewer"
        return errors

    def _time(self) -> dt_time | None:
        match = MEETING_TIME.fullmatch(self.time)
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            return None
        return dt_time(int(match.group(1)), int(match.group(2)))

    @property
    def places(self) -> int | None:
        return inputs.whole_number(self.capacity, 1, MEETING_CAPACITY_MAX)

    @property
    def starts_at(self) -> datetime | None:
        """When it starts, in UTC (typed as UK time)."""
        start = self._time()
        if self.day is None or start is None:
            return None
        return clock.at_local(self.day, start)


def add_meeting(
    session: Session, forum: Forum, meeting: NewMeeting, *, now: datetime, by: StaffUser
) -> ForumMeeting:
    """A meeting members can book (with a waiting list once it is full), checked here."""
    problems = meeting.problems()
    starts_at, places = meeting.starts_at, meeting.places
    if problems or starts_at is None or places is None:
        raise ForumError(errors=problems or {"date": "Enter the date of the meeting"})
    made = ForumMeeting(
        forum=forum,
        title=meeting.title,
        starts_at=starts_at,
        place=meeting.place,
        capacity=places,
        details=meeting.details,
        created_at=now,
    )
    session.add(made)
    session.flush()
    audit.record(
        session,
        "forum.meeting_created",
        object_type="forum_meeting",
        object_id=made.id,
        summary=f"Added {made.title} to {forum.name}",
        actor=by,
    )
    return made


def ask_to_reconfirm(
    session: Session, forum: Forum, now: datetime, retention: Retention, *, by: StaffUser
) -> int:
    """Email every member who agreed to older consent wording a link to stay on the current
    one. Commits, then sends; returns how many were asked."""
    wording = current_wording(session, now)
    messages = []
    for member in members_on_older_wording(session, forum, wording):
        assert member.email is not None
        token = issue_manage_token(member, now, retention)
        with links.in_language(member):
            message = mail.send(
                member.email,
                _("Please confirm you want to stay in %(forum)s", forum=forum.name),
                "forum_reconfirm",
                purpose="forum_reconfirm",
                forum_member_id=member.id,
                headers=links.unsubscribe_headers(member),
                forum=forum,
                name=member.name,
                version=wording.version,
                stay_link=links.member_url("forums.reconfirm", member, token=token),
                unsubscribe_link=links.unsubscribe_url(member),
                email_language=member.language,
            )
        messages.append(message)
    audit.record(
        session,
        "forum.reconfirm_requested",
        object_type="forum",
        object_id=forum.id,
        summary=f"Asked {len(messages)} members of {forum.name} to re-confirm "
        f"on wording version {wording.version}",
        actor=by,
    )
    session.commit()
    for message in messages:
        mail.dispatch(message)
    return len(messages)


def give_place(session: Session, member: ForumMember, now: datetime, *, by: StaffUser) -> None:
    """A member waiting for a place in a full forum becomes a member."""
    if member.status != MemberStatus.WAITING:
        raise RefusedError(_("Only a member on the waiting list can be given a place"))
    member.status = MemberStatus.ACTIVE
    member.updated_at = now
    audit.record(
        session,
        "forum.place_offered",
        object_type="forum_member",
        object_id=member.id,
        summary=f"Gave a waiting member a place in {member.forum.name}",
        actor=by,
    )


def erase_for_member(session: Session, member: ForumMember, now: datetime, *, by: StaffUser) -> None:
    """The erasure a member can do themselves, made by an officer for a request by phone or letter."""
    forum_name = member.forum.name
    erase(session, member, now, reason="erased", channel="staff")
    audit.record(
        session,
        "forum.member_erased",
        object_type="forum_member",
        object_id=member.id,
        summary=f"Erased a member of {forum_name} at their request",
        actor=by,
    )


def remove_booking(
    session: Session, meeting: ForumMeeting, member: ForumMember, now: datetime, *, by: StaffUser
) -> None:
    """Take a member's booking off a meeting; the next person waiting gets the place."""
    cancel_booking(session, meeting, member, now)
    audit.record(
        session,
        "forum.booking_removed",
        object_type="forum_meeting",
        object_id=meeting.id,
        summary=f"Removed a booking from {meeting.title}; the next person waiting gets the place",
        actor=by,
    )


# --- emailing members ------------------------------------------------------------------

# In English; the officers' pages show them in the page's language (``audience_words``).
AUDIENCES = {
    "all": N_("Every member (forum business: meetings, papers), except anyone who has stopped forum emails"),
    "updates": N_("Only members who asked for update emails"),
}


def audience_words() -> dict[str, str]:
    """``AUDIENCES`` in the page's language."""
    return {key: str(_(label)) for key, label in AUDIENCES.items()}


SUBJECT_MAX, BODY_MAX = 150, 5000


@dataclass
class MemberEmail:
    """An email an officer writes to a forum's members, as typed (tidied by the text rule)."""

    subject: str = ""
    body: str = ""
    audience: str = "all"

    def __post_init__(self) -> None:
        self.subject = text.normalise(self.subject).strip()
        self.body = text.normalise(self.body, multiline=True).strip()

    def problems(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        text.collect(errors, {"subject": ("The subject", self.subject)})
        text.collect(errors, {"body": ("The message", self.body)}, multiline=True)
        if not self.subject:
            errors["subject"] = "Enter a subject"
        elif len(self.subject) > SUBJECT_MAX:
            errors.setdefault("subject", f"The subject must be {SUBJECT_MAX} characters or fewer")
        if not self.body:
            errors["body"] = "Enter the message"
        elif len(self.body) > BODY_MAX:
            errors["body"] = f"The message must be {BODY_MAX:,} characters or fewer"
        if self.audience not in AUDIENCES:
            errors["audience"] = "Choose who the email goes to"
        return errors


def recipients(session: Session, forum: Forum, audience: str) -> list[ForumMember]:
    """Who an email to ``audience`` reaches: current members who have not stopped forum
    emails (and, for updates, who agreed to them)."""
    found = [m for m in current_members(session, forum) if not m.emails_opt_out]
    if audience == "updates":
        found = [m for m in found if m.has_consent("updates")]
    return found


def email_members(
    session: Session, forum: Forum, message: MemberEmail, *, by: StaffUser
) -> tuple[int, JobHandle]:
    """Check, audit and queue an officer's email to the members (sent in the background).
    Returns how many it goes to and the queued job."""
    problems = message.problems()
    if problems:
        raise RefusedError(errors=problems)
    count = len(recipients(session, forum, message.audience))
    audit.record(
        session,
        "forum.emailed",
        object_type="forum",
        object_id=forum.id,
        summary=f"Emailed {count} members of {forum.name}: {message.subject}",
        details={"audience": message.audience, "count": count, "subject": message.subject},
        actor=by,
    )
    session.commit()
    job = jobs.enqueue(
        send_forum_message, forum.id, message.subject, message.body, message.audience, by.email
    )
    return count, job


def send_forum_message(forum_id: int, subject: str, body: str, audience: str, staff_label: str) -> int:
    """The background job: one email per recipient, each with its own links."""
    session = db()
    forum = session.get(Forum, forum_id)
    if forum is None:
        return 0
    retention = Retention.from_settings(current_app.config["ENGAGE_SETTINGS"])
    messages: list[OutboundEmail] = []
    for member in recipients(session, forum, audience):
        assert member.email is not None
        token = issue_manage_token(member, clock.now(), retention)
        # The officer's subject and text as written; the rest in the member's language.
        with links.in_language(member):
            message = mail.send(
                member.email,
                subject,
                "forum_message",
                purpose="forum_message",
                forum_member_id=member.id,
                headers=links.unsubscribe_headers(member),
                forum=forum,
                name=member.name,
                body=body,
                manage_link=links.manage_url(token, member),
                unsubscribe_link=links.unsubscribe_url(member),
                email_language=member.language,
            )
        messages.append(message)
    session.commit()
    for message in messages:
        mail.dispatch(message)
    return len(messages)
