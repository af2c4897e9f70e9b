"""Pure edits to a typed survey definition, for the officer survey builder.

Every function here reads a :class:`surveys.definition.SurveyDefinition` and returns a
new one (they are frozen dataclasses, changed with ``dataclasses.replace``). None of
them checks the whole definition: :func:`engage.builder.services.save_draft` validates
the result's JSON (``to_data()``) and refuses it, in the officer's words, before
anything is saved.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any, TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext

from surveys.definition import (
    AREA_TYPES,
    DEFAULT_MAX_LENGTH,
    DEFAULT_RESUME_DAYS,
    LIKERT_SCALE,
    OTHER_MAX_LENGTH,
    TEXT_TYPES,
    Branch,
    Condition,
    Locality,
    Option,
    Page,
    Problem,
    Question,
    Statement,
    SurveyDefinition,
)
from surveys.equality import EQUALITY_QUESTION_IDS
from surveys.question_types import TYPES
from surveys.refusal import RefusedError

# What the builder offers for each type comes from the question-type table.
# Their names and hints (surveys.question_types) are marked for translation here; one
# missing here (a new type, or changed English) is shown in English.
_TYPE_WORDS: dict[str, str] = {
    "One answer from a list": _l("One answer from a list"),
    "Radio buttons: people choose one.": _l("Radio buttons: people choose one."),
    "Several answers from a list": _l("Several answers from a list"),
    "Checkboxes: people choose all that apply.": _l("Checkboxes: people choose all that apply."),
    "Agree or disagree (5-point scale)": _l("Agree or disagree (5-point scale)"),
    "From 'Strongly agree' to 'Strongly disagree'.": _l("From 'Strongly agree' to 'Strongly disagree'."),
    "A grid of statements to agree or disagree with": _l("A grid of statements to agree or disagree with"),
    "Several statements, each rated from 'Strongly agree' to 'Strongly disagree'.": _l(
        "Several statements, each rated from 'Strongly agree' to 'Strongly disagree'."
    ),
    "Put options in order": _l("Put options in order"),
    "People choose their top few, most important first.": _l(
        "People choose their top few, most important first."
    ),
    "Short text": _l("Short text"),
    "One line, such as a name or a few words.": _l("One line, such as a name or a few words."),
    "Long text": _l("Long text"),
    "A box for a longer answer.": _l("A box for a longer answer."),
    "A number": _l("A number"),
    "A whole number or a decimal.": _l("A whole number or a decimal."),
    "A date": _l("A date"),
    "Day, month and year.": _l("Day, month and year."),
    "Area (locality)": _l("Area (locality)"),
    "People choose from the survey's areas.": _l("People choose from the survey's areas."),
    "Library (branch)": _l("Library (branch)"),
    "People choose from the survey's libraries.": _l("People choose from the survey's libraries."),
    "A scale with your own labels": _l("A scale with your own labels"),
    "Points in order, such as 'Very satisfied' to 'Very dissatisfied' or 0 to 10.": _l(
        "Points in order, such as 'Very satisfied' to 'Very dissatisfied' or 0 to 10."
    ),
    "Email address": _l("Email address"),
    "Checked as an email address. Personal data: say why you ask.": _l(
        "Checked as an email address. Personal data: say why you ask."
    ),
    "Telephone number": _l("Telephone number"),
    "UK or international. Personal data: say why you ask.": _l(
        "UK or international. Personal data: say why you ask."
    ),
    "UK postcode": _l("UK postcode"),
    "Checked as a UK postcode; it can set the response's area from the council's postcode table.": _l(
        "Checked as a UK postcode; it can set the response's area from the council's postcode table."
    ),
}
TYPE_LABELS: dict[str, str] = {name: _TYPE_WORDS.get(kind.label, kind.label) for name, kind in TYPES.items()}
TYPE_HINTS: dict[str, str] = {name: _TYPE_WORDS.get(kind.hint, kind.hint) for name, kind in TYPES.items()}
CHOICE_TYPES = {name for name, kind in TYPES.items() if kind.has_options}
OTHER_TYPES = {name for name, kind in TYPES.items() if kind.has_other}
LISTED_ANSWER_TYPES = {name for name, kind in TYPES.items() if kind.listed}
ROUTABLE_TYPES = {name for name, kind in TYPES.items() if kind.routable}
RESERVED_QUESTION_IDS = {*EQUALITY_QUESTION_IDS, "equality"}
RESERVED_PAGE_IDS = {*RESERVED_QUESTION_IDS, "check", "start"}
RESERVED_SLUGS = {"new"}

DEFAULT_PAGE_TITLE = "Your views"
DEFAULT_QUESTION_TEXT = "What would you like to tell us?"


class EditError(RefusedError):
    """An edit that cannot be made; the message is for the officer."""


# --- Names and ids -------------------------------------------------------------------


def slugify(text: str, separator: str = "-", max_length: int = 60) -> str:
    """Lower-case ASCII words joined by ``separator``, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = ascii_text.replace("&", " and ").replace("'", "").replace("’", "")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}{separator}{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    if not slug and words:
        slug = words[0][:max_length]
    return slug


def unique(base: str, taken: Iterable[str], separator: str = "-", max_length: int = 60) -> str:
    """``base``, or ``base`` with the lowest number that makes it unused."""
    used = set(taken)
    if base not in used:
        return base
    number = 2
    while True:
        suffix = f"{separator}{number}"
        candidate = base[: max_length - len(suffix)].rstrip(separator) + suffix
        if candidate not in used:
            return candidate
        number += 1


def make_id(text: str, taken: Iterable[str], fallback: str = "q", max_length: int = 40) -> str:
    """An id matching ``^[a-z][a-z0-9_]*$`` made from ``text``, unique among ``taken``."""
    base = slugify(text, "_", max_length - 3) or fallback
    if not base[0].isalpha():
        base = f"{fallback}_{base}"[:max_length].rstrip("_")
    return unique(base, taken, "_", max_length)


def question_ids(definition: SurveyDefinition) -> list[str]:
    return [q.id for q in definition.questions()]


def page_ids(definition: SurveyDefinition) -> list[str]:
    return [p.id for p in definition.pages]


# --- A new survey ---------------------------------------------------------------------


def placeholder_question(question_id: str) -> Question:
    """The optional long text question a new page starts with, until a real one replaces it."""
    return Question(
        id=question_id,
        type="long_text",
        text=DEFAULT_QUESTION_TEXT,
        required=False,
        max_length=DEFAULT_MAX_LENGTH["long_text"],
    )


def new_definition(slug: str, title: str, purpose: str) -> SurveyDefinition:
    """The smallest valid draft: one page with one long text question."""
    question = replace(placeholder_question("what_would_you_like_to_tell_us"), required=True)
    return SurveyDefinition(
        slug=slug,
        title=title,
        purpose=purpose,
        pages=(Page(id="your_views", title=DEFAULT_PAGE_TITLE, questions=(question,)),),
    )


def duplicate(definition: SurveyDefinition, slug: str, title: str) -> SurveyDefinition:
    """A copy for a new survey. Opening and closing dates belong to the original."""
    return replace(definition, slug=slug, title=title, opens_at=None, closes_at=None)


@dataclass(frozen=True)
class Details:
    """The survey-level fields the details page changes."""

    title: str
    purpose: str
    what_happens: str = ""
    privacy: str = ""
    duration_minutes: int | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    resume_days: int = DEFAULT_RESUME_DAYS
    equality_section: bool = False
    offers_follow_up: bool = True
    audience: str = ""
    topics: tuple[str, ...] = ()

    @classmethod
    def of(cls, definition: SurveyDefinition) -> Details:
        return cls(**{f.name: getattr(definition, f.name) for f in fields(cls)})


def update_details(definition: SurveyDefinition, details: Details) -> SurveyDefinition:
    """The definition with new survey-level fields. A title and a purpose are required."""
    if not details.title:
        raise EditError(_("The survey's title cannot be empty"))
    if not details.purpose:
        raise EditError(_("The survey's purpose cannot be empty"))
    return replace(definition, **{f.name: getattr(details, f.name) for f in fields(Details)})


MAX_TOPICS = 6
MAX_TOPIC_LENGTH = 40


def topics_from_text(text: str) -> tuple[str, ...]:
    """Topics typed as "Opening hours, Children and families": tidied, each once.

    Raises :class:`EditError` when there are too many or one is too long.
    """
    topics: list[str] = []
    for raw in text.split(","):
        topic = " ".join(raw.split())
        if not topic or topic.casefold() in {t.casefold() for t in topics}:
            continue
        if len(topic) > MAX_TOPIC_LENGTH:
            raise EditError(
                _(
                    "Each topic must be %(max)s characters or fewer ('%(start)s…' is longer)",
                    max=MAX_TOPIC_LENGTH,
                    start=topic[:20],
                )
            )
        topics.append(topic)
    if len(topics) > MAX_TOPICS:
        raise EditError(_("Enter %(max)s topics or fewer", max=MAX_TOPICS))
    return tuple(topics)


# --- Localities -----------------------------------------------------------------------


def localities_to_text(definition: SurveyDefinition) -> str:
    lines = []
    for loc in definition.localities:
        branches = ", ".join(b.name for b in loc.branches)
        lines.append(f"{loc.name}: {branches}" if branches else loc.name)
    return "\n".join(lines)


def localities_from_text(text: str, existing: Iterable[Locality] = ()) -> tuple[Locality, ...]:
    """Read "Locality: Branch, Branch" lines. Codes come from names; unchanged names keep theirs.

    Raises :class:`EditError` naming the line at fault.
    """
    known = list(existing)
    old_localities = {loc.name.casefold(): loc.code for loc in known}
    old_branches = {b.name.casefold(): b.code for loc in known for b in loc.branches}
    localities: list[Locality] = []
    locality_codes: set[str] = set()
    branch_codes: set[str] = set()
    locality_names: set[str] = set()
    branch_names: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        name, _colon, rest = line.partition(":")
        name = " ".join(name.split())
        if not name:
            raise EditError(_("Line %(number)s: enter the area's name before the colon", number=number))
        if len(name) > 100:
            raise EditError(
                _("Line %(number)s: the area's name must be 100 characters or fewer", number=number)
            )
        if name.casefold() in locality_names:
            raise EditError(
                _("Line %(number)s: the area '%(name)s' is listed twice", number=number, name=name)
            )
        locality_names.add(name.casefold())
        code = _code(old_localities.get(name.casefold()), name, "area", locality_codes)
        branches = []
        for branch_raw in rest.split(","):
            branch_name = " ".join(branch_raw.split())
            if not branch_name:
                continue
            if len(branch_name) > 100:
                raise EditError(
                    _(
                        "Line %(number)s: the library name '%(start)s…' is too long",
                        number=number,
                        start=branch_name[:30],
                    )
                )
            if branch_name.casefold() in branch_names:
                raise EditError(
                    _(
                        "Line %(number)s: the library '%(name)s' is listed twice",
                        number=number,
                        name=branch_name,
                    )
                )
            branch_names.add(branch_name.casefold())
            branch_code = _code(
                old_branches.get(branch_name.casefold()), branch_name, "library", branch_codes
            )
            branches.append(Branch(branch_code, branch_name, code))
        localities.append(Locality(code, name, tuple(branches)))
    return tuple(localities)


def _code(old: str | None, name: str, fallback: str, taken: set[str]) -> str:
    """An area's or library's code: its old one when the name is unchanged, else one made from
    the name; unique among ``taken``, which it joins."""
    code = old or unique(slugify(name, "-", 40) or fallback, taken, "-", 40)
    if code in taken:
        code = unique(code, taken, "-", 40)
    taken.add(code)
    return code


def set_localities(definition: SurveyDefinition, localities: tuple[Locality, ...]) -> SurveyDefinition:
    return replace(definition, localities=localities)


# --- Pages ----------------------------------------------------------------------------


def page_index(definition: SurveyDefinition, page_id: str) -> int:
    for index, page in enumerate(definition.pages):
        if page.id == page_id:
            return index
    raise KeyError(page_id)


def get_page(definition: SurveyDefinition, page_id: str) -> Page:
    return definition.pages[page_index(definition, page_id)]


def _with_pages(definition: SurveyDefinition, pages: Iterable[Page]) -> SurveyDefinition:
    return replace(definition, pages=tuple(pages))


def _with_page(definition: SurveyDefinition, index: int, page: Page) -> SurveyDefinition:
    pages = list(definition.pages)
    pages[index] = page
    return _with_pages(definition, pages)


def add_page(
    definition: SurveyDefinition,
    title: str,
    intro: str = "",
    show_if: Condition | None = None,
    questions: Iterable[Question] = (),
) -> tuple[SurveyDefinition, str]:
    """The definition with a page added at the end, and the new page's id."""
    page_id = make_id(title, [*page_ids(definition), *RESERVED_PAGE_IDS], fallback="page")
    page = Page(id=page_id, title=title, intro=intro, show_if=show_if, questions=tuple(questions))
    return _with_pages(definition, [*definition.pages, page]), page_id


def update_page(
    definition: SurveyDefinition, page_id: str, title: str, intro: str = "", show_if: Condition | None = None
) -> SurveyDefinition:
    index = page_index(definition, page_id)
    page = replace(definition.pages[index], title=title, intro=intro, show_if=show_if)
    return _with_page(definition, index, page)


def delete_page(definition: SurveyDefinition, page_id: str) -> SurveyDefinition:
    index = page_index(definition, page_id)
    if len(definition.pages) == 1:
        raise EditError(_("A survey must have at least one page, so you cannot delete its only page"))
    kept = _with_pages(definition, definition.pages[:index] + definition.pages[index + 1 :])
    if kept.question(definition.area_question) is None:
        kept = replace(kept, area_question="")
    return kept


T = TypeVar("T")


def _moved(items: tuple[T, ...], index: int, direction: int) -> tuple[T, ...] | None:
    target = index + direction
    if not 0 <= target < len(items):
        return None
    moved = list(items)
    moved[index], moved[target] = moved[target], moved[index]
    return tuple(moved)


def move_page(definition: SurveyDefinition, page_id: str, direction: int) -> SurveyDefinition | None:
    """Move a page up (-1) or down (+1); None when it is already at that end."""
    pages = _moved(definition.pages, page_index(definition, page_id), direction)
    return None if pages is None else _with_pages(definition, pages)


# --- Questions ------------------------------------------------------------------------


def find_question(definition: SurveyDefinition, question_id: str) -> tuple[int, int]:
    """(page index, question index) of a question."""
    for pi, page in enumerate(definition.pages):
        for qi, question in enumerate(page.questions):
            if question.id == question_id:
                return pi, qi
    raise KeyError(question_id)


def get_question(definition: SurveyDefinition, question_id: str) -> Question:
    pi, qi = find_question(definition, question_id)
    return definition.pages[pi].questions[qi]


def page_of_question(definition: SurveyDefinition, question_id: str) -> Page:
    pi, _qi = find_question(definition, question_id)
    return definition.pages[pi]


def build_question(draft: Question) -> Question:
    """The question the editor sent (``draft``, every field as typed), keeping only the
    fields its type takes; a text question without a limit gets its type's default."""
    kind = draft.type
    if kind not in TYPE_LABELS:
        raise EditError(_("Unknown question type %(kind)s", kind=repr(kind)))
    has_other = kind in OTHER_TYPES and draft.other_label is not None
    number = kind == "number"
    return replace(
        draft,
        options=draft.options if kind in CHOICE_TYPES else (),
        other_label=draft.other_label if has_other else None,
        other_max_length=draft.other_max_length if has_other else OTHER_MAX_LENGTH,
        statements=draft.statements if kind == "grid" else (),
        top_n=draft.top_n if kind == "ranking" else 0,
        max_length=(draft.max_length or DEFAULT_MAX_LENGTH[kind]) if kind in TEXT_TYPES else 0,
        min=draft.min if number else None,
        max=draft.max if number else None,
        integer=draft.integer if number else True,
        suffix=draft.suffix if number else "",
        earliest=draft.earliest if kind == "date" else None,
        latest=draft.latest if kind == "date" else None,
    )


def _with_questions(
    definition: SurveyDefinition, page_index: int, questions: Iterable[Question]
) -> SurveyDefinition:
    page = definition.pages[page_index]
    return _with_page(definition, page_index, replace(page, questions=tuple(questions)))


def add_question(definition: SurveyDefinition, page_id: str, draft: Question) -> tuple[SurveyDefinition, str]:
    """The definition with a question added at the end of a page (its id made from its
    text), and the question's new id."""
    index = page_index(definition, page_id)
    question_id = make_id(draft.text, [*question_ids(definition), *RESERVED_QUESTION_IDS])
    question = build_question(replace(draft, id=question_id))
    return _with_questions(definition, index, [*definition.pages[index].questions, question]), question_id


def update_question(definition: SurveyDefinition, question_id: str, draft: Question) -> SurveyDefinition:
    """Replace a question's content; its id (which answers are stored under) stays."""
    pi, qi = find_question(definition, question_id)
    questions = list(definition.pages[pi].questions)
    questions[qi] = build_question(replace(draft, id=question_id))
    return _with_questions(definition, pi, questions)


def taken_question_ids(definition: SurveyDefinition, question_id: str) -> frozenset[str]:
    """The ids ``question_id`` may not be renamed to: every other question's, and the
    equality questions' and pages' (answers and form fields share one namespace)."""
    others = {q.id for q in definition.questions() if q.id != question_id}
    return frozenset(others | set(EQUALITY_QUESTION_IDS) | {"equality", "check", "start"})


def rename_question(definition: SurveyDefinition, old: str, new: str) -> SurveyDefinition:
    """The definition with question ``old`` called ``new``, and routing that tested ``old``
    testing ``new``. Only for a survey never published: answers are stored under the id."""
    if new in taken_question_ids(definition, old):
        raise EditError(_("The id '%(id)s' is already used in this survey", id=new))

    def condition(found: Condition | None) -> Condition | None:
        if found is None:
            return None
        if "all" in found or "any" in found:
            key = "all" if "all" in found else "any"
            return {key: [condition(part) for part in found[key]]}
        return {**found, "question": new} if found.get("question") == old else found

    pages = tuple(
        replace(
            page,
            show_if=condition(page.show_if),
            questions=tuple(
                replace(q, id=new if q.id == old else q.id, show_if=condition(q.show_if))
                for q in page.questions
            ),
        )
        for page in definition.pages
    )
    area = new if definition.area_question == old else definition.area_question
    return replace(definition, pages=pages, area_question=area)


def delete_question(definition: SurveyDefinition, question_id: str) -> SurveyDefinition:
    pi, qi = find_question(definition, question_id)
    questions = definition.pages[pi].questions
    if len(questions) == 1:
        raise EditError(
            _(
                "A page must have at least one question. "
                "Delete the page instead, or add another question first"
            )
        )
    return set_area_question(
        _with_questions(definition, pi, questions[:qi] + questions[qi + 1 :]), question_id, False
    )


def set_area_question(definition: SurveyDefinition, question_id: str, marked: bool) -> SurveyDefinition:
    """Mark (or unmark) the question whose answer gives a response its area; marking one
    unmarks any other, and a question that cannot give an area is never marked."""
    found = definition.question(question_id)
    if marked and found is not None and found.type in AREA_TYPES:
        return replace(definition, area_question=question_id)
    if definition.area_question == question_id:
        return replace(definition, area_question="")
    return definition


def move_question(definition: SurveyDefinition, question_id: str, direction: int) -> SurveyDefinition | None:
    """Move a question up (-1) or down (+1) within its page; None when it is at that end."""
    pi, qi = find_question(definition, question_id)
    questions = _moved(definition.pages[pi].questions, qi, direction)
    return None if questions is None else _with_questions(definition, pi, questions)


# --- Options and statements -------------------------------------------------------------


def lines(text: str) -> list[str]:
    """Non-blank lines, with inner runs of spaces collapsed."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def options_from_lines(
    labels: list[str], existing: Iterable[Option] = (), reserved: Iterable[str] = ()
) -> list[Option]:
    """Options from labels. Values are slugs of the labels; an unchanged label keeps its
    value (and hint), so answers already given and routing still match.
    """
    old = {o.label.casefold(): o for o in existing if not o.exclusive}
    taken = set(reserved)
    kept = {old[label.casefold()].value for label in labels if label.casefold() in old}
    options = []
    for number, label in enumerate(labels, start=1):
        previous = old.get(label.casefold())
        if previous is not None and previous.value not in taken:
            value = previous.value
        else:
            base = slugify(label, "-", 60) or f"option-{number}"
            value = unique(base, taken | kept, "-", 60)
        taken.add(value)
        options.append(Option(value, label, previous.hint if previous is not None else ""))
    return options


def options_to_text(options: Iterable[Option]) -> str:
    return "\n".join(o.label for o in options if not o.exclusive)


def exclusive_option(label: str, options: Iterable[Option], existing: Iterable[Option] = ()) -> Option:
    """The "None of these" option for a multiple choice question, keeping its old value."""
    previous = next((o for o in existing if o.exclusive), None)
    taken = {o.value for o in options} | {"other"}
    if previous is not None and previous.value not in taken:
        value = previous.value
    else:
        value = unique(slugify(label, "-", 60) or "none", taken, "-", 60)
    return Option(value, label, exclusive=True)


def statements_from_lines(texts: list[str], existing: Iterable[Statement] = ()) -> list[Statement]:
    old = {s.text.casefold(): s.id for s in existing}
    taken: set[str] = set()
    kept = {old[t.casefold()] for t in texts if t.casefold() in old}
    statements = []
    for text in texts:
        statement_id = old.get(text.casefold())
        if statement_id is None or statement_id in taken:
            statement_id = make_id(text, taken | kept, fallback="s")
        taken.add(statement_id)
        statements.append(Statement(statement_id, text))
    return statements


# --- Routing --------------------------------------------------------------------------


def earlier_questions(definition: SurveyDefinition, page_id: str | None) -> list[Question]:
    """Questions a rule on ``page_id`` (or on a new page at the end, when None) may test:
    those on earlier pages, whose answers are known by then."""
    found: list[Question] = []
    for page in definition.pages:
        if page.id == page_id:
            break
        found.extend(q for q in page.questions if q.type in ROUTABLE_TYPES)
    return found


def answer_choices(definition: SurveyDefinition, question: Question) -> list[tuple[str, str]]:
    """The (value, label) answers a listed-answer question accepts."""
    kind = question.type
    if kind == "likert":
        return list(LIKERT_SCALE)
    if kind == "locality":
        return [(loc.code, loc.name) for loc in definition.localities]
    if kind == "branch":
        return [(b.code, b.name) for b in definition.branches()]
    choices = [(o.value, o.label) for o in question.options]
    if question.other_label is not None:
        choices.append(("other", question.other_label))
    return choices


def make_condition(question: Question, test: str, answers: list[Any]) -> Condition:
    """A simple show_if condition. ``test`` is equals, any_of or not_answered."""
    if test == "not_answered":
        return {"question": question.id, "not_answered": True}
    if not answers:
        raise EditError(_("Choose the answer that shows it"))
    if test == "equals":
        if len(answers) != 1:
            raise EditError(_("Choose only one answer for 'is', or use 'is any of'"))
        return {"question": question.id, "equals": answers[0]}
    if test == "any_of":
        return {"question": question.id, "any_of": list(answers)}
    raise EditError(_("Unknown test %(test)s", test=repr(test)))


def is_simple(condition: Condition | None) -> bool:
    return condition is not None and "question" in condition


def _quoted(value: Any, labels: dict[str, str]) -> str:
    return f"'{labels.get(str(value), value)}'"


def describe_condition(condition: Condition | None, definition: SurveyDefinition) -> str:
    """A condition in words, e.g. "'How often do you visit?' is 'Never'"."""
    if condition is None:
        return ""
    if "all" in condition or "any" in condition:
        children = condition.get("all") or condition.get("any") or []
        parts = []
        for child in children:
            words = describe_condition(child, definition)
            parts.append(f"({words})" if "question" not in child else words)
        if not parts:
            return ""
        joined = parts[0]
        for part in parts[1:]:
            if "all" in condition:
                # Translators: a routing rule's parts that must all be true; three parts
                # are this twice ("A and B", then "A and B and C").
                joined = pgettext("routing", "%(rules)s and %(rule)s", rules=joined, rule=part)
            else:
                # Translators: a routing rule's parts of which any one may be true.
                joined = pgettext("routing", "%(rules)s or %(rule)s", rules=joined, rule=part)
        return joined
    try:
        question = get_question(definition, condition["question"])
    except KeyError:
        return str(
            pgettext(
                "routing",
                "a question that no longer exists (%(id)s) has an answer",
                id=condition["question"],
            )
        )
    labels = dict(answer_choices(definition, question))
    name = f"'{question.text}'"
    if "not_answered" in condition:
        # Translators: the question comes quoted: "'How often do you visit?' was not answered".
        return str(pgettext("routing", "%(question)s was not answered", question=name))
    answers = [condition["equals"]] if "equals" in condition else condition["any_of"]
    values = [_quoted(v, labels) for v in answers]
    if len(values) == 1:
        # Translators: the question and answer come quoted: "'How often do you visit?' is 'Never'".
        return str(pgettext("routing", "%(question)s is %(answer)s", question=name, answer=values[0]))
    # Translators: quoted, with the answers before the last joined by commas:
    # "'How did you hear?' is any of 'Poster', 'Radio' or 'Friend'".
    return str(
        pgettext(
            "routing",
            "%(question)s is any of %(answers)s or %(last)s",
            question=name,
            answers=", ".join(values[:-1]),
            last=values[-1],
        )
    )


def describe_routing(condition: Condition | None, definition: SurveyDefinition) -> str:
    if condition is None:
        return str(pgettext("routing", "Shown to everyone"))
    return str(pgettext("routing", "Only shown if %(rule)s", rule=describe_condition(condition, definition)))


def references(definition: SurveyDefinition, question_id: str, outside_page: str | None = None) -> list[str]:
    """Where routing depends on ``question_id``, in words; routing on page ``outside_page``
    and its questions left out (when the page is deleted, its routing goes with it)."""
    found = []

    def mentions(condition: Condition | None) -> bool:
        if condition is None:
            return False
        if "all" in condition or "any" in condition:
            return any(mentions(c) for c in condition.get("all") or condition.get("any") or [])
        return bool(condition.get("question") == question_id)

    for pi, page in enumerate(definition.pages, start=1):
        if page.id == outside_page:
            continue
        if mentions(page.show_if):
            found.append(_("page %(number)s ('%(title)s')", number=pi, title=page.title))
        for qi, question in enumerate(page.questions, start=1):
            if mentions(question.show_if):
                found.append(
                    _(
                        "page %(page)s, question %(number)s ('%(text)s')",
                        page=pi,
                        number=qi,
                        text=question.text,
                    )
                )
    return found


# --- Problems in plain English -----------------------------------------------------------


def _field_words() -> dict[str, str]:
    """The words for a field in a problem's place ("Page 2, question 1, answer options")."""
    return {
        "options": pgettext("survey field", "answer options"),
        "statements": pgettext("survey field", "statements"),
        "top_n": pgettext("survey field", "how many to put in order"),
        "max_length": pgettext("survey field", "character limit"),
        "min": pgettext("survey field", "lowest number"),
        "max": pgettext("survey field", "highest number"),
        "earliest": pgettext("survey field", "earliest date"),
        "latest": pgettext("survey field", "latest date"),
        "show_if": pgettext("survey field", "routing"),
        "type": pgettext("survey field", "question type"),
        "text": pgettext("survey field", "question text"),
        "hint": pgettext("survey field", "hint"),
        "title": pgettext("survey field", "title"),
        "intro": pgettext("survey field", "introduction"),
        "other": pgettext("survey field", "'other' box"),
        "id": pgettext("survey field", "id"),
        "code": pgettext("survey field", "code"),
        "name": pgettext("survey field", "name"),
        "purpose": pgettext("survey field", "purpose"),
        "what_happens": pgettext("survey field", "what happens to the answers"),
        "privacy": pgettext("survey field", "your privacy"),
        "closes_at": pgettext("survey field", "closing date"),
        "opens_at": pgettext("survey field", "opening date"),
        "duration_minutes": pgettext("survey field", "time it takes"),
        "audience": pgettext("survey field", "who it is for"),
        "topics": pgettext("survey field", "topics"),
        "resume_days": pgettext("survey field", "days to keep unfinished answers"),
        "label": pgettext("survey field", "label"),
        "exclusive": pgettext("survey field", "'none of these' option"),
    }


def _numbered(container: str, number: int) -> str:
    """One item of a list in a problem's place, e.g. "Page 2" or "question 1"."""
    if container == "pages":
        return str(_("Page %(number)s", number=number))
    if container == "questions":
        return str(_("question %(number)s", number=number))
    if container == "localities":
        return str(_("Area %(number)s", number=number))
    if container == "branches":
        return str(_("library %(number)s", number=number))
    if container == "statements":
        return str(_("statement %(number)s", number=number))
    if container == "options":
        return str(_("option %(number)s", number=number))
    return str(_("item %(number)s", number=number))


def describe_path(path: str) -> str:
    """A JSON path in words: ``$.pages[1].questions[0].options`` is "Page 2, question 1, answer options"."""
    parts = re.findall(r"\.([a-z_]+)|\[(\d+)\]", path)
    words: list[str] = []
    field_words = _field_words()
    container = ""
    for name, index in parts:
        if name:
            container = name
            if name not in {"pages", "questions", "localities", "branches", "statements", "options"}:
                words.append(field_words.get(name, name.replace("_", " ")))
            elif name in {"statements", "options"}:
                words.append(field_words[name])
        else:
            item = _numbered(container, int(index) + 1)
            if container in {"statements", "options"} and words:
                words[-1] = item
            else:
                words.append(item)
    if not words:
        return str(_("The survey"))
    text = ", ".join(words)
    return text[0].upper() + text[1:]


def plain_message(message: str) -> str:
    for code, label in TYPE_LABELS.items():
        message = message.replace(f"a {code} question", f"a '{label}' question")
    message = message.replace("top_n", "how many to put in order")
    message = message.replace("max_length", "the character limit")
    return message[0].upper() + message[1:] if message else message


def explain(problem: Problem) -> str:
    """A validation problem as one plain-English sentence."""
    return f"{describe_path(problem.path)}: {plain_message(problem.message)}"
