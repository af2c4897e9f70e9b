"""The question-type table: each type of survey question owns how its answer is read
from a form (parsed and checked, with GOV.UK error messages), shown back as words, drawn
on the page (the macro named by ``renderer`` in templates/residents/questions.html),
counted in reports, and offered in the builder. A new question type is one row here.

Answers are stored as JSON values keyed by question id:

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
scale              option value (the officer's points, in order)
email              the address, normalised (``validate_email``)
phone              the number as typed, spaces tidied
postcode           ``"NG1 5AB"``: upper case with its one space
=================  ==========================================================
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from email_validator import EmailNotValidError, validate_email

from surveys import text as text_rule
from surveys.definition import CHOICE_TYPES, LIKERT_SCALE, QUESTION_TYPES, Question, SurveyDefinition
from surveys.i18n import N_, _, pgettext

__all__ = ["TYPES", "FormData", "PageResult", "QuestionType", "answer_text", "choices", "clean_text"]
__all__ += ["answered", "normal_postcode", "parse_date_parts"]


class FormData(Protocol):
    def getlist(self, key: str) -> list[str]: ...


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


def _removed_message(other: bool, multiline: bool) -> str:
    if other:
        return _(
            "Your other answer contained line breaks or hidden control characters. "
            "We removed them: check it and continue"
        )
    if multiline:
        return _("Your answer contained hidden control characters. We removed them: check it and continue")
    return _(
        "Your answer contained line breaks or hidden control characters. "
        "We removed them: check it and continue"
    )


MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)


def long_date(value: date) -> str:
    """ "3 March 2026", in the page's language ("3 Mawrth 2026")."""
    return f"{value.day} {_(MONTHS[value.month - 1])} {value.year}"


def _first(form: FormData, key: str) -> str:
    values = form.getlist(key)
    return values[0] if values else ""


def _label(question: Question) -> str:
    return question.text.rstrip("?").rstrip()


def choices(q: Question, definition: SurveyDefinition) -> dict[str, str]:
    """The answers a choice question accepts, value → label, in order (its type's row says
    where they come from: the question's options, the scale, the areas or the libraries)."""
    return TYPES[q.type].answers(q, definition)


def _options(q: Question, _definition: SurveyDefinition) -> dict[str, str]:
    return q.option_labels()


# The agree-disagree scale's labels (surveys.definition.LIKERT_SCALE), for the catalogue:
# shown in the page's language wherever the scale is drawn or described.
SCALE_LABELS = (
    N_("Strongly agree"),
    N_("Agree"),
    N_("Neither agree nor disagree"),
    N_("Disagree"),
    N_("Strongly disagree"),
)
assert tuple(label for _value, label in LIKERT_SCALE) == SCALE_LABELS


def _scale(_q: Question, _definition: SurveyDefinition) -> dict[str, str]:
    return {value: _(label) for value, label in LIKERT_SCALE}


def _areas(_q: Question, definition: SurveyDefinition) -> dict[str, str]:
    return {loc.code: loc.name for loc in definition.localities}


def _libraries(_q: Question, definition: SurveyDefinition) -> dict[str, str]:
    return {b.code: b.name for b in definition.branches()}


def _read_other(q: Question, form: FormData, result: PageResult) -> None:
    text, had_control = clean_text(_first(form, f"{q.id}.other").strip(), multiline=False)
    result.raw[f"{q.id}.other"] = text
    if not text:
        result.errors[f"{q.id}.other"] = _("Enter your other answer to '%(label)s'", label=_label(q))
    elif len(text) > q.other_max_length:
        result.errors[f"{q.id}.other"] = _(
            "Your other answer must be %(max)s characters or fewer", max=format(q.other_max_length, ",")
        )
    elif had_control:
        result.errors[f"{q.id}.other"] = _removed_message(other=True, multiline=False)
    else:
        result.answers[f"{q.id}.other"] = text


def _read_single(q: Question, form: FormData, definition: SurveyDefinition, result: PageResult) -> None:
    value = _first(form, q.id)
    result.raw[q.id] = value
    allowed = choices(q, definition)
    if not value:
        if q.required:
            result.errors[q.id] = q.error or _(TYPES[q.type].empty, label=_label(q))
        return
    if value not in allowed:
        result.errors[q.id] = _("Select one of the answers listed for '%(label)s'", label=_label(q))
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
            result.errors[q.id] = q.error or _(
                "Select all that apply for '%(label)s', or select the option for none", label=_label(q)
            )
        return
    if any(v not in allowed for v in values):
        result.errors[q.id] = _("Select from the answers listed for '%(label)s'", label=_label(q))
        return
    exclusive = {o.value for o in q.options if o.exclusive}
    if exclusive & set(values) and len(values) > 1:
        label = next(o.label for o in q.options if o.value in exclusive)
        result.errors[q.id] = _(
            "Select '%(label)s' on its own, or untick it and select the answers that apply", label=label
        )
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
            result.errors[f"{q.id}.{statement.id}"] = _(
                "Select one of the answers listed for '%(label)s'", label=statement.text
            )
        else:
            answers[statement.id] = value
    result.raw[q.id] = raw
    if q.required:
        for statement in missing:
            result.errors[f"{q.id}.{statement.id}"] = _(
                "Select how much you agree with '%(label)s'", label=statement.text
            )
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
                result.errors[key] = _("Choose what you would put at number %(position)s", position=position)
            continue
        if value not in allowed:
            result.errors[key] = _(
                "Choose one of the options listed for number %(position)s", position=position
            )
        elif value in picked:
            result.errors[key] = _(
                "You have already chosen '%(label)s'. Choose something different for number %(position)s",
                label=allowed[value],
                position=position,
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
            result.errors[q.id] = q.error or _("Enter your answer to '%(label)s'", label=_label(q))
        return
    if len(stripped) > q.max_length:
        result.errors[q.id] = _(
            "Your answer must be %(max)s characters or fewer. It is %(length)s characters now",
            max=format(q.max_length, ","),
            length=format(len(stripped), ","),
        )
        return
    if had_control:
        result.errors[q.id] = _removed_message(other=False, multiline=multiline)
        return
    result.answers[q.id] = stripped


def _read_number(q: Question, form: FormData, definition: SurveyDefinition, result: PageResult) -> None:
    text = _first(form, q.id).strip().replace(",", "")
    result.raw[q.id] = _first(form, q.id)
    if not text:
        if q.required:
            result.errors[q.id] = q.error or _("Enter a number for '%(label)s'", label=_label(q))
        return
    try:
        number: float | int = int(text) if q.integer else float(text)
    except ValueError:
        result.errors[q.id] = (
            _("'%(label)s' must be a whole number, like 3", label=_label(q))
            if q.integer
            else _("'%(label)s' must be a number, like 3", label=_label(q))
        )
        return
    if number != number or number in (float("inf"), float("-inf")):
        result.errors[q.id] = _("'%(label)s' must be a number, like 3", label=_label(q))
        return
    if q.min is not None and number < q.min:
        result.errors[q.id] = _(
            "'%(label)s' must be %(min)s or more", label=_label(q), min=format(q.min, "g")
        )
    elif q.max is not None and number > q.max:
        result.errors[q.id] = _(
            "'%(label)s' must be %(max)s or less", label=_label(q), max=format(q.max, "g")
        )
    else:
        result.answers[q.id] = number


def _read_date(q: Question, form: FormData, definition: SurveyDefinition, result: PageResult) -> None:
    parts = {name: _first(form, f"{q.id}-{name}").strip() for name in ("day", "month", "year")}
    result.raw[q.id] = parts
    if not any(parts.values()):
        if q.required:
            result.errors[q.id] = q.error or _("Enter the date for '%(label)s'", label=_label(q))
        return
    value = parse_date_parts(parts["day"], parts["month"], parts["year"])
    if isinstance(value, str):
        result.errors[q.id] = value
    elif q.earliest and value < q.earliest:
        result.errors[q.id] = _("The date must be on or after %(date)s", date=long_date(q.earliest))
    elif q.latest and value > q.latest:
        result.errors[q.id] = _("The date must be on or before %(date)s", date=long_date(q.latest))
    else:
        result.answers[q.id] = value.isoformat()


POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()-]+$")


def normal_postcode(text: str) -> str | None:
    """A UK postcode written the standard way ("NG1 5AB"), or ``None`` when it is not one."""
    squashed = "".join(text.split()).upper()
    found = POSTCODE.match(squashed)
    return f"{found.group(1)} {found.group(2)}" if found else None


def _read_contact(q: Question, form: FormData, definition: SurveyDefinition, result: PageResult) -> None:
    """An email address, a telephone number or a UK postcode, checked and tidied; messages
    follow the GOV.UK Design System's patterns for each."""
    typed, had_control = clean_text(_first(form, q.id), multiline=False)
    result.raw[q.id] = typed
    text = " ".join(typed.split())
    if not text:
        if q.required:
            result.errors[q.id] = q.error or _(CONTACT_EMPTY[q.type])
        return
    if had_control or len(text) > 254:
        result.errors[q.id] = _(CONTACT_FORMAT[q.type])
        return
    value: str | None
    if q.type == "email":
        try:
            value = validate_email(text, check_deliverability=False).normalized
        except EmailNotValidError:
            value = None
    elif q.type == "phone":
        digits = re.sub(r"[^0-9]", "", text)
        value = text if PHONE_CHARACTERS.match(text) and 10 <= len(digits) <= 15 else None
    else:
        value = normal_postcode(text)
    if value is None:
        result.errors[q.id] = _(CONTACT_FORMAT[q.type])
    else:
        result.answers[q.id] = value


CONTACT_EMPTY = {
    "email": N_("Enter an email address"),
    "phone": N_("Enter a telephone number"),
    "postcode": N_("Enter a postcode"),
}
CONTACT_FORMAT = {
    "email": N_("Enter an email address in the correct format, like name@example.com"),
    "phone": N_("Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"),
    "postcode": N_("Enter a full UK postcode, like AA3 1AB"),
}


DATE_MISSING: dict[tuple[str, ...], str] = {
    ("day",): N_("The date must include a day"),
    ("month",): N_("The date must include a month"),
    ("year",): N_("The date must include a year"),
    ("day", "month"): N_("The date must include a day and month"),
    ("day", "year"): N_("The date must include a day and year"),
    ("month", "year"): N_("The date must include a month and year"),
    ("day", "month", "year"): N_("The date must include a day and month and year"),
}
NOUN_MISSING: dict[tuple[str, ...], str] = {
    ("day",): N_("%(noun)s must include a day"),
    ("month",): N_("%(noun)s must include a month"),
    ("year",): N_("%(noun)s must include a year"),
    ("day", "month"): N_("%(noun)s must include a day and month"),
    ("day", "year"): N_("%(noun)s must include a day and year"),
    ("month", "year"): N_("%(noun)s must include a month and year"),
    ("day", "month", "year"): N_("%(noun)s must include a day and month and year"),
}


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
    missing = tuple(name for name, value in parts.items() if not value)
    # Whole sentences, so that each language can word them its own way ("Rhaid i'r dyddiad
    # gynnwys diwrnod"): the survey's own noun, "The date", has its own; others a placeholder.
    own = noun == "The date"
    if missing:
        wording = (DATE_MISSING if own else NOUN_MISSING).get(missing, NOUN_MISSING[("day", "month", "year")])
        return _(wording, noun=noun) if not own else _(wording)
    if own:
        real = _("The date must be a real date, like %(example)s", example=example)
    else:
        real = _("%(noun)s must be a real date, like %(example)s", noun=noun, example=example)
    if not all(value.isdecimal() for value in parts.values()):
        return real
    if len(parts["year"]) != 4:
        return _("The year must include 4 numbers, like 2026")
    if len(parts["day"]) > 2 or len(parts["month"]) > 2:
        return real
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        return real


# --- each type's answer as words (check your answers, exports, staff pages) ----------


def answered(value: Any) -> bool:
    return value not in (None, "", [], {})


def _describe_one(question: Question, value: Any, answers: Mapping[str, Any], allowed: dict[str, str]) -> str:
    other = answers.get(f"{question.id}.other")
    if value == "other" and other:
        return f"{allowed.get('other', _('Other'))}: {other}"
    return allowed.get(value, str(value))


def _separator() -> str:
    """Between the answers of one question ("Books; Wifi"): Urdu and Arabic write "؛"."""
    return pgettext("between answers", "; ")


def _describe_several(
    question: Question, value: Any, answers: Mapping[str, Any], allowed: dict[str, str]
) -> str:
    other = answers.get(f"{question.id}.other")
    return _separator().join(
        str(other) if v == "other" and other else (allowed.get(v) or str(v)) for v in value
    )


def _describe_grid(
    question: Question, value: Any, answers: Mapping[str, Any], allowed: dict[str, str]
) -> str:
    return _separator().join(
        f"{s.text}: {allowed.get(value.get(s.id, ''), '')}" for s in question.statements if s.id in value
    )


def _describe_ranking(
    question: Question, value: Any, answers: Mapping[str, Any], allowed: dict[str, str]
) -> str:
    return _separator().join(f"{n}. {allowed.get(v, v)}" for n, v in enumerate(value, start=1))


def _describe_text(
    question: Question, value: Any, answers: Mapping[str, Any], allowed: dict[str, str]
) -> str:
    return str(value)


def _describe_number(
    question: Question, value: Any, answers: Mapping[str, Any], allowed: dict[str, str]
) -> str:
    return f"{value:g}{(' ' + question.suffix) if question.suffix else ''}"


def _describe_date(
    question: Question, value: Any, answers: Mapping[str, Any], allowed: dict[str, str]
) -> str:
    return long_date(date.fromisoformat(value))


# --- the table -------------------------------------------------------------------------

Reader = Callable[[Question, FormData, SurveyDefinition, PageResult], None]
Describer = Callable[[Question, Any, Mapping[str, Any], dict[str, str]], str]


@dataclass(frozen=True)
class QuestionType:
    """Everything the service does differently for one type of question."""

    name: str
    #: What the builder calls it, and the hint under that choice.
    label: str
    hint: str
    read: Reader
    describe: Describer
    #: The macro in templates/residents/questions.html that draws it.
    renderer: str
    #: Officers list the answers (options) in the builder.
    has_options: bool = False
    #: May offer "Other, please specify".
    has_other: bool = False
    #: Answers come from a fixed list (options, the scale, localities or branches), so
    #: routing picks from that list.
    listed: bool = False
    #: The survey report counts the answers (listed ones, and a grid's per statement).
    counted: bool = False
    #: A condition can test the answer (a grid's is one value per statement: it cannot).
    routable: bool = True
    #: Residents type the answer.
    typed: bool = False
    #: Where a listed question's answers come from: value → label, in order.
    answers: Callable[[Question, SurveyDefinition], dict[str, str]] = _options
    #: What a resident is told when a required one-answer question is left empty.
    empty: str = N_("Select an answer for '%(label)s'")


TYPES: dict[str, QuestionType] = {
    t.name: t
    for t in (
        QuestionType(
            "single_choice",
            "One answer from a list",
            "Radio buttons: people choose one.",
            _read_single,
            _describe_one,
            "one_choice",
            has_options=True,
            has_other=True,
            listed=True,
            counted=True,
        ),
        QuestionType(
            "multiple_choice",
            "Several answers from a list",
            "Checkboxes: people choose all that apply.",
            _read_multiple,
            _describe_several,
            "several_choices",
            has_options=True,
            has_other=True,
            listed=True,
            counted=True,
        ),
        QuestionType(
            "likert",
            "Agree or disagree (5-point scale)",
            "From 'Strongly agree' to 'Strongly disagree'.",
            _read_single,
            _describe_one,
            "one_choice",
            listed=True,
            counted=True,
            answers=_scale,
        ),
        QuestionType(
            "grid",
            "A grid of statements to agree or disagree with",
            "Several statements, each rated from 'Strongly agree' to 'Strongly disagree'.",
            _read_grid,
            _describe_grid,
            "grid",
            routable=False,
            answers=_scale,
        ),
        QuestionType(
            "ranking",
            "Put options in order",
            "People choose their top few, most important first.",
            _read_ranking,
            _describe_ranking,
            "ranking",
            has_options=True,
            listed=True,
            counted=True,
        ),
        QuestionType(
            "short_text",
            "Short text",
            "One line, such as a name or a few words.",
            _read_text,
            _describe_text,
            "short_text",
            typed=True,
        ),
        QuestionType(
            "long_text",
            "Long text",
            "A box for a longer answer.",
            _read_text,
            _describe_text,
            "long_text",
            typed=True,
        ),
        QuestionType(
            "number",
            "A number",
            "A whole number or a decimal.",
            _read_number,
            _describe_number,
            "number",
            typed=True,
        ),
        QuestionType(
            "date",
            "A date",
            "Day, month and year.",
            _read_date,
            _describe_date,
            "date",
            typed=True,
        ),
        QuestionType(
            "locality",
            "Area (locality)",
            "People choose from the survey's areas.",
            _read_single,
            _describe_one,
            "one_choice",
            listed=True,
            counted=True,
            answers=_areas,
            empty=N_("Select the area for '%(label)s'"),
        ),
        QuestionType(
            "branch",
            "Library (branch)",
            "People choose from the survey's libraries.",
            _read_single,
            _describe_one,
            "one_choice",
            listed=True,
            counted=True,
            answers=_libraries,
            empty=N_("Select the library for '%(label)s'"),
        ),
        QuestionType(
            "scale",
            "A scale with your own labels",
            "Points in order, such as 'Very satisfied' to 'Very dissatisfied' or 0 to 10.",
            _read_single,
            _describe_one,
            "scale",
            has_options=True,
            listed=True,
            counted=True,
        ),
        QuestionType(
            "email",
            "Email address",
            "Checked as an email address. Personal data: say why you ask.",
            _read_contact,
            _describe_text,
            "contact",
            typed=True,
        ),
        QuestionType(
            "phone",
            "Telephone number",
            "UK or international. Personal data: say why you ask.",
            _read_contact,
            _describe_text,
            "contact",
            typed=True,
        ),
        QuestionType(
            "postcode",
            "UK postcode",
            "Checked as a UK postcode; it can set the response's area from the council's postcode table.",
            _read_contact,
            _describe_text,
            "contact",
            typed=True,
        ),
    )
}
assert tuple(TYPES) == QUESTION_TYPES, "every type the definition schema accepts has one row"
assert {name for name, kind in TYPES.items() if kind.has_options} == CHOICE_TYPES


def answer_text(question: Question, answers: Mapping[str, Any], definition: SurveyDefinition) -> str:
    """A person-readable version of an answer, for check-your-answers and exports."""
    value: Any = answers.get(question.id)
    if not answered(value):
        return ""
    return TYPES[question.type].describe(question, value, answers, choices(question, definition))
