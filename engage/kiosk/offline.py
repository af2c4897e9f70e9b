"""Answering on a kiosk that may lose its network: the rules the server applies.

With JavaScript a kiosk answers surveys in the browser from a cached *bundle* (the
definition with each page's fields rendered by the same macros as the ordinary
journey), keeps each finished response in a queue on the tablet with a random
idempotency key, and sends it when it can. The tablet sends each page's form fields
exactly as a posted form would carry them, so the server replays them through
:func:`surveys.runner.read_page`: one set of validation and routing rules for both.

A response is stored once per key (``response.client_key`` is unique), however many
times the tablet retries.

A queued response was checked on the tablet, perhaps offline and perhaps by a tablet
that is not what it seems, so the server checks it again as the journey would: it walks
the version's pages in routing order, reads each with the same functions, keeps the
answers that pass and leaves out the rest (answers that fail a check, answers to
questions the route does not ask). A response kept with anything left out, or with a
required question unanswered, carries a ``review_note`` for staff. A response is
refused for good (:class:`RefusalError`, recorded as a :class:`KioskRefusal` without its
answers) when nothing in it passes, when the survey had closed (or not opened) by the
time it was finished, or when it names a version this kiosk could not have been offered.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from engage.kiosk.models import KioskDevice, KioskRefusal
from surveys import runner
from surveys import services as survey_services
from surveys.definition import Page, Question, SurveyDefinition
from surveys.i18n import N_
from surveys.models import Response, SurveyVersion, VersionStatus

log = logging.getLogger(__name__)

CHANNEL = "kiosk"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9-]{16,64}$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}$")
SLUG_PATTERN = re.compile(r"^(?=.{3,60}$)[a-z0-9]+(-[a-z0-9]+)*$")  # as surveys/schema/survey.schema.json
MAX_PAGES = 100
MAX_FIELDS_PER_PAGE = 400
MAX_VALUE_LENGTH = 20_000
# A tablet's word for when a response was finished is believed only if it is no later than
# now (give or take a clock's drift), no earlier than the version's publication, and no
# longer ago than a tablet is expected to hold answers offline. Otherwise the time it
# arrived is used: that decides whether a response to a survey that has since closed counts.
OFFLINE_LIMIT = timedelta(days=14)
CLOCK_DRIFT = timedelta(minutes=5)

Pairs = list[tuple[str, str]]


class PayloadError(ValueError):
    """A queued response the server cannot read at all (not a resident's mistake)."""


# Why a response was refused: recorded in English for staff, shown to the resident who sent
# it in their language (the API's ``message``).
REFUSALS = {
    "closed": N_("The survey had closed when these answers were finished, so they were not kept"),
    "not_open_yet": N_("The survey had not opened when these answers were finished, so they were not kept"),
    "not_published": N_("The survey is no longer published, so these answers were not kept"),
    "version": N_("That survey version is not one residents can answer, so these answers were not kept"),
    "branch": N_("This survey is not offered at this kiosk's branch, so these answers were not kept"),
    "empty": N_("No answers that pass the survey's checks were sent, so there is nothing to keep"),
}


class RefusalError(Exception):
    """A readable queued response the server will never accept: the tablet should drop it."""

    def __init__(self, reason: str, message: str | None = None) -> None:
        self.reason = reason
        self.message = message or REFUSALS[reason]
        super().__init__(self.message)


@dataclass(frozen=True)
class Payload:
    key: str
    slug: str
    version_id: int
    pages: dict[str, Pairs]
    complete: bool
    finished_at: datetime | None = None
    # The language the resident answered in (the runner's bundle's); None: the survey's own.
    language: str | None = None

    @property
    def answers_sent(self) -> int:
        """How many non-blank fields the tablet sent: what a refusal leaves out."""
        return sum(1 for pairs in self.pages.values() for _, value in pairs if value.strip())


@dataclass
class Replay:
    """A response rebuilt from its pages' form fields, page by page, as the journey would."""

    answers: dict[str, Any] = field(default_factory=dict)
    pages_done: list[str] = field(default_factory=list)
    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    raw: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Question ids whose sent answer did not pass; required questions with nothing sent;
    # question ids (or unknown field names) sent for questions the route does not ask.
    invalid: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    not_asked: list[str] = field(default_factory=list)


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
    finished = read_finished_at(data.get("finished_at"))
    language = data.get("lang")
    if language is not None and (not isinstance(language, str) or not LANGUAGE_PATTERN.match(language)):
        raise PayloadError("lang must be a language code, like cy")
    return Payload(key, slug, version, read_pages(data.get("pages")), complete, finished, language)


def read_finished_at(value: Any) -> datetime | None:
    """When the tablet says the response was finished (ISO 8601 with a time zone), in UTC."""
    if value is None:
        return None
    problem = "finished_at must be a date and time with a time zone, like 2026-11-25T10:00:00Z"
    if not isinstance(value, str) or len(value) > 40:
        raise PayloadError(problem)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise PayloadError(problem) from None
    if moment.tzinfo is None:
        raise PayloadError(problem)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise PayloadError(problem) from None


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
    if (
        survey is None
        or version is None
        or version.survey_id != survey.id
        or version.status == VersionStatus.DRAFT
        or version.published_at is None
    ):
        raise PayloadError("that survey version is not one residents can answer")
    return version


def _fields(question: Question) -> set[str]:
    """The form field names a question's answer is posted under."""
    names = {question.id, f"{question.id}.other"}
    names.update(f"{question.id}.{statement.id}" for statement in question.statements)
    names.update(f"{question.id}.{position}" for position in range(1, question.top_n + 1))
    if question.type == "date":
        names.update(f"{question.id}-{part}" for part in ("day", "month", "year"))
    return names


def _head(name: str) -> str:
    """The question id a field name belongs to (ids are letters, digits and underscores)."""
    return re.split(r"[.-]", name, maxsplit=1)[0]


def replay(definition: SurveyDefinition, pages: Mapping[str, Pairs], until: str | None = None) -> Replay:
    """Read every page on the route in journey order, as the journey would, with what was sent.

    A page not sent is read as an empty form (so its required questions count as missing),
    is not marked done, and the route carries on past it. Every sent field that no visible
    question on a visited page owns is noted in ``not_asked``.
    """
    result = Replay()
    visited: set[str] = set()
    page = runner.next_page(definition, {}, None, CHANNEL)
    while page is not None and page.id not in visited:
        visited.add(page.id)
        pairs = pages.get(page.id)
        sent = [(name, value) for name, value in pairs or [] if value.strip()]
        questions = runner.visible_questions(page, result.answers, CHANNEL)
        read = runner.read_page(page, questions, MultiDict(pairs or []), definition)
        asked: set[str] = set()
        for question in questions:
            names = _fields(question)
            asked |= names
            if any(key.split(".", 1)[0] == question.id for key in read.errors):
                if any(name in names for name, _ in sent):
                    result.invalid.append(question.id)
                else:
                    result.missing.append(question.id)
        result.not_asked.extend(_head(name) for name, _ in sent if name not in asked)
        if pairs is not None:
            own = {q.id for q in page.questions}
            merged = {k: v for k, v in result.answers.items() if k.split(".", 1)[0] not in own}
            merged.update(read.answers)
            result.answers = runner.prune(definition, merged, CHANNEL)
            result.pages_done.append(page.id)
            result.raw[page.id] = read.raw
            if read.errors:
                result.errors[page.id] = read.errors
        if page.id == until:
            return result
        page = runner.next_page(definition, result.answers, page.id, CHANNEL)
    for page_id, pairs in pages.items():
        if page_id not in visited:
            result.not_asked.extend(_head(name) for name, value in pairs if value.strip())
    result.not_asked = list(dict.fromkeys(result.not_asked))
    return result


def _quoted(definition: SurveyDefinition, ids: list[str], most: int = 10) -> str:
    labels = []
    for name in ids[:most]:
        question = definition.question(name)
        text = question.text.rstrip("?").rstrip() if question is not None else name[:60]
        labels.append(f"'{text}'")
    more = f"; and {len(ids) - most} more" if len(ids) > most else ""
    return "; ".join(labels) + more


def review_note(definition: SurveyDefinition, rebuilt: Replay, complete: bool) -> str | None:
    """What staff should know about a kept response that did not pass every check, or None."""
    clauses = []
    if rebuilt.invalid:
        n = len(rebuilt.invalid)
        clauses.append(
            f"{n} answer{'s' if n != 1 else ''} that did not pass the survey's checks, so "
            f"{'they were' if n != 1 else 'it was'} not kept: {_quoted(definition, rebuilt.invalid)}"
        )
    if rebuilt.not_asked:
        n = len(rebuilt.not_asked)
        clauses.append(
            f"{n} answer{'s' if n != 1 else ''} to questions this response was not asked (the survey's "
            f"routing skips them, or they are not in it), so {'they were' if n != 1 else 'it was'} "
            f"not kept: {_quoted(definition, rebuilt.not_asked)}"
        )
    if complete and rebuilt.missing:
        n = len(rebuilt.missing)
        missing = _quoted(definition, rebuilt.missing)
        clauses.append(f"{n} required question{'s' if n != 1 else ''} not answered: {missing}")
    if not clauses:
        return None
    return "Sent from a kiosk with " + ". Also ".join(clauses) + "."


@dataclass(frozen=True)
class Accepted:
    status: str  # "stored", "duplicate" or "discarded"
    reference: str | None = None
    flagged: bool = False


def _outcome(response: Response, device: KioskDevice) -> Accepted:
    if response.channel != CHANNEL or response.branch_code != device.branch_code:
        # Someone else's key: the response exists, but its reference is not this kiosk's to see.
        return Accepted("duplicate")
    reference = response.submission.reference if response.submission is not None else None
    return Accepted("duplicate", reference, response.review_note is not None)


def finished_time(payload: Payload, version: SurveyVersion, now: datetime) -> datetime:
    """When the response counts as finished: the tablet's time if believable, else ``now``."""
    claimed = payload.finished_at
    published = version.published_at or now
    if claimed is None or claimed > now + CLOCK_DRIFT or claimed < max(published, now - OFFLINE_LIMIT):
        return now
    return min(claimed, now)


def _check_answerable(
    session: Session, device: KioskDevice, payload: Payload, now: datetime
) -> tuple[SurveyVersion, SurveyDefinition]:
    """The version, if this kiosk may send a response to it finished when the tablet says."""
    try:
        version = answerable_version(session, payload.slug, payload.version_id)
    except PayloadError:
        raise RefusalError("version") from None
    definition = survey_services.definition_of(version)
    if definition.branch(device.branch_code) is None:
        raise RefusalError("branch")
    state = survey_services.availability(version.survey, finished_time(payload, version, now))
    if not state.open:
        raise RefusalError(state.reason)
    return version, definition


def accept(session: Session, device: KioskDevice, payload: Payload, now: datetime) -> Accepted:
    """Store a queued response once, whatever the number of retries. The caller commits.

    Raises :class:`RefusalError` for a response the server will never accept.
    """
    existing = session.scalar(select(Response).where(Response.client_key == payload.key))
    if existing is not None:
        return _outcome(existing, device)
    earlier = session.scalar(select(KioskRefusal).where(KioskRefusal.client_key == payload.key))
    if earlier is not None:
        raise RefusalError(earlier.reason, earlier.message)
    version, definition = _check_answerable(session, device, payload, now)
    if not payload.complete and not definition.kiosk_keeps_unfinished:
        return Accepted("discarded")
    rebuilt = replay(definition, payload.pages)
    if not rebuilt.answers:
        if not payload.complete:
            return Accepted("discarded")
        raise RefusalError("empty")
    note = review_note(definition, rebuilt, payload.complete)
    if note is not None:
        log.warning(
            "kiosk %s sent a response to %s that was kept with answers left out or missing: "
            "invalid %s, not asked %s, missing %s",
            device.id,
            payload.slug,
            rebuilt.invalid,
            rebuilt.not_asked[:20],
            rebuilt.missing if payload.complete else [],
        )
    started = survey_services.start_response(
        session, version, now, channel=CHANNEL, branch_code=device.branch_code, language=payload.language
    )
    response = started.response
    response.client_key = payload.key
    response.answers = rebuilt.answers
    response.pages_done = rebuilt.pages_done
    response.review_note = note
    response.updated_at = now
    try:
        session.flush()
    except IntegrityError:
        # The same key arrived twice at once (two tabs, a retry racing the first try).
        session.rollback()
        winner = session.scalar(select(Response).where(Response.client_key == payload.key))
        if winner is None:
            raise
        return _outcome(winner, device)
    device.received_count = (device.received_count or 0) + 1
    if note is not None:
        device.flagged_count = (device.flagged_count or 0) + 1
    if not payload.complete:
        return Accepted("stored", flagged=note is not None)
    result = survey_services.submit(session, response, definition, now, language=payload.language)
    return Accepted("stored", result.reference, note is not None)


def record_refusal(
    session: Session,
    device: KioskDevice,
    data: Any,
    refusal: RefusalError,
    payload: Payload | None,
    now: datetime,
) -> None:
    """Keep a trace of a refused response (once per key), without its answers. The caller commits.

    ``payload`` is None when the body could not be read; the key is then taken from ``data``
    if it is a usable one, and nothing is recorded if not.
    """
    key = payload.key if payload is not None else data.get("key") if isinstance(data, dict) else None
    usable = isinstance(key, str) and KEY_PATTERN.match(key) is not None
    log.warning(
        "kiosk %s: response %s refused (%s): %s",
        device.id,
        key if usable else "without a usable key",
        refusal.reason,
        refusal.message,
    )
    if not isinstance(key, str) or not usable:
        return
    if session.scalar(select(KioskRefusal.id).where(KioskRefusal.client_key == key)) is not None:
        return
    slug = payload.slug if payload is not None else data.get("slug")
    version = payload.version_id if payload is not None else None
    session.add(
        KioskRefusal(
            device_id=device.id,
            client_key=key,
            # Only a slug that could be one: anything else (a NUL byte, say) the database may refuse.
            survey_slug=slug
            if isinstance(slug, str) and SLUG_PATTERN.match(slug) and len(slug) <= 60
            else "",
            version_id=version,
            reason=refusal.reason[:20],
            message=refusal.message[:300],
            answers_sent=payload.answers_sent if payload is not None else 0,
            finished_at=payload.finished_at if payload is not None else None,
            received_at=now,
        )
    )
    try:
        session.flush()
    except IntegrityError:
        session.rollback()  # the same refusal, sent twice at once: one row is enough


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


def kiosk_questions(page: Page) -> list[Question]:
    """The page's questions a kiosk asks (those marked ``"kiosk": "skip"`` are left out)."""
    return [q for q in page.questions if not q.kiosk_skip]


def empty_messages(page: Page, question: Question, definition: SurveyDefinition) -> dict[str, str]:
    """What the server says when a required question is left empty, by form field (a grid's
    statement, a ranking's place) or question id: the offline runner says the same, in the
    page's language, since these come from the ordinary journey's own checks."""
    return runner.read_page(page, [question], MultiDict(), definition).errors


def bundle_pages(definition: SurveyDefinition) -> list[dict[str, Any]]:
    """The pages a kiosk asks, with their routing, as the runner's bundle carries them
    (questions marked ``"kiosk": "skip"`` left out, and pages left with none)."""
    pages = []
    for page in definition.all_pages:
        questions = kiosk_questions(page)
        if questions:
            pages.append(
                {
                    "id": page.id,
                    "title": page.title,
                    "show_if": page.show_if,
                    "questions": [
                        {
                            "id": q.id,
                            "type": q.type,
                            "required": q.required,
                            "show_if": q.show_if,
                            "text": q.text,
                            "error": q.error,
                            "empty": empty_messages(page, q, definition) if q.required else {},
                        }
                        for q in questions
                    ],
                }
            )
    return pages
