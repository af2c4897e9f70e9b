"""Kiosk rules: enrolment by one-time code, device tokens, which surveys a branch shows."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engage.accounts.models import StaffUser
from engage.kiosk.models import KioskDevice
from engage.platform import audit
from surveys import services as survey_services
from surveys.definition import SurveyDefinition
from surveys.models import Response, ResponseStatus, Survey

ENROL_CODE_LIFETIME = timedelta(hours=24)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on a tablet
MIN_IDLE, MAX_IDLE = 30, 900


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_enrol_code(device: KioskDevice, now: datetime) -> str:
    """A fresh one-time code (replacing any earlier one), valid for 24 hours."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    device.enrol_code_hash = digest(raw)
    device.enrol_expires_at = now + ENROL_CODE_LIFETIME
    return f"{raw[:4]}-{raw[4:]}"


def add_kiosk(
    session: Session,
    *,
    name: str,
    branch_code: str,
    branch_name: str,
    idle: int,
    by: StaffUser,
    now: datetime,
) -> tuple[KioskDevice, str]:
    """A new tablet for a branch, and its first one-time enrolment code (audited)."""
    device = KioskDevice(
        name=name,
        branch_code=branch_code,
        branch_name=branch_name,
        idle_seconds=idle,
        created_at=now,
        created_by_id=by.id,
    )
    session.add(device)
    session.flush()
    code = new_enrol_code(device, now)
    audit.record(
        session,
        "kiosk.created",
        object_type="kiosk_device",
        object_id=device.id,
        summary=f"Added kiosk {device.name} at {device.branch_name}",
        actor=by,
    )
    return device, code


def enrol(session: Session, code: str, now: datetime) -> tuple[KioskDevice, str] | None:
    """Use a one-time code: the device gets a long random token (kept in a cookie)."""
    device = session.scalar(
        select(KioskDevice).where(KioskDevice.enrol_code_hash == digest(normalise_code(code)))
    )
    if device is None or device.revoked_at is not None:
        return None
    if device.enrol_expires_at is None or device.enrol_expires_at < now:
        return None
    token = secrets.token_urlsafe(32)
    device.token_hash = digest(token)
    device.enrol_code_hash = None
    device.enrol_expires_at = None
    device.enrolled_at = now
    device.last_contact_at = now
    return device, token


def device_for_token(session: Session, token: str | None) -> KioskDevice | None:
    if not token:
        return None
    device = session.scalar(select(KioskDevice).where(KioskDevice.token_hash == digest(token)))
    if device is None or device.revoked_at is not None:
        return None
    return device


def revoke(device: KioskDevice, now: datetime) -> None:
    device.revoked_at = now
    device.token_hash = None
    device.enrol_code_hash = None
    device.enrol_expires_at = None


def issue_code(session: Session, device: KioskDevice, *, by: StaffUser, now: datetime) -> str:
    """A new one-time code for staff to enrol a (replacement) tablet with (audited)."""
    code = new_enrol_code(device, now)
    audit.record(
        session,
        "kiosk.code_issued",
        object_type="kiosk_device",
        object_id=device.id,
        summary=f"New enrolment code for {device.name}",
        actor=by,
    )
    return code


def withdraw(session: Session, device: KioskDevice, *, by: StaffUser, now: datetime) -> None:
    """Revoke a tablet: it shows the set-up page until it is enrolled again (audited)."""
    revoke(device, now)
    audit.record(
        session,
        "kiosk.revoked",
        object_type="kiosk_device",
        object_id=device.id,
        summary=f"Revoked kiosk {device.name} at {device.branch_name}",
        actor=by,
    )


def branch_choices(session: Session) -> dict[str, str]:
    """Every branch named by a published survey: code → name."""
    found: dict[str, str] = {}
    for survey in session.scalars(select(Survey).order_by(Survey.title)):
        if survey.published is None:
            continue
        for branch in survey_services.definition_of(survey.published).branches():
            found.setdefault(branch.code, branch.name)
    return dict(sorted(found.items(), key=lambda item: item[1]))


def surveys_for_branch(session: Session, branch_code: str, now: datetime) -> list[Survey]:
    """Open, published surveys that list this branch: what the attract screen offers."""
    chosen = []
    for survey in session.scalars(select(Survey).order_by(Survey.title)):
        if survey.published is None or not survey_services.availability(survey, now).open:
            continue
        if survey_services.definition_of(survey.published).branch(branch_code) is not None:
            chosen.append(survey)
    return chosen


@dataclass(frozen=True)
class Offer:
    """A survey as the attract screen offers it to a resident who chose ``language``."""

    slug: str
    title: str
    # The language it will be asked in: the resident's, when the survey is written in it.
    language: str
    duration_minutes: int | None
    # True when the survey is not available in the resident's language (it is offered in
    # its own language instead, and says so).
    other_language: bool


def offer_in(definition: SurveyDefinition, slug: str, language: str) -> Offer:
    """The survey in the resident's language if it has it, else in its own language."""
    if language in definition.languages:
        shown = definition.localised(language)
        return Offer(slug, shown.title, language, shown.duration_minutes, False)
    return Offer(slug, definition.title, definition.language, definition.duration_minutes, True)


def discard_unfinished(session: Session, survey: Survey, token: str) -> bool:
    """Delete a visitor's unfinished answers when the kiosk resets, unless the survey keeps them.

    Submitted answers always stay. Either way the tablet's session is cleared by the caller.
    """
    response = survey_services.find_by_token(session, survey, token)
    if response is None or response.status != ResponseStatus.IN_PROGRESS:
        return False
    if survey_services.definition_of(response.version).kiosk_keeps_unfinished:
        return False  # the survey keeps partial answers; the tablet still forgets them
    session.execute(delete(Response).where(Response.id == response.id))
    return True
