"""What a survey should have before it is published, and whether its draft has been tried.

Publishing is refused until every check is met or an officer records why they are
publishing without it (kept in the audit log with the publication). A blocking check (every
language the survey offers is complete) cannot be published without: a resident who
chooses Welsh must never meet a page half in English.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.platform import clock, i18n
from engage.platform.models import AuditEvent
from surveys.definition import SurveyDefinition
from surveys.export import language_name
from surveys.models import Survey

TRIED = "survey.tried"


@dataclass(frozen=True)
class Check:
    key: str
    met: bool
    done: str  # what is in place, when met
    missing: str  # what to do, when not
    fix: str  # the builder's endpoint that puts it right
    anchor: str = ""
    # Refuses publishing until met, whatever reason is given.
    blocking: bool = False
    # What is missing, one line each (shown under the check).
    details: tuple[str, ...] = ()
    # The fix endpoint's other arguments ({"code": "cy"}).
    fix_args: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        return self.done if self.met else self.missing


def fingerprint(data: dict[str, Any]) -> str:
    """Names a definition's exact content, so "tried" means this content, not an earlier one."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]


def tried(session: Session, survey: Survey, data: dict[str, Any]) -> bool:
    """Whether someone went through the survey as it is now, to the confirmation page."""
    mark = fingerprint(data)
    events: Iterable[dict[str, Any] | None] = session.scalars(
        select(AuditEvent.details).where(
            AuditEvent.action == TRIED,
            AuditEvent.object_type == "survey",
            AuditEvent.object_id == str(survey.id),
        )
    )
    return any((details or {}).get("definition") == mark for details in events)


MISSING_SHOWN = 10


def languages_check(definition: SurveyDefinition) -> Check:
    """Every language the survey offers has all of its text (SurveyDefinition.missing_text)."""
    names = [language_name(code) for code in definition.languages]
    incomplete = [(code, definition.missing_text(code)) for code in definition.languages[1:]]
    incomplete = [(code, missing) for code, missing in incomplete if missing]
    details: list[str] = []
    for code, missing in incomplete:
        name = language_name(code)
        details += [_("%(language)s: %(item)s", language=name, item=item) for item in missing[:MISSING_SHOWN]]
        if len(missing) > MISSING_SHOWN:
            details.append(
                _("%(language)s: and %(number)s more", language=name, number=len(missing) - MISSING_SHOWN)
            )
    todo = "; ".join(
        ngettext(
            "%(language)s has %(num)d text to translate",
            "%(language)s has %(num)d texts to translate",
            len(missing),
            language=language_name(code),
        )
        for code, missing in incomplete
    )
    return Check(
        "languages",
        not incomplete,
        _("Every language the survey offers is complete: %(languages)s.", languages=", ".join(names)),
        _("Every language the survey offers is complete: %(todo)s.", todo=todo),
        "staff.builder.translations",
        blocking=True,
        details=tuple(details),
        fix_args=(("code", incomplete[0][0]),) if incomplete else (),
    )


def checks(definition: SurveyDefinition, was_tried: bool) -> list[Check]:
    closes = definition.closes_at
    # Only a survey offered in more than one language has the languages check.
    several = [languages_check(definition)] if len(definition.languages) > 1 else []
    found = [
        Check(
            "closing_date",
            closes is not None,
            _("It closes on %(date)s.", date=i18n.long_date(clock.local(closes))) if closes else "",
            _("Set a closing date, so residents know how long they have to answer."),
            "staff.builder.details",
            "closes_on",
        ),
        Check(
            "what_happens",
            bool(definition.what_happens),
            _("The start page says what happens to the answers."),
            _("Say what happens to the answers (who reads them, and when you will publish what you heard)."),
            "staff.builder.details",
            "what_happens",
        ),
        Check(
            "duration",
            definition.duration_minutes is not None,
            _("The start page says it takes about %(number)s minutes.", number=definition.duration_minutes),
            _("Say how many minutes it takes."),
            "staff.builder.details",
            "duration_minutes",
        ),
        Check(
            "privacy",
            bool(definition.privacy),
            _("The start page has its 'Your privacy' text."),
            _("Write the 'Your privacy' text: what you keep from this survey, why, and for how long."),
            "staff.builder.details",
            "privacy",
        ),
        Check(
            "areas",
            bool(definition.localities),
            ngettext(
                "It has %(num)d area, so answers can be reported by area.",
                "It has %(num)d areas, so answers can be reported by area.",
                len(definition.localities),
            ),
            _("Add at least one area, so answers can be reported by area."),
            "staff.builder.localities",
        ),
        Check(
            "tried",
            was_tried,
            _("Someone has tried it from start to finish since the last change."),
            _("Try it from start to finish, as a resident would, after your last change."),
            "staff.trial.start",
        ),
    ]
    # Before "tried": trying it is the last thing to do.
    return found[:-1] + several + found[-1:]
