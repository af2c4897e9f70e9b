"""The residents' small forms around the survey: an email address for the resume link or
to hear what happened, and the code to continue saved answers.

The survey's own pages are not WTForms forms: their fields come from the survey's
definition, and each question type reads and checks its answer
(``surveys.question_types``, through ``surveys.runner.read_page``).
"""

from __future__ import annotations

from typing import ClassVar

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovTextInput
from wtforms import BooleanField, HiddenField, StringField

from engage.followups.asking import EMAIL_MAX, Ask
from engage.platform.forms import Form


class EmailForm(Form):
    """An email address to send the resume link and code to."""

    text_labels: ClassVar[dict[str, str]] = {"email": _l("Email address")}
    email = StringField(_l("Email address"), widget=GovTextInput())

    @property
    def address(self) -> str:
        return (self.email.data or "").strip()[:EMAIL_MAX]


class ResumeEmailForm(EmailForm):
    """The resume link and code by email: ``code`` is the code already on the page, so the
    email repeats it instead of replacing the one the resident may have written down."""

    code = HiddenField()


class AskForm(EmailForm):
    """An email address, and agreement to keep it, to hear what happened after the survey."""

    consent = BooleanField(_l("Your agreement"), widget=GovCheckboxInput())

    def ask(self) -> Ask:
        return Ask(email=(self.email.data or "").strip(), consent=bool(self.consent.data))


class ResumeCodeForm(Form):
    text_labels: ClassVar[dict[str, str]] = {"code": _l("The code")}
    code = StringField(_l("Enter your code to continue your answers"), widget=GovTextInput())

    @property
    def typed(self) -> str:
        return (self.code.data or "").strip()[:40]
