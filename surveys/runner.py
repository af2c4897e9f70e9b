"""The generic survey runner's rules: routing, and reading one page's answers from a form.

Pure functions over a :class:`~surveys.definition.SurveyDefinition` and a dict of
answers, so every rule is unit-tested without a web request. Answers are stored as
JSON values keyed by question id:

=================  ==========================================================
single_choice      option value (``"other"`` plus ``"<id>.other"`` text)
multiple_choice    list of option values (``"other"`` plus ``"<id>.other"``)
likert             scale value, e.g. ``"agree"``
grid               ``{statement_id: scale value}``
ranking            list of option values, most important first
short/long_text    the text as typed (see surveys.text: a short answer is one line)
number             int or float
date               ``"YYYY-MM-DD"``
locality / branch  the locality or branch code
=================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from surveys import text as text_rule
from surveys.definition import LIKERT_SCALE, Page, Question, SurveyDefinition

CHANNELS = ("online", "kiosk", "paper", "event")


class FormData(Protocol):
    def getlist(self, key: str) -> list[str]: ...


def _answered(value: Any) -> bool:
    return value not in (None, "", [], {})


def condition_met(condition: dict[str, Any] | None, answers: dict[str, Any]) -> bool:
    """Whether a show_if condition holds for the answers so far (no condition: always)."""
    if condition is None:
        return True
    if "all" in condition:
        return all(condition_met(c, answers) for c in condition["all"])
    if "any" in condition:
        return any(condition_met(c, answers) for c in condition["any"])
    value = answers.get(condition["question"])
    if "not_answered" in condition:
        return not _answered(value)
    wanted = [condition["equals"]] if "equals" in condition else condition["any_of"]
    wanted_text = {str(w) for w in wanted}
    if isinstance(value, list):
        return any(str(v) in wanted_text for v in value)
    return value is not None and str(value) in wanted_text


def visible_questions(page: Page, answers: dict[str, Any], channel: str = "online") -> list[Question]:
    return [
        q
        for q in page.questions
        if condition_met(q.show_if, answers) and not (channel == "kiosk" and q.kiosk_skip)
    ]


def visible_pages(
    definition: SurveyDefinition, answers: dict[str, Any], channel: str = "online"
) -> list[Page]:
    """The pages this respondent will see, in order, given what they have answered."""
    return [
        page
        for page in definition.all_pages
        if condition_met(page.show_if, answers) and visible_questions(page, answers, channel)
    ]


def next_page(
    definition: SurveyDefinition, answers: dict[str, Any], current: str | None, channel: str = "online"
) -> Page | None:
    """The page after ``current`` (the first page when ``None``); ``None`` means check answers."""
    pages = visible_pages(definition, answers, channel)
    if current is None:
        return pages[0] if pages else None
    ids = [p.id for p in pages]
    if current in ids:
        index = ids.index(current) + 1
        return pages[index] if index < len(pages) else None
    # The current page is no longer on the route: carry on from where it sat in the survey.
    order = [p.id for p in definition.all_pages]
    position = order.index(current) if current in order else -1
    return next((p for p in pages if order.index(p.id) > position), None)


def previous_page(
    definition: SurveyDefinition, answers: dict[str, Any], current: str, channel: str = "online"
) -> Page | None:
    pages = visible_pages(definition, answers, channel)
    order = [p.id for p in definition.all_pages]
    position = order.index(current) if current in order else len(order)
    earlier = [p for p in pages if order.index(p.id) < position]
    return earlier[-1] if earlier else None


def first_unanswered_page(
    definition: SurveyDefinition, answers: dict[str, Any], seen: Iterable[str], channel: str = "online"
) -> Page | None:
    """Where a returning respondent should resume: the first visible page not yet completed."""
    done = set(seen)
    return next((p for p in visible_pages(definition, answers, channel) if p.id not in done), None)


def prune(definition: SurveyDefinition, answers: dict[str, Any], channel: str = "online") -> dict[str, Any]:
    """Drop answers to questions the routing now skips (they must not be stored or reported)."""
    keep: set[str] = set()
    for page in visible_pages(definition, answers, channel):
        for question in visible_questions(page, answers, channel):
            keep.add(question.id)
    return {key: value for key, value in answers.items() if key.split(".", 1)[0] in keep}


@dataclass
class PageResult:
    """What a page's form said: clean answers, errors by field id, and values to show again."""

    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def clean_text(value: str, *, multiline: bool = True) -> tuple[str, bool]:
    """The answer without what its field refuses (the rule is surveys.text: a long answer may
    have line breaks, a short one may not; neither may hide control characters), and
    whether anything was taken out. Nothing else typed is lost: the resident sees the
    cleaned answer and sends it again."""
    value = text_rule.normalise(value, multiline=multiline)
    cleaned = text_rule.remove(value, multiline=multiline)
    return cleaned, cleaned != value


def _removed_message(whose: str, multiline: bool) -> str:
    what = "hidden control characters" if multiline else "line breaks or hidden control characters"
    return f"{whose} contained {what}. We removed them: check it and continue"


def _first(form: FormData, key: str) -> str:
    values = form.getlist(key)
    return values[0] if values else ""


def _label(question: Question) -> str:
    return question.text.rstrip("?").rstrip()


def read_page(
    page: Page, questions: list[Question], form: FormData, definition: SurveyDefinition
) -> PageResult:
    """Validate one page's posted answers. Messages follow the GOV.UK error message patterns."""
    result = PageResult()
    for question in questions:
        _read_question(question, form, definition, result)
    return result


def _read_question(q: Question, form: FormData, definition: SurveyDefinition, result: PageResult) -> None:
    reader = {
        "single_choice": _read_single,
        "likert": _read_single,
        "locality": _read_single,
        "branch": _read_single,
        "multiple_choice": _read_multiple,
        "grid": _read_grid,
        "ranking": _read_ranking,
        "short_text": _read_text,
        "long_text": _read_text,
        "number": _read_number,
        "date": _read_date,
    }[q.type]
    reader(q, form, definition, result)


def choices(q: Question, definition: SurveyDefinition) -> dict[str, str]:
    """The answers a choice question accepts, value → label, in order."""
    if q.type == "likert":
        return dict(LIKERT_SCALE)
    if q.type == "locality":
        return {loc.code: loc.name for loc in definition.localities}
    if q.type == "branch":
        return {b.code: b.name for b in definition.branches()}
    return q.option_labels()


def _read_other(q: Question, form: FormData, result: PageResult) -> None:
    text, had_control = clean_text(_first(form, f"{q.id}.other").strip(), multiline=False)
    result.raw[f"{q.id}.other"] = text
    if not text:
        result.errors[f"{q.id}.other"] = f"Enter your other answer to '{_label(q)}'"
    elif len(text) > q.other_max_length:
        result.errors[f"{q.id}.other"] = f"Your other answer must be {q.other_max_length} characters or fewer"
    elif had_control:
        result.errors[f"{q.id}.other"] = _removed_message("Your other answer", multiline=False)
    else:
        result.answers[f"{q.id}.other"] = text


def _read_single(q: Question, form: FormData, definition: SurveyDefinition, result: PageResult) -> None:
    value = _first(form, q.id)
    result.raw[q.id] = value
    allowed = choices(q, definition)
    if not value:
        if q.required:
            noun = {"locality": "the area", "branch": "the library"}.get(q.type, "an answer")
            result.errors[q.id] = f"Select {noun} for '{_label(q)}'"
        return
    if value not in allowed:
        result.errors[q.id] = f"Select one of the answers listed for '{_label(q)}'"
        return
    result.answers[q.id] = value
    if value == "other" and q.other_label:
        _read_other(q, form, result)


def _read_multiple(q: Question, form: FormData, definition: SurveyDefinition, result: PageResult) -> None:
    values = [v for v in form.getlist(q.id) if v]
    result.raw[q.id] = values
    allowed = choices(q, definition)
    if not values:
        if q.required:
            result.errors[q.id] = f"Select all that apply for '{_label(q)}', or select the option for none"
        return
    if any(v not in allowed for v in values):
        result.errors[q.id] = f"Select from the answers listed for '{_label(q)}'"
        return
    exclusive = {o.value for o in q.options if o.exclusive}
    if exclusive & set(values) and len(values) > 1:
        label = next(o.label for o in q.options if o.value in exclusive)
        result.errors[q.id] = f"Select '{label}' on its own, or untick it and select the answers that apply"
        return
    ordered = [o for o in allowed if o in set(values)]
    result.answers[q.id] = ordered
    if "other" in values and q.other_label:
        _read_other(q, form, result)


def _read_grid(q: Question, form: FormData, definition: SurveyDefinition, result: PageResult) -> None:
    scale = dict(LIKERT_SCALE)
    answers: dict[str, str] = {}
    raw: dict[str, str] = {}
    missing = []
    for statement in q.statements:
        value = _first(form, f"{q.id}.{statement.id}")
        raw[statement.id] = value
        if not value:
            missing.append(statement)
        elif value not in scale:
            result.errors[f"{q.id}.{statement.id}"] = (
                f"Select one of the answers listed for '{statement.text}'"
            )
        else:
            answers[statement.id] = value
    result.raw[q.id] = raw
    if q.required:
        for statement in missing:
            result.errors[f"{q.id}.{statement.id}"] = f"Select how much you agree with '{statement.text}'"
    if answers:
        result.answers[q.id] = answers


def _read_ranking(q: Question, form: FormData, definition: SurveyDefinition, result: PageResult) -> None:
    """Ranking without JavaScript: one select per position, 1 to top_n."""
    allowed = choices(q, definition)
    picked: list[str] = []
    raw: list[str] = []
    for position in range(1, q.top_n + 1):
        value = _first(form, f"{q.id}.{position}")
        raw.append(value)
        key = f"{q.id}.{position}"
        if not value:
            if q.required:
                result.errors[key] = f"Choose what you would put at number {position}"
            continue
        if value not in allowed:
            result.errors[key] = f"Choose one of the options listed for number {position}"
        elif value in picked:
            result.errors[key] = (
                f"You have already chosen '{allowed[value]}'. "
                f"Choose something different for number {position}"
            )
        else:
            picked.append(value)
    result.raw[q.id] = raw
    if picked and not any(k.startswith(f"{q.id}.") for k in result.errors):
        result.answers[q.id] = picked


def _read_text(q: Question, form: FormData, definition: SurveyDefinition, result: PageResult) -> None:
    multiline = q.type == "long_text"
    text, had_control = clean_text(_first(form, q.id), multiline=multiline)
    stripped = text.strip()
    result.raw[q.id] = text
    if not stripped:
        if q.required:
            result.errors[q.id] = f"Enter your answer to '{_label(q)}'"
        return
    if len(stripped) > q.max_length:
        result.errors[q.id] = (
            f"Your answer must be {q.max_length:,} characters or fewer. "
            f"It is {len(stripped):,} characters now"
        )
        return
    if had_control:
        result.errors[q.id] = _removed_message("Your answer", multiline)
        return
    result.answers[q.id] = stripped


def _read_number(q: Question, form: FormData, definition: SurveyDefinition, result: PageResult) -> None:
    text = _first(form, q.id).strip().replace(",", "")
    result.raw[q.id] = _first(form, q.id)
    if not text:
        if q.required:
            result.errors[q.id] = f"Enter a number for '{_label(q)}'"
        return
    try:
        number: float | int = int(text) if q.integer else float(text)
    except ValueError:
        result.errors[q.id] = f"'{_label(q)}' must be a {'whole ' if q.integer else ''}number, like 3"
        return
    if number != number or number in (float("inf"), float("-inf")):
        result.errors[q.id] = f"'{_label(q)}' must be a number, like 3"
        return
    if q.min is not None and number < q.min:
        result.errors[q.id] = f"'{_label(q)}' must be {q.min:g} or more"
    elif q.max is not None and number > q.max:
        result.errors[q.id] = f"'{_label(q)}' must be {q.max:g} or less"
    else:
        result.answers[q.id] = number


def _read_date(q: Question, form: FormData, definition: SurveyDefinition, result: PageResult) -> None:
    parts = {name: _first(form, f"{q.id}-{name}").strip() for name in ("day", "month", "year")}
    result.raw[q.id] = parts
    if not any(parts.values()):
        if q.required:
            result.errors[q.id] = f"Enter the date for '{_label(q)}'"
        return
    value = parse_date_parts(parts["day"], parts["month"], parts["year"])
    if isinstance(value, str):
        result.errors[q.id] = value
    elif q.earliest and value < q.earliest:
        result.errors[q.id] = f"The date must be on or after {q.earliest.strftime('%-d %B %Y')}"
    elif q.latest and value > q.latest:
        result.errors[q.id] = f"The date must be on or before {q.latest.strftime('%-d %B %Y')}"
    else:
        result.answers[q.id] = value.isoformat()


def parse_date_parts(
    day: str, month: str, year: str, noun: str = "The date", example: str = "27 3 2026"
) -> date | str:
    """The date typed into a GOV.UK date input's three boxes, or a message saying what is wrong.

    Any box may be empty or missing from the form (a half-posted date), or hostile: int()
    accepts a 20-digit year (and date() then overflows), signs, underscores and spaces
    inside the digits, so only decimal digits are read, the year exactly 4 of them and the
    day and month at most 2. Digits of other scripts (Arabic-Indic, full-width) count, as
    they do in number questions; superscripts do not. What an entirely empty date means is
    for the caller to decide.
    """
    parts = {"day": day.strip(), "month": month.strip(), "year": year.strip()}
    missing = [name for name, value in parts.items() if not value]
    if missing:
        return f"{noun} must include a {' and '.join(missing)}"
    real = f"{noun} must be a real date, like {example}"
    if not all(value.isdecimal() for value in parts.values()):
        return real
    if len(parts["year"]) != 4:
        return "The year must include 4 numbers, like 2026"
    if len(parts["day"]) > 2 or len(parts["month"]) > 2:
        return real
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        return real


def answer_text(question: Question, answers: dict[str, Any], definition: SurveyDefinition) -> str:
    """A person-readable version of an answer, for check-your-answers and exports."""
    value: Any = answers.get(question.id)
    if not _answered(value):
        return ""
    allowed = choices(question, definition)
    other = answers.get(f"{question.id}.other")
    if question.type == "grid":
        return "; ".join(
            f"{s.text}: {allowed.get(value.get(s.id, ''), '')}" for s in question.statements if s.id in value
        )
    if question.type == "ranking":
        return "; ".join(f"{n}. {allowed.get(v, v)}" for n, v in enumerate(value, start=1))
    if isinstance(value, list):
        return "; ".join(str(other) if v == "other" and other else (allowed.get(v) or str(v)) for v in value)
    if question.type in {"single_choice", "likert", "locality", "branch"}:
        if value == "other" and other:
            return f"{allowed.get('other', 'Other')}: {other}"
        return allowed.get(value, str(value))
    if question.type == "date":
        return date.fromisoformat(value).strftime("%-d %B %Y")
    if question.type == "number":
        return f"{value:g}{(' ' + question.suffix) if question.suffix else ''}"
    return str(value)
