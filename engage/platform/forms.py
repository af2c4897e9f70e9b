"""The base of every WTForms form: the one text rule (``surveys.text``) applied to every field.

A ``TextAreaField`` is multi-line; every other text field (``StringField`` and its
subclasses, except passwords, which are only ever hashed) is single-line. Values are
normalised (NFC; ``\\r\\n`` to ``\\n`` in a textarea; a tab to a space on one line) and a
value the field refuses gets the plain message "<Label> must not contain line breaks or
hidden control characters", next to the field and in the error summary.

Hand-written forms use :func:`surveys.text.problem` directly, so the rule and its wording
are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, ClassVar

from flask import request
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field, PasswordField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice

from surveys import text
from surveys.question_types import parse_date_parts
from surveys.refusal import RefusedError

# Fields that take no answer, so a message cannot sit beside them.
NOT_INPUTS = {"SubmitField", "HiddenField", "CSRFTokenField"}


class OptionalDateField(Field):
    """A GOV.UK date input (day, month, year under one name) that may be left blank."""

    widget = GovDateInput()

    def __init__(self, label: str, *, noun: str, example: str = "27 3 2026", **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.noun, self.example = noun, example
        self.data: date | None
        self.raw_data: list[str] | None
        self.parts: list[str] = ["", "", ""]

    def process_formdata(self, valuelist: list[str]) -> None:
        # A half-posted date has fewer than three values, a forged one more: always three,
        # so the widget can show them again.
        parts = ([v.strip() for v in valuelist] + ["", "", ""])[:3]
        self.parts = parts
        self.raw_data = list(parts)
        self.data = None

    def pre_validate(self, form: Any) -> None:
        if self.raw_data is None:
            return
        if not any(self.parts):
            self.data = None
            return
        day, month, year = self.parts
        value = parse_date_parts(day, month, year, noun=self.noun, example=self.example)
        if isinstance(value, str):
            raise ValidationError(value)
        self.data = value

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if self.data else ""


def is_multiline(field: Field) -> bool:
    return isinstance(field, TextAreaField)


def checks_text(field: Field) -> bool:
    return isinstance(field, StringField) and not isinstance(field, PasswordField)


def noun(field: Field, labels: dict[str, str] | None = None) -> str:
    """The field's label as the subject of a sentence: "Hint (optional)" is "Hint"."""
    label = (labels or {}).get(field.name) or str(field.label.text).removesuffix(" (optional)").strip()
    return label[:1].upper() + label[1:]


class Form(FlaskForm):
    """A ``FlaskForm`` whose text fields follow the service's one text rule.

    ``text_labels`` names a field in the message when its label is not a noun (a question
    such as "Why are you asking?").
    """

    text_labels: ClassVar[dict[str, str]] = {}

    def validate(self, extra_validators: Any = None) -> bool:
        for field in self:
            if checks_text(field) and isinstance(field.data, str):
                field.data = text.normalise(field.data, multiline=is_multiline(field))
        ok = bool(super().validate(extra_validators))
        for field in self:
            if checks_text(field) and isinstance(field.data, str):
                label = noun(field, self.text_labels)
                problem = text.problem(label, field.data, multiline=is_multiline(field))
                if problem:
                    # The most useful thing to say: other checks ("not an email address",
                    # "not a number") fail only because of the hidden characters.
                    field.errors = [problem]
                    ok = False
        return ok


def form_status(form: FlaskForm | None = None, page_errors: object = None) -> int:
    """The status of a page that shows a form: 400 when it shows errors, like every form here."""
    return 400 if (form is not None and form.errors) or page_errors else 200


def refuse(form: FlaskForm, error: RefusedError) -> None:
    """Show a service's refusal on the form that asked for the change.

    Each message goes beside its field (and into the error summary, which links to it); a
    message about no field of this form goes beside the first field, so the summary still
    links somewhere the officer can act.
    """
    fields = [field for field in form if field.name != "csrf_token" and field.type not in NOT_INPUTS]
    messages = dict(error.errors) or {fields[0].name if fields else "": str(error)}
    for name, message in messages.items():
        field = form._fields.get(name)
        if field is None or field.type in NOT_INPUTS:
            field = fields[0] if fields else None
        if field is not None:
            field.errors = [*field.errors, message]
    form._errors = None  # WTForms caches the errors it last collected


def summary(*forms: FlaskForm) -> list[dict[str, str]]:
    """Error summary items for a page with several forms: each message links to its field."""
    return [
        {"text": field.errors[0], "href": f"#{field.id}"} for form in forms for field in form if field.errors
    ]


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """A select's options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def starting_from(data: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments that fill a form with ``data`` when it is shown, but not when it is
    sent: a sent form has only what was sent (a field left out of a forged POST is empty,
    not the value it had before), like the builder's editors.

    ``PublicationForm(**starting_from({"intro": page.intro}))``
    """
    return {} if request.method == "POST" else {"data": data}


def add_problems(form: FlaskForm, problems: dict[str, str]) -> None:
    """A service's problems beside their fields, where the form found none of its own: for
    pages that show every problem at once (the form's own checks and the service's)."""
    fresh = {key: message for key, message in problems.items() if not form[key].errors}
    if fresh:
        refuse(form, RefusedError(errors=fresh))
