"""Survey definitions: JSON validated against the published schema, then read into typed objects.

Validation reports every problem at once, each with the JSON path it concerns, so an
officer (or the ``surveys import`` command) can fix a file in one go.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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

    def to_data(self) -> dict[str, Any]:
        """The definition in the schema's JSON shape (what is stored and downloaded).

        Values at their defaults are left out, so ``parse(d.to_data()) == d`` and a
        definition written by hand keeps its shape through the builder.
        """
        data: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "slug": self.slug,
            "title": self.title,
            "purpose": self.purpose,
        }
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
    )


def loads(text: str) -> SurveyDefinition:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DefinitionError(
            [Problem("$", f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}")]
        ) from None
    return parse(data)
