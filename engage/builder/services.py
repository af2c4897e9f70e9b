"""The survey builder's changes: create, save a draft, publish, close, duplicate.

Each takes the officer (``by``) and the time, checks the definition with
:func:`surveys.definition.validate` (in the officer's words, :func:`editing.explain`),
saves through :mod:`surveys.services` and writes its own audit row. The pages only work
out the new typed definition (:mod:`engage.builder.editing`), call one of these and
render. What is stored is the definition's JSON, ``SurveyDefinition.to_data()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engage.accounts.models import StaffUser
from engage.builder import editing, translations
from engage.builder.checklist import languages_check
from engage.platform import audit
from surveys import services as surveys
from surveys.definition import DefinitionError, SurveyDefinition, parse, validate
from surveys.models import Survey, SurveyVersion, VersionStatus
from surveys.refusal import RefusedError


class DraftError(RefusedError):
    """A definition that cannot be saved or published: ``problems`` in the officer's words."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def problems_in(definition: SurveyDefinition | dict[str, Any]) -> list[str]:
    """Everything wrong with a definition (typed or its JSON), in words an officer can act
    on; empty if none."""
    data = definition.to_data() if isinstance(definition, SurveyDefinition) else definition
    return [editing.explain(problem) for problem in validate(data)]


def latest(survey: Survey) -> SurveyDefinition:
    """The survey's latest version (the draft, if there is one), typed, to change."""
    return parse(survey.latest.definition)


def _audit(
    session: Session,
    survey: Survey,
    action: str,
    summary: str,
    details: dict[str, Any],
    by: StaffUser,
) -> None:
    audit.record(
        session, action, object_type="survey", object_id=survey.id, summary=summary, details=details, actor=by
    )


def create(session: Session, slug: str, title: str, purpose: str, *, by: StaffUser, now: datetime) -> Survey:
    """A new survey: a draft with one page and one question to start from."""
    definition = editing.new_definition(slug, title, purpose)
    survey = surveys.save_definition(session, definition.to_data(), now, created_by_id=by.id).survey
    _audit(
        session,
        survey,
        "survey.created",
        f"Created the survey {survey.title!r} ({survey.slug})",
        {"slug": slug, "title": survey.title},
        by,
    )
    return survey


@dataclass(frozen=True)
class Saved:
    version: SurveyVersion
    # The published version the change did not touch (the change is in a new draft), if any.
    kept: SurveyVersion | None
    # Translations taken out because their text's words changed: {language: [TextField keys]}.
    translations_removed: dict[str, list[str]] = field(default_factory=dict)


def save_draft(
    session: Session,
    survey: Survey,
    definition: SurveyDefinition,
    *,
    action: str,
    summary: str,
    details: dict[str, Any] | None = None,
    by: StaffUser,
    now: datetime,
) -> Saved:
    """Check ``definition`` and save it as the survey's draft (a new one after publishing).

    Translations of text whose words changed are taken out (``Saved.translations_removed``),
    so every language the survey offers says what its own language says."""
    definition, removed = translations.drop_stale(latest(survey), definition)
    if removed:
        details = {**(details or {}), "translations_removed": removed}
    data = definition.to_data()
    problems = problems_in(data)
    if problems:
        raise DraftError(problems)
    before = survey.latest
    try:
        version = surveys.save_definition(session, data, now, created_by_id=by.id)
    except DefinitionError as error:  # validate() said yes, so this is unexpected
        raise DraftError([editing.explain(p) for p in error.problems]) from None
    _audit(
        session,
        survey,
        action,
        f"{summary} ({survey.slug}, version {version.number})",
        {"version": version.number, **(details or {})},
        by,
    )
    return Saved(version, before if before.status != VersionStatus.DRAFT else None, removed)


def publish(
    session: Session,
    survey: Survey,
    *,
    by: StaffUser,
    now: datetime,
    unmet: list[str] | None = None,
    reason: str = "",
) -> SurveyVersion | None:
    """Publish the draft; ``None`` when there is none (the latest version is published).
    ``unmet`` names the publishing checks not met, and ``reason`` why it was published anyway."""
    draft = survey.draft
    if draft is None:
        return None
    problems = problems_in(draft.definition)
    if problems:
        raise DraftError(problems)
    incomplete = languages_check(surveys.definition_of(draft))
    if not incomplete.met:
        raise DraftError(
            [f"You cannot publish until {incomplete.missing[0].lower()}{incomplete.missing[1:]}"]
        )
    version = surveys.publish(session, survey, now)
    _audit(
        session,
        survey,
        "survey.published",
        f"Published version {version.number} of {survey.slug}"
        + (f" without: {', '.join(unmet)} ({reason})" if unmet else ""),
        {"version": version.number, **({"unmet": unmet, "reason": reason} if unmet else {})},
        by,
    )
    return version


def close(session: Session, survey: Survey, *, by: StaffUser, now: datetime) -> bool:
    """Close an open survey to new responses; False if it was not open."""
    if not surveys.availability(survey, now).open:
        return False
    surveys.close(survey, now)
    _audit(
        session,
        survey,
        "survey.closed",
        f"Closed {survey.slug} to new responses",
        {"closed_at": now.isoformat()},
        by,
    )
    return True


def duplicate(
    session: Session, survey: Survey, slug: str, title: str, *, by: StaffUser, now: datetime
) -> Survey:
    """A draft copy of the survey's latest version under a new address and title."""
    source = survey.latest
    original = parse(source.definition)
    # A new title takes its translation out, as any edit of the words does.
    definition, _ = translations.drop_stale(original, editing.duplicate(original, slug, title))
    copy_of = surveys.save_definition(session, definition.to_data(), now, created_by_id=by.id).survey
    _audit(
        session,
        copy_of,
        "survey.duplicated",
        f"Created {slug} as a copy of {survey.slug} version {source.number}",
        {"from": survey.slug, "from_version": source.number, "slug": slug},
        by,
    )
    return copy_of
