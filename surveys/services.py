"""What can be done with surveys and responses. Callers pass the session and the time."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
import secrets
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from surveys import runner
from surveys.definition import SurveyDefinition, parse
from surveys.equality import EQUALITY_QUESTION_IDS
from surveys.models import (
    EqualityRecord,
    PostcodeArea,
    Response,
    ResponseStatus,
    Submission,
    Survey,
    SurveyVersion,
    VersionStatus,
)
from surveys.refusal import RefusedError

# Unambiguous characters for codes people read out or type from paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class SurveyError(RefusedError):
    """An action on a survey that cannot be done; the message is for the officer."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def make_code(groups: int = 2, size: int = 4) -> str:
    return "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(size)) for _ in range(groups))


def normalise_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    cleaned = cleaned.replace("O", "0").replace("I", "1")
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


# --- Surveys and versions ---------------------------------------------------------


def get_survey(session: Session, slug: str) -> Survey | None:
    return session.scalar(select(Survey).where(Survey.slug == slug))


def save_definition(
    session: Session, data: dict[str, Any], now: datetime, created_by_id: int | None = None
) -> SurveyVersion:
    """Store a definition as the survey's draft: a new survey, a new draft after a
    published version, or a replacement of the current draft. Published versions never change.
    """
    definition = parse(data)
    survey = get_survey(session, definition.slug)
    if survey is None:
        survey = Survey(
            slug=definition.slug, title=definition.title, created_at=now, created_by_id=created_by_id
        )
        session.add(survey)
        session.flush()
    draft = survey.draft
    if draft is not None:
        draft.definition = copy.deepcopy(data)
        draft.created_at = now
    else:
        number = (survey.latest.number + 1) if survey.versions else 1
        draft = SurveyVersion(
            survey=survey,
            number=number,
            status=VersionStatus.DRAFT,
            definition=copy.deepcopy(data),
            created_at=now,
        )
        session.add(draft)
    survey.title = definition.title
    session.flush()
    return draft


def publish(session: Session, survey: Survey, now: datetime) -> SurveyVersion:
    draft = survey.draft
    if draft is None:
        raise SurveyError(f"{survey.slug} has no draft to publish")
    parse(draft.definition)
    for version in survey.versions:
        if version.status == VersionStatus.PUBLISHED:
            version.status = VersionStatus.SUPERSEDED
    draft.status = VersionStatus.PUBLISHED
    draft.published_at = now
    survey.closed_at = None
    session.flush()
    session.expire(survey, ["published_version"])  # loaded again when next read
    return draft


def close(survey: Survey, now: datetime) -> None:
    survey.closed_at = now


def definition_of(version: SurveyVersion) -> SurveyDefinition:
    """The typed definition of ``version``.

    Checking a definition against the JSON schema takes milliseconds and a resident's
    page needs the definition several times, so parsed definitions are kept, keyed by
    their exact content: an edited draft is a different key, never a stale hit.
    """
    return _parse_canonical(json.dumps(version.definition, sort_keys=True, separators=(",", ":")))


@functools.lru_cache(maxsize=64)
def _parse_canonical(canonical: str) -> SurveyDefinition:
    return parse(json.loads(canonical))


@dataclass(frozen=True)
class Availability:
    open: bool
    reason: str  # open, not_published, not_open_yet, closed


def availability(survey: Survey, now: datetime) -> Availability:
    version = survey.published
    if version is None:
        return Availability(False, "not_published")
    if survey.closed_at is not None and survey.closed_at <= now:
        return Availability(False, "closed")
    definition = definition_of(version)
    if definition.opens_at and now < definition.opens_at:
        return Availability(False, "not_open_yet")
    if definition.closes_at and now >= definition.closes_at:
        return Availability(False, "closed")
    return Availability(True, "open")


# --- Responses ---------------------------------------------------------------------


@dataclass
class StartedResponse:
    response: Response
    token: str


def start_response(
    session: Session,
    version: SurveyVersion,
    now: datetime,
    *,
    channel: str = "online",
    locality_code: str | None = None,
    branch_code: str | None = None,
    entered_by_id: int | None = None,
    language: str | None = None,
) -> StartedResponse:
    """A new unfinished response. ``language``: the language the resident is answering in
    (one the survey offers; anything else, or None, is the survey's own language)."""
    if channel not in runner.CHANNELS:
        raise SurveyError(f"unknown channel {channel!r}")
    definition = definition_of(version)
    branch = definition.branch(branch_code) if branch_code else None
    if branch is not None:
        locality_code = branch.locality_code
    elif locality_code and definition.locality(locality_code) is None:
        locality_code = None
    token = secrets.token_urlsafe(32)
    response = Response(
        public_id=str(uuid.uuid4()),
        survey_id=version.survey_id,
        version_id=version.id,
        channel=channel,
        language=response_language(definition, language),
        locality_code=locality_code,
        locality_source="library" if branch else "link" if locality_code else None,
        branch_code=branch.code if branch else None,
        status=ResponseStatus.IN_PROGRESS,
        answers={},
        pages_done=[],
        resume_token_hash=_hash(token),
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(days=definition.resume_days),
        entered_by_id=entered_by_id,
    )
    session.add(response)
    session.flush()
    return StartedResponse(response, token)


def response_language(definition: SurveyDefinition, language: str | None) -> str:
    """The language a response is recorded in: ``language`` when the survey offers it,
    else the survey's own language (the text the resident saw)."""
    return language if language in definition.languages else definition.language


def set_language(response: Response, definition: SurveyDefinition, language: str | None) -> None:
    """Record that the resident now answers in ``language`` (they switched mid-survey)."""
    if response.status == ResponseStatus.IN_PROGRESS:
        response.language = response_language(definition, language)


def find_by_token(session: Session, survey: Survey, token: str) -> Response | None:
    return session.scalar(
        select(Response).where(Response.survey_id == survey.id, Response.resume_token_hash == _hash(token))
    )


def find_by_reference(session: Session, survey: Survey, reference: str) -> Response | None:
    """The submitted response with this reference (as kept in the resident's session)."""
    return session.scalar(
        select(Response)
        .join(Submission, Submission.response_id == Response.id)
        .where(Response.survey_id == survey.id, Submission.reference == reference)
    )


def find_by_code(session: Session, survey: Survey, code: str) -> Response | None:
    return session.scalar(
        select(Response).where(
            Response.survey_id == survey.id,
            Response.resume_code_hash == _hash(normalise_code(code)),
            Response.status == ResponseStatus.IN_PROGRESS,
        )
    )


def rotate_token(response: Response) -> str:
    """A new secret for the browser that resumes, so an old link or cookie stops working."""
    token = secrets.token_urlsafe(32)
    response.resume_token_hash = _hash(token)
    return token


def issue_resume_code(response: Response, keep: str = "") -> str:
    """A short code to type in later; issuing a new one replaces the old. ``keep`` is the
    code the resident was last shown: if it is still this response's code it is kept
    (asking for it by email must not undo the code they wrote down)."""
    if keep and response.resume_code_hash == _hash(normalise_code(keep)):
        return normalise_code(keep)
    code = make_code()
    response.resume_code_hash = _hash(code)
    return code


def save_page(
    session: Session,
    response: Response,
    definition: SurveyDefinition,
    page_id: str,
    answers: dict[str, Any],
    now: datetime,
    *,
    language: str | None = None,
) -> None:
    """Merge a page's answers, forget answers the routing now skips, and keep the response alive.

    ``language``, when given, is the language the page was answered in (recorded as the
    response's language).
    """
    page = definition.page(page_id)
    if page is None or response.status != ResponseStatus.IN_PROGRESS:
        raise SurveyError("that page cannot be saved")
    if language is not None:
        set_language(response, definition, language)
    response.answers = runner.merge_page(definition, response.answers, page, answers, response.channel)
    done = [p for p in response.pages_done if p != page_id]
    response.pages_done = [*done, page_id]
    response.updated_at = now
    response.expires_at = now + timedelta(days=definition.resume_days)


@dataclass(frozen=True)
class SubmitResult:
    reference: str
    first_time: bool


def locality_from_answers(
    definition: SurveyDefinition,
    answers: dict[str, Any],
    postcode_area: Callable[[str], str | None] | None = None,
) -> tuple[str, str] | None:
    """The area a resident said they live in, and how we know (``"answer"`` or
    ``"postcode"``): their answer to the question the survey marks as its area question
    (``area_question``), or, when none is marked, to its first area question, else the
    area of the library they chose in its first library question, else the area the
    council's postcode table (``postcode_area``) gives their postcode; ``None`` when none
    of these names one of the survey's areas."""
    questions = definition.questions()
    if definition.area_question:
        questions = [q for q in questions if q.id == definition.area_question]
    for kind in ("locality", "branch"):
        for question in questions:
            given = answers.get(question.id) if question.type == kind else None
            if not isinstance(given, str):
                continue
            if kind == "locality" and definition.locality(given) is not None:
                return given, "answer"
            branch = definition.branch(given) if kind == "branch" else None
            if branch is not None:
                return branch.locality_code, "answer"
    if postcode_area is None:
        return None
    for question in questions:
        given = answers.get(question.id) if question.type == "postcode" else None
        area = postcode_area(given) if isinstance(given, str) else None
        if area is None:
            continue
        wanted = area.casefold()
        found = next(
            (loc for loc in definition.localities if wanted in {loc.code.casefold(), loc.name.casefold()}),
            None,
        )
        if found is not None:
            return found.code, "postcode"
    return None


def postcode_prefixes(postcode: str) -> list[str]:
    """Where a postcode sits, most precise first: "NG1 5AB", "NG1 5", "NG1", "NG"."""
    outward, _, inward = postcode.partition(" ")
    letters = re.match(r"[A-Z]+", outward)
    found = [postcode, f"{outward} {inward[:1]}", outward, letters.group() if letters else ""]
    return [p for p in dict.fromkeys(found) if p.strip()]


def area_for_postcode(session: Session, postcode: str) -> str | None:
    """The area the council's postcode table gives ``postcode`` (longest prefix wins)."""
    prefixes = postcode_prefixes(postcode)
    rows = session.execute(
        select(PostcodeArea.prefix, PostcodeArea.area).where(PostcodeArea.prefix.in_(prefixes))
    )
    areas: dict[str, str] = dict(iter(rows))
    return next((areas[p] for p in prefixes if p in areas), None)


def submit(
    session: Session,
    response: Response,
    definition: SurveyDefinition,
    now: datetime,
    *,
    language: str | None = None,
) -> SubmitResult:
    """Submit exactly once. A repeat (double click, Back and resubmit, a retry, or a
    concurrent request) gets the original reference; the unique constraint on
    ``submission.response_id`` makes this hold across processes.

    ``language``, when given, is the language the answers were sent in (the response's
    language from then on); None keeps the one recorded when it started or last changed.
    """
    existing = session.scalar(select(Submission).where(Submission.response_id == response.id))
    if existing is not None:
        return SubmitResult(existing.reference, first_time=False)
    answers = runner.prune(definition, response.answers, response.channel)
    equality = {k: v for k, v in answers.items() if k.split(".", 1)[0] in EQUALITY_QUESTION_IDS}
    survey_answers = {k: v for k, v in answers.items() if k not in equality}
    reference = make_code(groups=3)
    try:
        session.add(Submission(response_id=response.id, reference=reference, submitted_at=now))
        session.flush()
    except IntegrityError:
        # Someone else submitted this response first (or, very rarely, the reference
        # collided). Submitting is the only change in this transaction, so undo it all.
        session.rollback()
        winner = session.scalar(select(Submission).where(Submission.response_id == response.id))
        if winner is None:
            return submit(session, response, definition, now)
        return SubmitResult(winner.reference, first_time=False)
    if language is not None:
        set_language(response, definition, language)
    response.status = ResponseStatus.SUBMITTED
    response.answers = survey_answers
    if response.locality_code is None:
        found = locality_from_answers(
            definition, survey_answers, lambda postcode: area_for_postcode(session, postcode)
        )
        response.locality_code, response.locality_source = found if found else (None, None)
    response.updated_at = now
    response.expires_at = None
    response.resume_code_hash = None
    if equality:
        session.add(
            EqualityRecord(
                response_id=response.id,
                survey_id=response.survey_id,
                version_id=response.version_id,
                channel=response.channel,
                locality_code=response.locality_code,
                answers=equality,
                submitted_on=now.date(),
            )
        )
    session.flush()
    return SubmitResult(reference, first_time=True)


def purge_expired(session: Session, now: datetime) -> int:
    """Delete unfinished responses whose time is up. Returns how many went."""
    result = session.execute(
        delete(Response).where(Response.status == ResponseStatus.IN_PROGRESS, Response.expires_at < now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def submitted_counts(session: Session, survey_ids: Iterable[int] | None = None) -> Counter[int]:
    """Sent responses per survey id, in one grouped query (every survey, or ``survey_ids``)."""
    query = (
        select(Response.survey_id, func.count())
        .where(Response.status == ResponseStatus.SUBMITTED)
        .group_by(Response.survey_id)
    )
    if survey_ids is not None:
        query = query.where(Response.survey_id.in_(list(survey_ids)))
    return Counter({survey_id: int(number) for survey_id, number in session.execute(query)})


def count_submitted(session: Session, survey: Survey) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Response)
            .where(Response.survey_id == survey.id, Response.status == ResponseStatus.SUBMITTED)
        )
        or 0
    )
