"""What the resident journey keeps in the browser's session, and how its errors link to fields.

Shared by every journey that runs the survey pages in this browser: online residents,
the kiosk (which clears these keys when it resets for the next person) and staff
entering a paper questionnaire. Kept apart from the views so that the kiosk and the
staff pages can use it without importing the residents' blueprint.
"""

from __future__ import annotations

from surveys.definition import SurveyDefinition

__all__ = ["DONE_KEY", "ENTRY_KEY", "SESSION_KEY", "error_summary", "field_anchor"]

#: slug -> the in-progress response's resume token.
SESSION_KEY = "responses"
#: slug -> how the resident arrived (poster link, locality).
ENTRY_KEY = "entry"
#: slug -> the reference of the response just submitted (for the confirmation page).
DONE_KEY = "submitted"


def field_anchor(key: str, definition: SurveyDefinition) -> str:
    """The id of the first input for an error, as the error summary must link to it."""
    question = definition.question(key.split(".", 1)[0])
    if question is not None and question.type == "date" and "." not in key:
        return f"{key}-day"
    return key


def error_summary(errors: dict[str, str], definition: SurveyDefinition) -> list[dict[str, str]]:
    """A page's errors for the error summary, each linking to its field."""
    return [{"text": text, "href": f"#{field_anchor(key, definition)}"} for key, text in errors.items()]
