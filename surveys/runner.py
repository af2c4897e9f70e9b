"""The generic survey runner's rules: routing, and reading one page's answers from a form.

Pure functions over a :class:`~surveys.definition.SurveyDefinition` and a dict of
answers, so every rule is unit-tested without a web request. Answers are stored as
JSON values keyed by question id; how each type is read and shown is the question-type
table, :mod:`surveys.question_types`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from surveys.definition import Page, Question, SurveyDefinition
from surveys.question_types import TYPES, FormData, PageResult, answer_text, answered

CHANNELS = ("online", "kiosk", "paper", "event")


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
        return not answered(value)
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


def merge_page(
    definition: SurveyDefinition,
    answers: dict[str, Any],
    page: Page,
    given: dict[str, Any],
    channel: str = "online",
) -> dict[str, Any]:
    """``answers`` with ``page``'s answers replaced by ``given``, less what routing now skips."""
    ids = {question.id for question in page.questions}
    merged = {key: value for key, value in answers.items() if key.split(".", 1)[0] not in ids}
    merged.update(given)
    return prune(definition, merged, channel)


def check_sections(
    definition: SurveyDefinition, answers: dict[str, Any], channel: str = "online"
) -> list[dict[str, Any]]:
    """Check your answers: each page the resident saw, with each question and its answer in words."""
    return [
        {
            "page": page,
            "rows": [
                {"question": q, "answer": answer_text(q, answers, definition)}
                for q in visible_questions(page, answers, channel)
            ],
        }
        for page in visible_pages(definition, answers, channel)
    ]


def form_values(definition: SurveyDefinition, answers: dict[str, Any]) -> dict[str, Any]:
    """Saved answers in the shape the page's form fields want (a date as day, month, year)."""
    values: dict[str, Any] = {}
    for key, value in answers.items():
        question = definition.question(key)
        if question is not None and question.type == "date" and isinstance(value, str) and len(value) == 10:
            year, month, day = value.split("-")
            values[key] = {"day": str(int(day)), "month": str(int(month)), "year": year}
        else:
            values[key] = value
    return values


def read_page(
    page: Page, questions: list[Question], form: FormData, definition: SurveyDefinition
) -> PageResult:
    """Validate one page's posted answers. Messages follow the GOV.UK error message patterns."""
    result = PageResult()
    for question in questions:
        _read_question(question, form, definition, result)
    return result


def _read_question(q: Question, form: FormData, definition: SurveyDefinition, result: PageResult) -> None:
    TYPES[q.type].read(q, form, definition, result)
