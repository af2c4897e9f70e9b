"""Pure edits to a survey definition dict, for the officer survey builder.

Every function here changes (or reads) a definition in the JSON shape of
``surveys/schema/survey.schema.json``. None of them validates the whole
definition: the views call :func:`surveys.definition.validate` on the result and
show any problems before anything is saved.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from surveys.definition import LIKERT_SCALE, TEXT_TYPES, Problem
from surveys.equality import EQUALITY_QUESTION_IDS
from surveys.question_types import TYPES
from surveys.refusal import RefusedError

Definition = dict[str, Any]

# What the builder offers for each type comes from the question-type table.
TYPE_LABELS: dict[str, str] = {name: kind.label for name, kind in TYPES.items()}
TYPE_HINTS: dict[str, str] = {name: kind.hint for name, kind in TYPES.items()}
CHOICE_TYPES = {name for name, kind in TYPES.items() if kind.has_options}
OTHER_TYPES = {name for name, kind in TYPES.items() if kind.has_other}
LISTED_ANSWER_TYPES = {name for name, kind in TYPES.items() if kind.listed}
ROUTABLE_TYPES = {name for name, kind in TYPES.items() if kind.routable}
# Fields a question of each type may carry, besides id/type/text/hint/required/kiosk/show_if.
TYPE_SPECIFIC = {"options", "other", "statements", "top_n", "max_length", "min", "max", "integer", "suffix"}
TYPE_SPECIFIC |= {"earliest", "latest"}
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


def question_ids(data: Definition) -> list[str]:
    return [q["id"] for p in data["pages"] for q in p["questions"]]


def page_ids(data: Definition) -> list[str]:
    return [p["id"] for p in data["pages"]]


# --- A new survey ---------------------------------------------------------------------


def new_definition(slug: str, title: str, purpose: str) -> Definition:
    """The smallest valid draft: one page with one long text question."""
    return {
        "schema_version": 1,
        "slug": slug,
        "title": title,
        "purpose": purpose,
        "pages": [
            {
                "id": "your_views",
                "title": DEFAULT_PAGE_TITLE,
                "questions": [
                    {
                        "id": "what_would_you_like_to_tell_us",
                        "type": "long_text",
                        "text": DEFAULT_QUESTION_TEXT,
                    }
                ],
            }
        ],
    }


def duplicate(data: Definition, slug: str, title: str) -> Definition:
    """A copy for a new survey. Opening and closing dates belong to the original."""
    copied = copy.deepcopy(data)
    copied["slug"] = slug
    copied["title"] = title
    copied.pop("opens_at", None)
    copied.pop("closes_at", None)
    return copied


def update_details(data: Definition, **fields: Any) -> None:
    """Set survey-level fields; ``None`` or ``""`` removes an optional one."""
    required = {"title", "purpose"}
    for key, value in fields.items():
        if value is None or value == "":
            if key in required:
                raise EditError(f"The survey's {key} cannot be empty")
            data.pop(key, None)
        else:
            data[key] = value


# --- Localities -----------------------------------------------------------------------


def localities_to_text(data: Definition) -> str:
    lines = []
    for loc in data.get("localities", []):
        branches = ", ".join(b["name"] for b in loc.get("branches", []))
        lines.append(f"{loc['name']}: {branches}" if branches else loc["name"])
    return "\n".join(lines)


def localities_from_text(text: str, existing: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Read "Locality: Branch, Branch" lines. Codes come from names; unchanged names keep theirs.

    Raises :class:`EditError` naming the line at fault.
    """
    old_localities = {loc["name"].casefold(): loc["code"] for loc in existing or []}
    old_branches = {
        b["name"].casefold(): b["code"] for loc in existing or [] for b in loc.get("branches", [])
    }
    localities: list[dict[str, Any]] = []
    locality_codes: set[str] = set()
    branch_codes: set[str] = set()
    locality_names: set[str] = set()
    branch_names: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        name, _, rest = line.partition(":")
        name = " ".join(name.split())
        if not name:
            raise EditError(f"Line {number}: enter the area's name before the colon")
        if len(name) > 100:
            raise EditError(f"Line {number}: the area's name must be 100 characters or fewer")
        if name.casefold() in locality_names:
            raise EditError(f"Line {number}: the area '{name}' is listed twice")
        locality_names.add(name.casefold())
        code = old_localities.get(name.casefold()) or unique(
            slugify(name, "-", 40) or "area", locality_codes, "-", 40
        )
        if code in locality_codes:
            code = unique(code, locality_codes, "-", 40)
        locality_codes.add(code)
        branches = []
        for branch_raw in rest.split(","):
            branch_name = " ".join(branch_raw.split())
            if not branch_name:
                continue
            if len(branch_name) > 100:
                raise EditError(f"Line {number}: the library name '{branch_name[:30]}…' is too long")
            if branch_name.casefold() in branch_names:
                raise EditError(f"Line {number}: the library '{branch_name}' is listed twice")
            branch_names.add(branch_name.casefold())
            branch_code = old_branches.get(branch_name.casefold()) or unique(
                slugify(branch_name, "-", 40) or "library", branch_codes, "-", 40
            )
            if branch_code in branch_codes:
                branch_code = unique(branch_code, branch_codes, "-", 40)
            branch_codes.add(branch_code)
            branches.append({"code": branch_code, "name": branch_name})
        locality: dict[str, Any] = {"code": code, "name": name}
        if branches:
            locality["branches"] = branches
        localities.append(locality)
    return localities


def set_localities(data: Definition, localities: list[dict[str, Any]]) -> None:
    if localities:
        data["localities"] = localities
    else:
        data.pop("localities", None)


# --- Pages ----------------------------------------------------------------------------


def page_index(data: Definition, page_id: str) -> int:
    for index, page in enumerate(data["pages"]):
        if page["id"] == page_id:
            return index
    raise KeyError(page_id)


def get_page(data: Definition, page_id: str) -> dict[str, Any]:
    return data["pages"][page_index(data, page_id)]  # type: ignore[no-any-return]


def _set_optional(target: dict[str, Any], key: str, value: Any) -> None:
    if value is None or value == "" or value is False:
        target.pop(key, None)
    else:
        target[key] = value


def add_page(
    data: Definition,
    title: str,
    intro: str = "",
    show_if: dict[str, Any] | None = None,
    questions: list[dict[str, Any]] | None = None,
) -> str:
    """Add a page at the end and return its id."""
    page_id = make_id(title, [*page_ids(data), *RESERVED_PAGE_IDS], fallback="page")
    page: dict[str, Any] = {"id": page_id, "title": title}
    _set_optional(page, "intro", intro)
    _set_optional(page, "show_if", show_if)
    page["questions"] = questions or []
    data["pages"].append(page)
    return page_id


def update_page(
    data: Definition, page_id: str, title: str, intro: str = "", show_if: dict[str, Any] | None = None
) -> None:
    page = get_page(data, page_id)
    page["title"] = title
    _set_optional(page, "intro", intro)
    _set_optional(page, "show_if", show_if)
    # Keep the schema's key order tidy for anyone reading the JSON.
    questions = page.pop("questions")
    page["questions"] = questions


def delete_page(data: Definition, page_id: str) -> dict[str, Any]:
    if len(data["pages"]) == 1:
        raise EditError("A survey must have at least one page, so you cannot delete its only page")
    return data["pages"].pop(page_index(data, page_id))  # type: ignore[no-any-return]


def _move(items: list[Any], index: int, direction: int) -> bool:
    target = index + direction
    if not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    return True


def move_page(data: Definition, page_id: str, direction: int) -> bool:
    """Move a page up (-1) or down (+1); False when it is already at that end."""
    return _move(data["pages"], page_index(data, page_id), direction)


# --- Questions ------------------------------------------------------------------------


def find_question(data: Definition, question_id: str) -> tuple[int, int]:
    """(page index, question index) of a question."""
    for pi, page in enumerate(data["pages"]):
        for qi, question in enumerate(page["questions"]):
            if question["id"] == question_id:
                return pi, qi
    raise KeyError(question_id)


def get_question(data: Definition, question_id: str) -> dict[str, Any]:
    pi, qi = find_question(data, question_id)
    return data["pages"][pi]["questions"][qi]  # type: ignore[no-any-return]


def page_of_question(data: Definition, question_id: str) -> dict[str, Any]:
    pi, _ = find_question(data, question_id)
    return data["pages"][pi]  # type: ignore[no-any-return]


def build_question(
    question_id: str, kind: str, text: str, fields: dict[str, Any], existing: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A question dict in schema order from form values; unknown or empty fields are left out.

    ``fields`` may hold: hint, required, options, other, statements, top_n, max_length,
    min, max, integer, suffix, earliest, latest, kiosk_skip, show_if.
    """
    if kind not in TYPE_LABELS:
        raise EditError(f"Unknown question type {kind!r}")
    question: dict[str, Any] = {"id": question_id, "type": kind, "text": text}
    _set_optional(question, "hint", fields.get("hint"))
    if fields.get("required") is False:
        question["required"] = False
    if kind in CHOICE_TYPES:
        question["options"] = fields.get("options") or []
    if kind in OTHER_TYPES:
        _set_optional(question, "other", fields.get("other"))
    if kind == "grid":
        question["statements"] = fields.get("statements") or []
    if kind == "ranking" and fields.get("top_n") is not None:
        question["top_n"] = fields["top_n"]
    if kind in TEXT_TYPES:
        _set_optional(question, "max_length", fields.get("max_length"))
    if kind == "number":
        for key in ("min", "max"):
            if fields.get(key) is not None:
                question[key] = fields[key]
        if fields.get("integer") is False:
            question["integer"] = False
        _set_optional(question, "suffix", fields.get("suffix"))
    if kind == "date":
        _set_optional(question, "earliest", fields.get("earliest"))
        _set_optional(question, "latest", fields.get("latest"))
    if fields.get("kiosk_skip"):
        question["kiosk"] = "skip"
    _set_optional(question, "show_if", fields.get("show_if"))
    return question


def add_question(data: Definition, page_id: str, kind: str, text: str, fields: dict[str, Any]) -> str:
    """Add a question at the end of a page and return its new id."""
    page = get_page(data, page_id)
    question_id = make_id(text, [*question_ids(data), *RESERVED_QUESTION_IDS])
    page["questions"].append(build_question(question_id, kind, text, fields))
    return question_id


def update_question(data: Definition, question_id: str, kind: str, text: str, fields: dict[str, Any]) -> None:
    """Replace a question's content; its id (which answers are stored under) stays."""
    pi, qi = find_question(data, question_id)
    data["pages"][pi]["questions"][qi] = build_question(question_id, kind, text, fields)


def delete_question(data: Definition, question_id: str) -> dict[str, Any]:
    pi, qi = find_question(data, question_id)
    questions = data["pages"][pi]["questions"]
    if len(questions) == 1:
        raise EditError(
            "A page must have at least one question. Delete the page instead, or add another question first"
        )
    return questions.pop(qi)  # type: ignore[no-any-return]


def move_question(data: Definition, question_id: str, direction: int) -> bool:
    """Move a question up (-1) or down (+1) within its page."""
    pi, qi = find_question(data, question_id)
    return _move(data["pages"][pi]["questions"], qi, direction)


# --- Options and statements -------------------------------------------------------------


def lines(text: str) -> list[str]:
    """Non-blank lines, with inner runs of spaces collapsed."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def options_from_lines(
    labels: list[str],
    existing: list[dict[str, Any]] | None = None,
    reserved: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """Options from labels. Values are slugs of the labels; an unchanged label keeps its
    value (and hint), so answers already given and routing still match.
    """
    old = {o["label"].casefold(): o for o in existing or [] if not o.get("exclusive")}
    taken = set(reserved)
    kept = {old[label.casefold()]["value"] for label in labels if label.casefold() in old}
    options = []
    for number, label in enumerate(labels, start=1):
        previous = old.get(label.casefold())
        if previous is not None and previous["value"] not in taken:
            value = previous["value"]
        else:
            base = slugify(label, "-", 60) or f"option-{number}"
            value = unique(base, taken | kept, "-", 60)
        taken.add(value)
        option: dict[str, Any] = {"value": value, "label": label}
        if previous is not None and previous.get("hint"):
            option["hint"] = previous["hint"]
        options.append(option)
    return options


def options_to_text(options: list[dict[str, Any]]) -> str:
    return "\n".join(o["label"] for o in options if not o.get("exclusive"))


def exclusive_option(
    label: str, options: list[dict[str, Any]], existing: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The "None of these" option for a multiple choice question, keeping its old value."""
    previous = next((o for o in existing or [] if o.get("exclusive")), None)
    taken = {o["value"] for o in options} | {"other"}
    if previous is not None and previous["value"] not in taken:
        value = previous["value"]
    else:
        value = unique(slugify(label, "-", 60) or "none", taken, "-", 60)
    return {"value": value, "label": label, "exclusive": True}


def statements_from_lines(
    texts: list[str], existing: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    old = {s["text"].casefold(): s["id"] for s in existing or []}
    taken: set[str] = set()
    kept = {old[t.casefold()] for t in texts if t.casefold() in old}
    statements = []
    for text in texts:
        statement_id = old.get(text.casefold())
        if statement_id is None or statement_id in taken:
            statement_id = make_id(text, taken | kept, fallback="s")
        taken.add(statement_id)
        statements.append({"id": statement_id, "text": text})
    return statements


# --- Routing --------------------------------------------------------------------------


def earlier_questions(data: Definition, page_id: str | None) -> list[dict[str, Any]]:
    """Questions a rule on ``page_id`` (or on a new page at the end, when None) may test:
    those on earlier pages, whose answers are known by then."""
    found: list[dict[str, Any]] = []
    for page in data["pages"]:
        if page["id"] == page_id:
            break
        found.extend(q for q in page["questions"] if q["type"] in ROUTABLE_TYPES)
    return found


def answer_choices(data: Definition, question: dict[str, Any]) -> list[tuple[str, str]]:
    """The (value, label) answers a listed-answer question accepts."""
    kind = question["type"]
    if kind == "likert":
        return list(LIKERT_SCALE)
    if kind == "locality":
        return [(loc["code"], loc["name"]) for loc in data.get("localities", [])]
    if kind == "branch":
        return [(b["code"], b["name"]) for loc in data.get("localities", []) for b in loc.get("branches", [])]
    choices = [(o["value"], o["label"]) for o in question.get("options", [])]
    if "other" in question:
        choices.append(("other", question["other"]["label"]))
    return choices


def make_condition(question: dict[str, Any], test: str, answers: list[Any]) -> dict[str, Any]:
    """A simple show_if condition. ``test`` is equals, any_of or not_answered."""
    if test == "not_answered":
        return {"question": question["id"], "not_answered": True}
    if not answers:
        raise EditError("Choose the answer that shows it")
    if test == "equals":
        if len(answers) != 1:
            raise EditError("Choose only one answer for 'is', or use 'is any of'")
        return {"question": question["id"], "equals": answers[0]}
    if test == "any_of":
        return {"question": question["id"], "any_of": list(answers)}
    raise EditError(f"Unknown test {test!r}")


def is_simple(condition: dict[str, Any] | None) -> bool:
    return condition is not None and "question" in condition


def _quoted(value: Any, labels: dict[str, str]) -> str:
    return f"'{labels.get(str(value), value)}'"


def describe_condition(condition: dict[str, Any] | None, data: Definition) -> str:
    """A condition in words, e.g. "'How often do you visit?' is 'Never'"."""
    if condition is None:
        return ""
    if "all" in condition or "any" in condition:
        joiner = " and " if "all" in condition else " or "
        children = condition.get("all") or condition.get("any") or []
        parts = []
        for child in children:
            words = describe_condition(child, data)
            parts.append(f"({words})" if "question" not in child else words)
        return joiner.join(parts)
    try:
        question = get_question(data, condition["question"])
    except KeyError:
        return f"a question that no longer exists ({condition['question']}) has an answer"
    labels = dict(answer_choices(data, question))
    name = f"'{question['text']}'"
    if "not_answered" in condition:
        return f"{name} was not answered"
    if "equals" in condition:
        return f"{name} is {_quoted(condition['equals'], labels)}"
    values = [_quoted(v, labels) for v in condition["any_of"]]
    if len(values) == 1:
        return f"{name} is {values[0]}"
    return f"{name} is any of {', '.join(values[:-1])} or {values[-1]}"


def describe_routing(condition: dict[str, Any] | None, data: Definition) -> str:
    if condition is None:
        return "Shown to everyone"
    return f"Only shown if {describe_condition(condition, data)}"


def references(data: Definition, question_id: str) -> list[str]:
    """Where routing depends on ``question_id``, in words."""
    found = []

    def mentions(condition: dict[str, Any]) -> bool:
        if "all" in condition or "any" in condition:
            return any(mentions(c) for c in condition.get("all") or condition.get("any") or [])
        return bool(condition.get("question") == question_id)

    for pi, page in enumerate(data["pages"], start=1):
        if "show_if" in page and mentions(page["show_if"]):
            found.append(f"page {pi} ('{page['title']}')")
        for qi, question in enumerate(page["questions"], start=1):
            if "show_if" in question and mentions(question["show_if"]):
                found.append(f"page {pi}, question {qi} ('{question['text']}')")
    return found


# --- Problems in plain English -----------------------------------------------------------

_FIELD_WORDS = {
    "options": "answer options",
    "statements": "statements",
    "top_n": "how many to put in order",
    "max_length": "character limit",
    "min": "lowest number",
    "max": "highest number",
    "earliest": "earliest date",
    "latest": "latest date",
    "show_if": "routing",
    "type": "question type",
    "text": "question text",
    "hint": "hint",
    "title": "title",
    "intro": "introduction",
    "other": "'other' box",
    "id": "id",
    "code": "code",
    "name": "name",
    "purpose": "purpose",
    "what_happens": "what happens to the answers",
    "closes_at": "closing date",
    "opens_at": "opening date",
    "duration_minutes": "time it takes",
    "resume_days": "days to keep unfinished answers",
    "label": "label",
    "exclusive": "'none of these' option",
}


def describe_path(path: str) -> str:
    """A JSON path in words: ``$.pages[1].questions[0].options`` is "Page 2, question 1, answer options"."""
    parts = re.findall(r"\.([a-z_]+)|\[(\d+)\]", path)
    words: list[str] = []
    container = ""
    for name, index in parts:
        if name:
            container = name
            if name not in {"pages", "questions", "localities", "branches", "statements", "options"}:
                words.append(_FIELD_WORDS.get(name, name.replace("_", " ")))
            elif name in {"statements", "options"}:
                words.append(_FIELD_WORDS[name])
        else:
            number = int(index) + 1
            singular = {
                "pages": "Page",
                "questions": "question",
                "localities": "Area",
                "branches": "library",
                "statements": "statement",
                "options": "option",
            }.get(container, "item")
            if container in {"statements", "options"} and words:
                words[-1] = f"{singular} {number}"
            else:
                words.append(f"{singular} {number}")
    if not words:
        return "The survey"
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
