"""The shared form helpers: a service's refusal shown on the form that asked for the change."""

from __future__ import annotations

from flask import Flask
from werkzeug.datastructures import MultiDict
from wtforms import StringField, SubmitField, TextAreaField

from engage.platform import forms
from surveys.refusal import RefusedError


class _Form(forms.Form):
    title = StringField("Title")
    notes = TextAreaField("Notes")
    submit = SubmitField("Save")


def _form(app: Flask) -> _Form:
    return _Form(formdata=MultiDict({"title": "Evening opening"}), meta={"csrf": False})


def test_each_message_goes_beside_its_field_and_into_the_summary(app: Flask) -> None:
    with app.test_request_context(method="POST"):
        form = _form(app)
        assert form.validate() and not form.errors
        forms.refuse(form, RefusedError(errors={"notes": "Shorten the notes"}))
        assert form.notes.errors == ["Shorten the notes"]
        assert form.errors == {"notes": ["Shorten the notes"]}
        assert forms.form_status(form) == 400
        assert forms.summary(form) == [{"text": "Shorten the notes", "href": "#notes"}]


def test_a_message_about_no_field_of_the_form_goes_beside_the_first_field(app: Flask) -> None:
    with app.test_request_context(method="POST"):
        form = _form(app)
        forms.refuse(form, RefusedError("The survey has closed"))
        assert form.title.errors == ["The survey has closed"]
        form = _form(app)
        forms.refuse(form, RefusedError(errors={"submit": "Try again", "elsewhere": "Not here"}))
        assert form.title.errors == ["Try again", "Not here"]
        assert not form.submit.errors


def test_choices_keep_their_order_and_labels(app: Flask) -> None:
    pairs = [("", "Choose"), ("b", "Bee"), ("a", "Ay")]
    assert [(c.value, c.label) for c in forms.choices(pairs)] == pairs


def test_a_form_starts_from_the_saved_values_only_when_it_is_shown(app: Flask) -> None:
    with app.test_request_context(method="GET"):
        assert _Form(**forms.starting_from({"title": "Saved"})).title.data == "Saved"
    # A sent form has only what was sent: a field a forged POST leaves out is empty.
    with app.test_request_context(method="POST", data={"notes": "New"}):
        form = _Form(**forms.starting_from({"title": "Saved", "notes": "Old"}), meta={"csrf": False})
        assert (form.title.data, form.notes.data) == (None, "New")


def test_only_the_services_problems_the_form_did_not_find_are_added(app: Flask) -> None:
    with app.test_request_context(method="POST"):
        form = _Form(formdata=MultiDict({"title": "Bad\nline"}), meta={"csrf": False})
        assert not form.validate()
        forms.add_problems(form, {"title": "Enter a title", "notes": "Add a note"})
        assert form.title.errors == ["Title must not contain line breaks or hidden control characters"]
        assert form.notes.errors == ["Add a note"]
