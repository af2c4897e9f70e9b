"""Survey definitions: JSON validated against the published schema, then read into typed objects.

Validation reports every problem at once, each with the JSON path it concerns, so an
officer (or the ``surveys import`` command) can fix a file in one go.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

from surveys import text as text_rule
from surveys.refusal import RefusedError

QUESTION_TYPES = (
    "single_choice",
    "multiple_choice",
    "likert",
    "grid",
    "ranking",
    "short_text",
    "long_text",
    "number",
    "date",
    "locality",
    "branch",
    "scale",
    "email",
    "phone",
    "postcode",
)
CHOICE_TYPES = {"single_choice", "multiple_choice", "ranking", "scale"}
MAX_SCALE_POINTS = 11
#: Questions whose answer can give a response its area.
AREA_TYPES = ("locality", "branch", "postcode")
TEXT_TYPES = {"short_text", "long_text"}
DEFAULT_MAX_LENGTH = {"short_text": 200, "long_text": 2000}
OTHER_MAX_LENGTH = 200
LIKERT_SCALE: tuple[tuple[str, str], ...] = (
    ("strongly_agree", "Strongly agree"),
    ("agree", "Agree"),
    ("neither", "Neither agree nor disagree"),
    ("disagree", "Disagree"),
    ("strongly_disagree", "Strongly disagree"),
)
DEFAULT_RESUME_DAYS = 30
SCHEMA_VERSION = 1
#: The language a definition's own text is in when it does not say.
DEFAULT_LANGUAGE = "en"

# A routing rule exactly as the schema writes it: {"question", "equals" | "any_of" |
# "not_answered"} or {"all" | "any": [rules]}. surveys.runner evaluates it.
Condition = dict[str, Any]


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class DefinitionError(RefusedError):
    """A survey definition with problems, each at its JSON path."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str = ""
    exclusive: bool = False

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"value": self.value, "label": self.label}
        if self.hint:
            data["hint"] = self.hint
        if self.exclusive:
            data["exclusive"] = True
        return data


@dataclass(frozen=True)
class Statement:
    id: str
    text: str

    def to_data(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text}


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: str
    hint: str = ""
    required: bool = True
    options: tuple[Option, ...] = ()
    other_label: str | None = None
    other_max_length: int = OTHER_MAX_LENGTH
    statements: tuple[Statement, ...] = ()
    top_n: int = 0
    max_length: int = 0
    min: float | None = None
    max: float | None = None
    integer: bool = True
    suffix: str = ""
    earliest: date | None = None
    latest: date | None = None
    kiosk_skip: bool = False
    show_if: Condition | None = None
    # What to tell a resident who leaves a required question empty, in the GOV.UK pattern
    # ("Select how often you visit a library"); blank: the type's own message.
    error: str = ""

    def to_data(self) -> dict[str, Any]:
        """The question in the schema's JSON shape, leaving out what is at its default."""
        kind = self.type
        data: dict[str, Any] = {"id": self.id, "type": kind, "text": self.text}
        if self.hint:
            data["hint"] = self.hint
        if not self.required:
            data["required"] = False
        if kind in CHOICE_TYPES or self.options:
            data["options"] = [o.to_data() for o in self.options]
        if self.other_label is not None:
            other: dict[str, Any] = {"label": self.other_label}
            if self.other_max_length != OTHER_MAX_LENGTH:
                other["max_length"] = self.other_max_length
            data["other"] = other
        if kind == "grid" or self.statements:
            data["statements"] = [s.to_data() for s in self.statements]
        if self.top_n:
            data["top_n"] = self.top_n
        if self.max_length and self.max_length != DEFAULT_MAX_LENGTH.get(kind, 0):
            data["max_length"] = self.max_length
        if self.min is not None:
            data["min"] = self.min
        if self.max is not None:
            data["max"] = self.max
        if not self.integer:
            data["integer"] = False
        if self.suffix:
            data["suffix"] = self.suffix
        if self.earliest is not None:
            data["earliest"] = self.earliest.isoformat()
        if self.latest is not None:
            data["latest"] = self.latest.isoformat()
        if self.kiosk_skip:
            data["kiosk"] = "skip"
        if self.show_if is not None:
            data["show_if"] = self.show_if
        if self.error:
            data["error"] = self.error
        return data

    def option_labels(self) -> dict[str, str]:
        labels = {o.value: o.label for o in self.options}
        if self.other_label:
            labels["other"] = self.other_label
        if self.type == "likert" or self.type == "grid":
            labels.update(dict(LIKERT_SCALE))
        return labels


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    questions: tuple[Question, ...]
    intro: str = ""
    show_if: Condition | None = None
    is_equality: bool = False

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "title": self.title}
        if self.intro:
            data["intro"] = self.intro
        if self.show_if is not None:
            data["show_if"] = self.show_if
        data["questions"] = [q.to_data() for q in self.questions]
        return data


@dataclass(frozen=True)
class Branch:
    code: str
    name: str
    locality_code: str


@dataclass(frozen=True)
class Locality:
    code: str
    name: str
    branches: tuple[Branch, ...] = ()

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "name": self.name}
        if self.branches:
            data["branches"] = [{"code": b.code, "name": b.name} for b in self.branches]
        return data


@dataclass(frozen=True)
class SurveyDefinition:
    slug: str
    title: str
    purpose: str
    pages: tuple[Page, ...]
    what_happens: str = ""
    # "Your privacy": what the council keeps from this survey and why, on the start page.
    privacy: str = ""
    duration_minutes: int | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    resume_days: int = DEFAULT_RESUME_DAYS
    equality_section: bool = False
    kiosk_keeps_unfinished: bool = False
    # Shown where residents find consultations: who it is for, and the topics to filter by.
    audience: str = ""
    topics: tuple[str, ...] = ()
    # The question whose answer gives a response its area (an area, library or postcode
    # question); blank: the first area question, else library, else postcode.
    area_question: str = ""
    offers_follow_up: bool = True
    localities: tuple[Locality, ...] = ()
    # The language the definition's own text is in, and its text in other languages:
    # ((code, ((key, text), ...)), ...), each key a TextField.key ("pages.about.title").
    language: str = DEFAULT_LANGUAGE
    translations: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    # Set on the copy localised() returns: the language its text is shown in, and the
    # definition as stored (what to_data() writes and localised() starts from).
    text_language: str = ""
    base: SurveyDefinition | None = field(default=None, compare=False, repr=False)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the survey is offered in: its own language first, then its translations'."""
        return (self.language, *(code for code, _ in self.translations))

    @property
    def shown_language(self) -> str:
        """The language this definition's text is in (a localised copy's, else the base)."""
        return self.text_language or self.language

    def translation(self, code: str) -> dict[str, str]:
        """The text translated into ``code``, by TextField key (empty if there is none)."""
        source = self.base or self
        return dict(dict(source.translations).get(code, ()))

    def text_fields(self) -> list[TextField]:
        """Every piece of survey text that has base text, in the order a resident meets it."""
        return list(_text_fields(self.base or self))

    def missing_text(self, code: str) -> list[str]:
        """Readable paths of every text field with base text but no translation into ``code``."""
        source = self.base or self
        if code == source.language:
            return []
        translated = source.translation(code)
        return [f.label for f in source.text_fields() if f.key not in translated]

    def localised(self, code: str) -> SurveyDefinition:
        """The same survey with its text in ``code``; base text wherever a translation is missing.

        Ids, values and routing are shared, so answers mean the same in every language.
        ``localised(language)`` returns the base definition itself.
        """
        source = self.base or self
        texts = source.translation(code)
        if code == source.language or not texts:
            return source
        return _localise(source, code, texts)

    def with_translation(self, code: str, texts: Mapping[str, str]) -> SurveyDefinition:
        """This definition with its ``code`` translation replaced by ``texts`` (blank ones dropped).

        Keys that name no text field are left out; a new language is added at the end.
        """
        source = self.base or self
        known = {f.key for f in source.text_fields()}
        kept = tuple((k, v) for k, v in sorted(texts.items()) if k in known and v.strip())
        entries = dict(source.translations)
        entries[code] = kept
        order = [c for c, _ in source.translations] + ([] if code in dict(source.translations) else [code])
        return replace(source, translations=tuple((c, entries[c]) for c in order))

    def with_languages(self, codes: list[str] | tuple[str, ...]) -> SurveyDefinition:
        """This definition offered in its own language and ``codes``: new ones start empty,
        dropped ones lose their text."""
        source = self.base or self
        entries = dict(source.translations)
        wanted = [c for c in dict.fromkeys(codes) if c != source.language]
        return replace(source, translations=tuple((c, entries.get(c, ())) for c in wanted))

    def to_data(self) -> dict[str, Any]:
        """The definition in the schema's JSON shape (what is stored and downloaded).

        Values at their defaults are left out, so ``parse(d.to_data()) == d`` and a
        definition written by hand keeps its shape through the builder. A localised copy
        writes the definition it came from.
        """
        if self.base is not None:
            return self.base.to_data()
        data: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "slug": self.slug,
            "title": self.title,
            "purpose": self.purpose,
        }
        if self.language != DEFAULT_LANGUAGE:
            data["language"] = self.language
        if self.what_happens:
            data["what_happens"] = self.what_happens
        if self.privacy:
            data["privacy"] = self.privacy
        if self.duration_minutes is not None:
            data["duration_minutes"] = self.duration_minutes
        if self.audience:
            data["audience"] = self.audience
        if self.topics:
            data["topics"] = list(self.topics)
        if self.area_question:
            data["area_question"] = self.area_question
        if self.opens_at is not None:
            data["opens_at"] = _format_datetime(self.opens_at)
        if self.closes_at is not None:
            data["closes_at"] = _format_datetime(self.closes_at)
        if self.resume_days != DEFAULT_RESUME_DAYS:
            data["resume_days"] = self.resume_days
        if self.equality_section:
            data["equality_section"] = True
        if self.kiosk_keeps_unfinished:
            data["kiosk_unfinished"] = "keep"
        if not self.offers_follow_up:
            data["follow_up"] = False
        if self.localities:
            data["localities"] = [loc.to_data() for loc in self.localities]
        data["pages"] = [p.to_data() for p in self.pages]
        if self.translations:
            # Only text the survey still has: an edit that removes a question, an option or
            # a hint takes its translations with it.
            known = {f.key for f in self.text_fields()}
            data["translations"] = {
                code: _nest({k: v for k, v in texts if k in known}) for code, texts in self.translations
            }
        return data

    @property
    def all_pages(self) -> tuple[Page, ...]:
        """The survey's pages, then the optional equality page when it is switched on."""
        from surveys.equality import equality_page

        return (*self.pages, equality_page()) if self.equality_section else self.pages

    def page(self, page_id: str) -> Page | None:
        return next((p for p in self.all_pages if p.id == page_id), None)

    def questions(self) -> list[Question]:
        return [q for p in self.pages for q in p.questions]

    def question(self, question_id: str) -> Question | None:
        return next((q for p in self.all_pages for q in p.questions if q.id == question_id), None)

    def branches(self) -> list[Branch]:
        return [b for loc in self.localities for b in loc.branches]

    def branch(self, code: str) -> Branch | None:
        return next((b for b in self.branches() if b.code == code), None)

    def locality(self, code: str) -> Locality | None:
        return next((loc for loc in self.localities if loc.code == code), None)


@dataclass(frozen=True)
class TextField:
    """One piece of survey text a translation can give: where it is and what it says."""

    key: str  # the path in a translation, dotted: "questions.visit_frequency.options.weekly.label"
    label: str  # readable: "Question 'visit_frequency': option 'weekly'"
    text: str  # the base text
    multiline: bool = False
    max_length: int = 300


def _text_fields(d: SurveyDefinition) -> Iterator[TextField]:
    def one(key: str, label: str, text: str, max_length: int, multiline: bool = False) -> Iterator[TextField]:
        if text:
            yield TextField(key, label, text, multiline, max_length)

    yield from one("title", "Title", d.title, 150)
    yield from one("purpose", "Why we are asking", d.purpose, 2000, True)
    yield from one("what_happens", "What happens to the answers", d.what_happens, 2000, True)
    yield from one("privacy", "Your privacy", d.privacy, 2000, True)
    yield from one("audience", "Who it is for", d.audience, 300)
    for i, topic in enumerate(d.topics):
        yield from one(f"topics.{i}", f"Topic {i + 1}", topic, 40)
    for loc in d.localities:
        yield from one(f"localities.{loc.code}", f"Area '{loc.code}'", loc.name, 100)
        for b in loc.branches:
            yield from one(f"branches.{b.code}", f"Library '{b.code}'", b.name, 100)
    for p in d.pages:
        where = f"Page '{p.id}'"
        yield from one(f"pages.{p.id}.title", f"{where}: title", p.title, 150)
        yield from one(f"pages.{p.id}.intro", f"{where}: introduction", p.intro, 2000, True)
        for q in p.questions:
            key, where = f"questions.{q.id}", f"Question '{q.id}'"
            yield from one(f"{key}.text", f"{where}: question", q.text, 300)
            yield from one(f"{key}.hint", f"{where}: hint", q.hint, 500)
            yield from one(f"{key}.error", f"{where}: error message", q.error, 200)
            for o in q.options:
                yield from one(f"{key}.options.{o.value}.label", f"{where}: option '{o.value}'", o.label, 200)
                yield from one(
                    f"{key}.options.{o.value}.hint", f"{where}: option '{o.value}' hint", o.hint, 300
                )
            yield from one(f"{key}.other", f"{where}: 'other' label", q.other_label or "", 100)
            for st in q.statements:
                yield from one(f"{key}.statements.{st.id}", f"{where}: statement '{st.id}'", st.text, 300)
            yield from one(f"{key}.suffix", f"{where}: suffix", q.suffix, 20)


def _localise(d: SurveyDefinition, code: str, t: dict[str, str]) -> SurveyDefinition:
    def question(q: Question) -> Question:
        key = f"questions.{q.id}"
        return replace(
            q,
            text=t.get(f"{key}.text", q.text),
            hint=t.get(f"{key}.hint", q.hint),
            error=t.get(f"{key}.error", q.error),
            suffix=t.get(f"{key}.suffix", q.suffix),
            other_label=t.get(f"{key}.other", q.other_label) if q.other_label is not None else None,
            options=tuple(
                replace(
                    o,
                    label=t.get(f"{key}.options.{o.value}.label", o.label),
                    hint=t.get(f"{key}.options.{o.value}.hint", o.hint),
                )
                for o in q.options
            ),
            statements=tuple(
                replace(s, text=t.get(f"{key}.statements.{s.id}", s.text)) for s in q.statements
            ),
        )

    return replace(
        d,
        title=t.get("title", d.title),
        purpose=t.get("purpose", d.purpose),
        what_happens=t.get("what_happens", d.what_happens),
        privacy=t.get("privacy", d.privacy),
        audience=t.get("audience", d.audience),
        topics=tuple(t.get(f"topics.{i}", topic) for i, topic in enumerate(d.topics)),
        localities=tuple(
            replace(
                loc,
                name=t.get(f"localities.{loc.code}", loc.name),
                branches=tuple(replace(b, name=t.get(f"branches.{b.code}", b.name)) for b in loc.branches),
            )
            for loc in d.localities
        ),
        pages=tuple(
            replace(
                p,
                title=t.get(f"pages.{p.id}.title", p.title),
                intro=t.get(f"pages.{p.id}.intro", p.intro),
                questions=tuple(question(q) for q in p.questions),
            )
            for p in d.pages
        ),
        text_language=code,
        base=d,
    )


def _flatten(translation: dict[str, Any]) -> dict[str, str]:
    """A translation as JSON writes it, as {TextField.key: text}."""
    flat: dict[str, str] = {}
    for key in ("title", "purpose", "what_happens", "privacy", "audience"):
        if key in translation:
            flat[key] = translation[key]
    for i, topic in enumerate(translation.get("topics", [])):
        flat[f"topics.{i}"] = topic
    for group in ("localities", "branches"):
        for code, name in translation.get(group, {}).items():
            flat[f"{group}.{code}"] = name
    for page_id, page in translation.get("pages", {}).items():
        for key, text in page.items():
            flat[f"pages.{page_id}.{key}"] = text
    for question_id, q in translation.get("questions", {}).items():
        base = f"questions.{question_id}"
        for key in ("text", "hint", "error", "other", "suffix"):
            if key in q:
                flat[f"{base}.{key}"] = q[key]
        for value, option in q.get("options", {}).items():
            if isinstance(option, str):
                flat[f"{base}.options.{value}.label"] = option
            else:
                for key, text in option.items():
                    flat[f"{base}.options.{value}.{key}"] = text
        for statement_id, text in q.get("statements", {}).items():
            flat[f"{base}.statements.{statement_id}"] = text
    return flat


def _nest(flat: dict[str, str]) -> dict[str, Any]:
    """{TextField.key: text} back in the JSON shape (an option with only a label as a string)."""
    data: dict[str, Any] = {}
    topics = sorted((int(k.split(".")[1]), v) for k, v in flat.items() if k.startswith("topics."))
    for key, text in flat.items():
        parts = key.split(".")
        if parts[0] == "topics":
            continue
        if parts[0] == "questions" and len(parts) == 5:  # questions.q.options.value.label|hint
            option = data.setdefault("questions", {}).setdefault(parts[1], {}).setdefault("options", {})
            option.setdefault(parts[3], {})[parts[4]] = text
            continue
        node = data
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = text
    # Topics are matched by position, so only those up to the first one not translated.
    given: list[str] = []
    for position, (index, topic) in enumerate(topics):
        if index != position:
            break
        given.append(topic)
    if given:
        data["topics"] = given
    for q in data.get("questions", {}).values():
        for value, option in q.get("options", {}).items():
            if set(option) == {"label"}:
                q["options"][value] = option["label"]
    return data


def _translation_problems(data: dict[str, Any]) -> list[Problem]:
    """Translations name only this survey's text: its pages, questions, options and statements."""
    translations = data.get("translations")
    if not isinstance(translations, dict):
        return []
    problems: list[Problem] = []
    base_language = data.get("language", DEFAULT_LANGUAGE)
    stripped = {k: v for k, v in data.items() if k not in ("translations", "language")}
    try:
        fields = {f.key for f in parse(stripped).text_fields()}
    except DefinitionError:
        return []
    pages = {p["id"] for p in data["pages"]}
    questions = {q["id"]: q for p in data["pages"] for q in p["questions"]}
    for code, translation in translations.items():
        path = f"$.translations.{code}"
        if code == base_language:
            problems.append(
                Problem(path, f"{code!r} is the survey's own language, so it needs no translation")
            )
            continue
        if not isinstance(translation, dict):
            continue
        topics = translation.get("topics")
        if isinstance(topics, list) and len(topics) > len(data.get("topics", [])):
            problems.append(
                Problem(
                    f"{path}.topics",
                    f"there are more translated topics than the survey's {len(data.get('topics', []))}: "
                    "give them in the same order as the survey's",
                )
            )
        for page_id in translation.get("pages", {}):
            if page_id not in pages:
                problems.append(
                    Problem(f"{path}.pages.{page_id}", f"there is no page {page_id!r} in this survey")
                )
        for question_id, q in translation.get("questions", {}).items():
            if question_id not in questions:
                problems.append(
                    Problem(
                        f"{path}.questions.{question_id}",
                        f"there is no question {question_id!r} in this survey",
                    )
                )
                continue
            base = questions[question_id]
            values = {o["value"] for o in base.get("options", [])}
            for value in q.get("options", {}):
                if value not in values:
                    problems.append(
                        Problem(
                            f"{path}.questions.{question_id}.options.{value}",
                            f"question {question_id!r} has no option {value!r}",
                        )
                    )
            statements = {s["id"] for s in base.get("statements", [])}
            for statement_id in q.get("statements", {}):
                if statement_id not in statements:
                    problems.append(
                        Problem(
                            f"{path}.questions.{question_id}.statements.{statement_id}",
                            f"question {question_id!r} has no statement {statement_id!r}",
                        )
                    )
        for group, noun in (("localities", "area"), ("branches", "library")):
            for item in translation.get(group, {}):
                if f"{group}.{item}" not in fields:
                    problems.append(
                        Problem(f"{path}.{group}.{item}", f"there is no {noun} {item!r} in this survey")
                    )
        reported = [p.path for p in problems]
        for key in _flatten(translation):
            where = f"{path}.{key}"
            if key in fields or key.startswith("topics.") or any(where.startswith(r) for r in reported):
                continue
            problems.append(Problem(where, "there is no text here in the survey's own language to translate"))
    return problems


@cache
def schema() -> dict[str, Any]:
    text = resources.files("surveys").joinpath("schema/survey.schema.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def _json_path(parts: Any) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _schema_problems(data: Any) -> list[Problem]:
    validator = Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        message = error.message
        if error.validator == "oneOf" and "show_if" in str(error.absolute_path):
            message = (
                "a condition needs a question and one of equals, any_of or not_answered, "
                "or an all/any list of conditions"
            )
        problems.append(Problem(_json_path(error.absolute_path), message))
    return problems


def _parse_datetime(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _format_datetime(moment: datetime) -> str:
    return moment.isoformat()


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _condition_questions(condition: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    if "all" in condition or "any" in condition:
        found = []
        for child in condition.get("all", []) + condition.get("any", []):
            found.extend(_condition_questions(child))
        return found
    return [(condition, condition["question"])]


def _semantic_problems(data: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    add = problems.append
    locality_codes: set[str] = set()
    branch_codes: set[str] = set()
    for li, loc in enumerate(data.get("localities", [])):
        if loc["code"] in locality_codes:
            add(Problem(f"$.localities[{li}].code", f"locality code {loc['code']!r} is used twice"))
        locality_codes.add(loc["code"])
        for bi, branch in enumerate(loc.get("branches", [])):
            if branch["code"] in branch_codes:
                add(
                    Problem(
                        f"$.localities[{li}].branches[{bi}].code",
                        f"branch code {branch['code']!r} is used twice",
                    )
                )
            branch_codes.add(branch["code"])
    moments: dict[str, datetime] = {}
    for key in ("opens_at", "closes_at"):
        if key not in data:
            continue
        try:
            moment = _parse_datetime(str(data[key]))
        except ValueError:
            add(Problem(f"$.{key}", f"{data[key]!r} is not a date and time like 2027-03-01T09:00:00Z"))
            continue
        if moment is None or moment.tzinfo is None:
            add(Problem(f"$.{key}", "give the time zone, for example 2027-03-01T09:00:00Z (UTC) or +01:00"))
            continue
        moments[key] = moment
    if len(moments) == 2 and moments["closes_at"] <= moments["opens_at"]:
        add(Problem("$.closes_at", "the survey must close after it opens"))

    page_ids: set[str] = set()
    seen_questions: dict[str, dict[str, Any]] = {}
    from surveys.equality import EQUALITY_QUESTION_IDS

    reserved = {*EQUALITY_QUESTION_IDS, "equality"}
    for pi, page in enumerate(data["pages"]):
        ppath = f"$.pages[{pi}]"
        if page["id"] in page_ids or page["id"] in reserved or page["id"] in {"check", "start"}:
            add(Problem(f"{ppath}.id", f"page id {page['id']!r} is already used or reserved"))
        page_ids.add(page["id"])
        if "show_if" in page:
            problems.extend(_condition_problems(page["show_if"], f"{ppath}.show_if", seen_questions))
        on_this_page: dict[str, dict[str, Any]] = {}
        for qi, question in enumerate(page["questions"]):
            qpath = f"{ppath}.questions[{qi}]"
            qid = question["id"]
            if qid in seen_questions or qid in on_this_page or qid in reserved:
                add(Problem(f"{qpath}.id", f"question id {qid!r} is already used or reserved"))
            problems.extend(_question_problems(question, qpath, locality_codes, branch_codes))
            if "show_if" in question:
                problems.extend(_condition_problems(question["show_if"], f"{qpath}.show_if", seen_questions))
            on_this_page[qid] = question
        seen_questions.update(on_this_page)
    if "area_question" in data:
        marked = seen_questions.get(data["area_question"])
        if marked is None or marked["type"] not in AREA_TYPES:
            add(
                Problem(
                    "$.area_question",
                    f"{data['area_question']!r} is not an area, library or postcode question in this survey",
                )
            )
    return problems


def _question_problems(
    q: dict[str, Any], path: str, localities: set[str], branches: set[str]
) -> list[Problem]:
    problems: list[Problem] = []
    add = problems.append
    kind = q["type"]
    options = q.get("options", [])
    if kind in CHOICE_TYPES:
        if len(options) < 2:
            add(Problem(f"{path}.options", f"a {kind} question needs at least 2 options"))
        values = [o["value"] for o in options]
        for dup in sorted({v for v in values if values.count(v) > 1}):
            add(Problem(f"{path}.options", f"option value {dup!r} is used twice"))
        if "other" in values and "other" in q:
            add(Problem(f"{path}.options", "the value 'other' is reserved for the \"other\" box"))
    elif options:
        add(Problem(f"{path}.options", f"a {kind} question does not take options"))
    exclusive = [i for i, o in enumerate(options) if o.get("exclusive")]
    if exclusive and kind != "multiple_choice":
        add(
            Problem(
                f"{path}.options[{exclusive[0]}].exclusive", "only multiple choice options can be exclusive"
            )
        )
    if len(exclusive) > 1:
        add(Problem(f"{path}.options", "only one option can be exclusive"))
    if "other" in q and kind not in {"single_choice", "multiple_choice"}:
        add(Problem(f"{path}.other", 'only single and multiple choice questions can have an "other" box'))
    if kind == "grid":
        statements = q.get("statements", [])
        if not statements:
            add(Problem(f"{path}.statements", "a grid question needs at least 1 statement"))
        ids = [s["id"] for s in statements]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            add(Problem(f"{path}.statements", f"statement id {dup!r} is used twice"))
    elif "statements" in q:
        add(Problem(f"{path}.statements", "only grid questions have statements"))
    if kind == "scale" and len(options) > MAX_SCALE_POINTS:
        add(Problem(f"{path}.options", f"a scale has at most {MAX_SCALE_POINTS} points"))
    if kind == "ranking":
        if "top_n" not in q:
            add(Problem(f"{path}.top_n", "a ranking question needs top_n: how many to put in order"))
        elif q["top_n"] > len(options):
            add(Problem(f"{path}.top_n", f"top_n is {q['top_n']} but there are only {len(options)} options"))
    elif "top_n" in q:
        add(Problem(f"{path}.top_n", "only ranking questions have top_n"))
    if "max_length" in q and kind not in TEXT_TYPES:
        add(Problem(f"{path}.max_length", "only text questions have max_length"))
    if ("min" in q or "max" in q) and kind != "number":
        add(Problem(f"{path}.min", "only number questions have min and max"))
    if "min" in q and "max" in q and q["min"] > q["max"]:
        add(Problem(f"{path}.max", "max must not be less than min"))
    if ("earliest" in q or "latest" in q) and kind != "date":
        add(Problem(f"{path}.earliest", "only date questions have earliest and latest"))
    if "earliest" in q and "latest" in q and q["earliest"] > q["latest"]:
        add(Problem(f"{path}.latest", "latest must not be before earliest"))
    if kind == "locality" and not localities:
        add(Problem(f"{path}.type", "a locality question needs the survey to list localities"))
    if kind == "branch" and not branches:
        add(Problem(f"{path}.type", "a branch question needs the survey's localities to list branches"))
    return problems


def _condition_problems(
    condition: dict[str, Any], path: str, earlier: dict[str, dict[str, Any]]
) -> list[Problem]:
    problems = []
    for leaf, qid in _condition_questions(condition):
        target = earlier.get(qid)
        if target is None:
            problems.append(
                Problem(path, f"the condition refers to {qid!r}, which is not a question on an earlier page")
            )
            continue
        wanted = [leaf["equals"]] if "equals" in leaf else leaf.get("any_of", [])
        allowed = _allowed_values(target)
        if allowed is not None:
            for value in wanted:
                if str(value) not in allowed:
                    problems.append(
                        Problem(
                            path,
                            f"{value!r} is not one of the answers to {qid!r}: {', '.join(sorted(allowed))}",
                        )
                    )
    return problems


def _allowed_values(question: dict[str, Any]) -> set[str] | None:
    kind = question["type"]
    if kind in CHOICE_TYPES:
        values = {o["value"] for o in question.get("options", [])}
        return values | ({"other"} if "other" in question else set())
    if kind == "likert":
        return {value for value, _ in LIKERT_SCALE}
    return None


# The only strings in a definition that may run over several lines; every other one (titles,
# question text, hints, labels, ids, codes) is one line (surveys.text).
MULTI_LINE_KEYS = frozenset({"purpose", "what_happens", "privacy", "intro"})


def _text_problems(value: Any, path: str = "$", key: str = "") -> list[Problem]:
    """Line breaks and hidden control characters, wherever a string is in the definition."""
    if isinstance(value, str):
        multiline = key in MULTI_LINE_KEYS
        if text_rule.refused(value, multiline=multiline):
            return [Problem(path, text_rule.requirement(multiline=multiline))]
        return []
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _text_problems(v, f"{path}.{k}", str(k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _text_problems(v, f"{path}[{i}]", key)]
    return []


def validate(data: Any) -> list[Problem]:
    """Every problem with a definition, or an empty list."""
    problems = _schema_problems(data)
    problems += [p for p in _text_problems(data) if p not in problems]
    if not isinstance(data, dict) or not isinstance(data.get("pages"), list):
        return problems
    try:
        semantic = _semantic_problems(data)
    except (KeyError, TypeError, AttributeError, ValueError, IndexError):
        # The file is too broken in places for the cross-checks to finish; list what
        # they found in the parts that were well-formed, page by page.
        semantic = _semantic_problems_per_page(data)
    if not problems and not semantic:
        semantic = _translation_problems(data)
    return problems + [p for p in semantic if p not in problems]


def _semantic_problems_per_page(data: dict[str, Any]) -> list[Problem]:
    found: list[Problem] = []
    pages = data.get("pages", [])
    for index in range(len(pages)):
        trial = {**data, "pages": pages[: index + 1], "localities": _well_formed(data.get("localities"))}
        try:
            found.extend(p for p in _semantic_problems(trial) if p not in found)
        except (KeyError, TypeError, AttributeError, ValueError, IndexError):
            break
    return found


def _well_formed(localities: Any) -> list[Any]:
    if not isinstance(localities, list):
        return []
    return [loc for loc in localities if isinstance(loc, dict) and "code" in loc]


def _question(q: dict[str, Any]) -> Question:
    kind = q["type"]
    other = q.get("other")
    return Question(
        id=q["id"],
        type=kind,
        text=q["text"],
        hint=q.get("hint", ""),
        required=q.get("required", True),
        options=tuple(
            Option(o["value"], o["label"], o.get("hint", ""), o.get("exclusive", False))
            for o in q.get("options", [])
        ),
        other_label=other["label"] if other else None,
        other_max_length=other.get("max_length", OTHER_MAX_LENGTH) if other else OTHER_MAX_LENGTH,
        statements=tuple(Statement(s["id"], s["text"]) for s in q.get("statements", [])),
        top_n=q.get("top_n", 0),
        max_length=q.get("max_length", DEFAULT_MAX_LENGTH.get(kind, 0)),
        min=q.get("min"),
        max=q.get("max"),
        integer=q.get("integer", True),
        suffix=q.get("suffix", ""),
        earliest=_parse_date(q.get("earliest")),
        latest=_parse_date(q.get("latest")),
        kiosk_skip=q.get("kiosk") == "skip",
        show_if=q.get("show_if"),
        error=q.get("error", ""),
    )


def parse(data: Any) -> SurveyDefinition:
    """Validate ``data`` and return the typed definition; raise DefinitionError listing every problem."""
    problems = validate(data)
    if problems:
        raise DefinitionError(problems)
    return SurveyDefinition(
        slug=data["slug"],
        title=data["title"],
        purpose=data["purpose"],
        what_happens=data.get("what_happens", ""),
        privacy=data.get("privacy", ""),
        duration_minutes=data.get("duration_minutes"),
        audience=data.get("audience", ""),
        topics=tuple(data.get("topics", ())),
        area_question=data.get("area_question", ""),
        opens_at=_parse_datetime(data.get("opens_at")),
        closes_at=_parse_datetime(data.get("closes_at")),
        resume_days=data.get("resume_days", DEFAULT_RESUME_DAYS),
        equality_section=data.get("equality_section", False),
        kiosk_keeps_unfinished=data.get("kiosk_unfinished") == "keep",
        offers_follow_up=data.get("follow_up", True),
        localities=tuple(
            Locality(
                loc["code"],
                loc["name"],
                tuple(Branch(b["code"], b["name"], loc["code"]) for b in loc.get("branches", [])),
            )
            for loc in data.get("localities", [])
        ),
        pages=tuple(
            Page(
                id=p["id"],
                title=p["title"],
                intro=p.get("intro", ""),
                show_if=p.get("show_if"),
                questions=tuple(_question(q) for q in p["questions"]),
            )
            for p in data["pages"]
        ),
        language=data.get("language", DEFAULT_LANGUAGE),
        translations=tuple(
            (code, tuple(sorted(_flatten(translation).items())))
            for code, translation in data.get("translations", {}).items()
        ),
    )


def loads(text: str) -> SurveyDefinition:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DefinitionError(
            [Problem("$", f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}")]
        ) from None
    return parse(data)
