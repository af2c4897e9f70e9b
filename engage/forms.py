"""Helpers shared by the service's forms."""

from __future__ import annotations

from flask_wtf import FlaskForm


def form_status(form: FlaskForm | None = None, page_errors: object = None) -> int:
    """The status of a page that shows a form: 400 when it shows errors, like every form here."""
    return 400 if (form is not None and form.errors) or page_errors else 200
