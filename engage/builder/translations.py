"""The builder's side of surveys in several languages: which languages a survey may be
offered in, each language's progress, and the translation page's fields and checks.

A survey's text in another language lives in its definition
(:meth:`surveys.definition.SurveyDefinition.with_translation`); ids, values and routing
are shared, so nothing here touches them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _

from engage.platform.i18n import LANGUAGES
from surveys import text as text_rule
from surveys.definition import SurveyDefinition, TextField
from surveys.export import language_name


def offerable(definition: SurveyDefinition) -> list[tuple[str, str]]:
    """The languages a survey may be offered in besides its own: those with an interface
    catalogue, as (code, "Welsh (Cymraeg)")."""
    return [
        (code, f"{lang.english_name} ({lang.name})")
        for code, lang in LANGUAGES.items()
        if code != definition.language
    ]


def is_rtl(code: str) -> bool:
    found = LANGUAGES.get(code)
    return bool(found and found.rtl)


@dataclass(frozen=True)
class Progress:
    """How far a language's translation has got."""

    code: str
    name: str
    total: int
    missing: list[str]

    @property
    def done(self) -> int:
        return self.total - len(self.missing)

    @property
    def complete(self) -> bool:
        return not self.missing


def progress(definition: SurveyDefinition) -> list[Progress]:
    """Each translation's progress, in the survey's order (not the survey's own language)."""
    total = len(definition.text_fields())
    return [
        Progress(code, language_name(code), total, definition.missing_text(code))
        for code in definition.languages[1:]
    ]


@dataclass
class Section:
    """A heading on the translation page and the text fields under it."""

    title: str
    fields: list[TextField] = field(default_factory=list)


def sections(definition: SurveyDefinition) -> list[Section]:
    """The survey's text fields grouped as an officer meets them: the start page, areas and
    libraries, then each page with its questions."""
    start = Section(_("Start page and where residents find the survey"))
    places = Section(_("Areas and libraries"))
    pages = {
        p.id: Section(_("Page %(number)s: %(title)s", number=n, title=p.title))
        for n, p in enumerate(definition.pages, start=1)
    }
    page_of = {q.id: p.id for p in definition.pages for q in p.questions}
    for item in definition.text_fields():
        kind, _dot, rest = item.key.partition(".")
        if kind == "pages":
            pages[rest.split(".")[0]].fields.append(item)
        elif kind == "questions":
            pages[page_of[rest.split(".")[0]]].fields.append(item)
        elif kind in ("localities", "branches"):
            places.fields.append(item)
        else:
            start.fields.append(item)
    return [s for s in (start, places, *pages.values()) if s.fields]


def read(definition: SurveyDefinition, posted: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The translation as posted (``text:<key>`` fields), tidied, and any problems by key.

    Values the text rule refuses or that are too long are kept as typed, so the officer
    can correct them; only blank ones are left out.
    """
    texts: dict[str, str] = {}
    errors: dict[str, str] = {}
    for item in definition.text_fields():
        raw = posted.get(f"text:{item.key}", "")
        if not item.multiline:
            # Long one-line text is typed in a box that wraps: a press of Enter is a space.
            raw = " ".join(raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        value = text_rule.normalise(raw, multiline=item.multiline).strip()
        if not value:
            continue
        texts[item.key] = value
        # The text's name, e.g. "question 'visit_frequency': option 'weekly'", in a sentence.
        name = f"{item.label[0].lower()}{item.label[1:]}"
        if text_rule.refused(value, multiline=item.multiline):
            errors[item.key] = (
                # Translators: name is which text, e.g. "question 'visit_frequency': hint".
                _("The translation of %(name)s must not contain hidden control characters", name=name)
                if item.multiline
                else _(
                    "The translation of %(name)s must not contain line breaks or hidden control characters",
                    name=name,
                )
            )
        elif len(value) > item.max_length:
            errors[item.key] = _(
                "The translation of %(name)s must be %(max)s characters or fewer",
                name=name,
                max=format(item.max_length, ","),
            )
    return texts, errors


def drop_stale(
    before: SurveyDefinition, after: SurveyDefinition
) -> tuple[SurveyDefinition, dict[str, list[str]]]:
    """``after`` without the translations of text whose words changed since ``before``
    (they would say something else), and the keys taken out, by language."""
    old = {f.key: f.text for f in before.text_fields()}
    changed = {f.key for f in after.text_fields() if f.key in old and old[f.key] != f.text}
    removed: dict[str, list[str]] = {}
    for code in after.languages[1:]:
        texts = after.translation(code)
        gone = sorted(k for k in texts if k in changed)
        if gone:
            removed[code] = gone
            after = after.with_translation(code, {k: v for k, v in texts.items() if k not in changed})
    return after, removed
