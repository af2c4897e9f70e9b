"""Answering on a kiosk that may lose its network: the rules the server applies.

With JavaScript a kiosk answers surveys in the browser from a cached *bundle* (the
definition with each page's fields rendered by the same macros as the ordinary
journey), keeps each finished response in a queue on the tablet with a random
idempotency key, and sends it when it can. The tablet sends each page's form fields
exactly as a posted form would carry them, so the server replays them through
:func:`surveys.runner.read_page`: one set of validation and routing rules for both.

A response is stored once per key (``response.client_key`` is unique), however many
times the tablet retries.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from engage.kiosk.models import KioskDevice
from surveys import runner
from surveys import services as survey_services
from surveys.definition import SurveyDefinition
from surveys.models import Response, SurveyVersion

log = logging.getLogger(__name__)

CHANNEL = "kiosk"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9-]{16,64}$")
SLUG_PATTERN = re.compile(r"^(?=.{3,60}$)[a-z0-9]+(-[a-z0-9]+)*$")  # as surveys/schema/survey.schema.json
MAX_PAGES = 100
MAX_FIELDS_PER_PAGE = 400
MAX_VALUE_LENGTH = 20_000

Pairs = list[tuple[str, str]]


class PayloadError(ValueError):
    """A queued response the server cannot read at all (not a resident's mistake)."""


@dataclass(frozen=True)
class Payload:
    key: str
    slug: str
    version_id: int
    pages: dict[str, Pairs]
    complete: bool


@dataclass
class Replay:
    """A response rebuilt from its pages' form fields, page by page, as the journey would."""

    answers: dict[str, Any] = field(default_factory=dict)
    pages_done: list[str] = field(default_factory=list)
    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    raw: dict[str, dict[str, Any]] = field(default_factory=dict)


def _pairs(value: Any, where: str) -> Pairs:
    if not isinstance(value, list) or len(value) > MAX_FIELDS_PER_PAGE:
        raise PayloadError(f"{where} must be a list of at most {MAX_FIELDS_PER_PAGE} [name, value] pairs")
    pairs: Pairs = []
    for item in value:
        if (
            not isinstance(item, list)
            or len(item) != 2
            or not all(isinstance(part, str) for part in item)
            or len(item[0]) > 200
            or len(item[1]) > MAX_VALUE_LENGTH
        ):
            raise PayloadError(f"{where} holds something that is not a [name, value] pair of text")
        pairs.append((item[0], item[1]))
    return pairs


def read_pages(value: Any) -> dict[str, Pairs]:
    if not isinstance(value, dict) or len(value) > MAX_PAGES:
        raise PayloadError("pages must be an object of page id to form fields")
    return {str(page_id): _pairs(fields, f"pages.{page_id}") for page_id, fields in value.items()}


def read_payload(data: Any) -> Payload:
    if not isinstance(data, dict):
        raise PayloadError("the body must be a JSON object")
    key = data.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise PayloadError("key must be 16 to 64 letters, digits or hyphens")
    slug, version = read_version(data)
    complete = data.get("complete", True)
    if not isinstance(complete, bool):
        raise PayloadError("complete must be true or false")
    return Payload(key, slug, version, read_pages(data.get("pages")), complete)


def read_version(data: Mapping[str, Any]) -> tuple[str, int]:
    """The survey slug and version id a kiosk request names, checked for type and range."""
    slug, version = data.get("slug"), data.get("version")
    if not isinstance(slug, str) or not slug:
        raise PayloadError("slug is missing")
    if not SLUG_PATTERN.match(slug):  # before the database sees it: a NUL byte is an error there
        raise PayloadError("slug is not a survey's web address")
    if not isinstance(version, int) or isinstance(version, bool) or not 0 < version < 2**31:
        raise PayloadError("version must be the survey version's number id")
    return slug, version


def answerable_version(session: Session, slug: str, version_id: int) -> SurveyVersion:
    """A published (or since superseded) version of the survey: what a kiosk may have cached."""
    survey = survey_services.get_survey(session, slug)
    version = session.get(SurveyVersion, version_id)
    if survey is None or version is None or version.survey_id != survey.id or version.status == "draft":
        raise PayloadError("that survey version is not one residents can answer")
    return version


def replay(definition: SurveyDefinition, pages: Mapping[str, Pairs], until: str | None = None) -> Replay:
    """Read each visible page's fields in journey order, stopping at the first page not sent."""
    result = Replay()
    page = runner.next_page(definition, {}, None, CHANNEL)
    while page is not None and page.id not in result.pages_done:
        pairs = pages.get(page.id)
        if pairs is None:
            break
        questions = runner.visible_questions(page, result.answers, CHANNEL)
        read = runner.read_page(page, questions, MultiDict(pairs), definition)
        own = {q.id for q in page.questions}
        merged = {k: v for k, v in result.answers.items() if k.split(".", 1)[0] not in own}
        merged.update(read.answers)
        result.answers = runner.prune(definition, merged, CHANNEL)
        result.pages_done.append(page.id)
        result.raw[page.id] = read.raw
        if read.errors:
            result.errors[page.id] = read.errors
        if page.id == until:
            break
        page = runner.next_page(definition, result.answers, page.id, CHANNEL)
    return result


@dataclass(frozen=True)
class Accepted:
    status: str  # "stored", "duplicate" or "discarded"
    reference: str | None = None


def _outcome(response: Response) -> Accepted:
    reference = response.submission.reference if response.submission is not None else None
    return Accepted("duplicate", reference)


def accept(session: Session, device: KioskDevice, payload: Payload, now: datetime) -> Accepted:
    """Store a queued response once, whatever the number of retries. The caller commits."""
    existing = session.scalar(select(Response).where(Response.client_key == payload.key))
    if existing is not None:
        return _outcome(existing)
    version = answerable_version(session, payload.slug, payload.version_id)
    definition = survey_services.definition_of(version)
    if not payload.complete and not definition.kiosk_keeps_unfinished:
        return Accepted("discarded")
    rebuilt = replay(definition, payload.pages)
    if rebuilt.errors:
        # Checked on the tablet while offline, the server disagrees: keep every answer it
        # can read rather than lose the response. Logged so officers can look.
        log.warning(
            "kiosk %s sent a response to %s with answers the server could not accept: %s",
            device.id,
            payload.slug,
            sorted({key for errors in rebuilt.errors.values() for key in errors}),
        )
    started = survey_services.start_response(
        session, version, now, channel=CHANNEL, branch_code=device.branch_code
    )
    response = started.response
    response.client_key = payload.key
    response.answers = rebuilt.answers
    response.pages_done = rebuilt.pages_done
    response.updated_at = now
    try:
        session.flush()
    except IntegrityError:
        # The same key arrived twice at once (two tabs, a retry racing the first try).
        session.rollback()
        winner = session.scalar(select(Response).where(Response.client_key == payload.key))
        if winner is None:
            raise
        return _outcome(winner)
    device.received_count = (device.received_count or 0) + 1
    if not payload.complete:
        return Accepted("stored")
    result = survey_services.submit(session, response, definition, now)
    return Accepted("stored", result.reference)


def handoff(
    session: Session, device: KioskDevice, version: SurveyVersion, pages: Mapping[str, Pairs], now: datetime
) -> str:
    """Start a response a resident finishes on their own phone; returns its resume token.

    The phone is not a shared tablet, so the response is an ``online`` one (with the
    kiosk's branch) and the pages holding kiosk-skipped personal questions are asked there.
    """
    definition = survey_services.definition_of(version)
    rebuilt = replay(definition, pages)
    started = survey_services.start_response(
        session, version, now, channel="online", branch_code=device.branch_code
    )
    response = started.response
    response.answers = rebuilt.answers
    response.pages_done = [p for p in rebuilt.pages_done if p not in personal_pages(definition)]
    response.updated_at = now
    response.expires_at = now + timedelta(days=definition.resume_days)
    return started.token


def personal_pages(definition: SurveyDefinition) -> set[str]:
    """Pages with a question that is skipped on kiosks."""
    return {page.id for page in definition.all_pages if any(q.kiosk_skip for q in page.questions)}


def hand_over_response(response: Response, now: datetime) -> str:
    """The ordinary (no JavaScript) kiosk journey's handover: same rules, existing response."""
    definition = survey_services.definition_of(response.version)
    response.channel = "online"
    response.pages_done = [p for p in response.pages_done if p not in personal_pages(definition)]
    response.updated_at = now
    response.expires_at = now + timedelta(days=definition.resume_days)
    return survey_services.rotate_token(response)


def report_queue(device: KioskDevice, queued: int, now: datetime) -> None:
    device.queued_count = max(0, min(queued, 100_000))
    device.queued_reported_at = now
    device.last_contact_at = now
