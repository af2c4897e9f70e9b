"""Staff forms about responses: starting to enter a paper or event questionnaire."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect
from wtforms import RadioField, SelectField, ValidationError

from engage.platform.forms import Form, choices
from surveys.definition import SurveyDefinition
from surveys.export import language_name
from surveys.i18n import N_

#: Where a questionnaire typed in by staff was filled in (``Response.channel``).
STAFF_CHANNELS = {"paper": N_("On a paper questionnaire"), "event": N_("At a consultation event or workshop")}


class PaperEntryForm(Form):
    channel = RadioField(
        _l("Where was it filled in?"),
        widget=GovRadioInput(),
        choices=[],
        default="paper",
        validate_choice=False,
    )
    branch = SelectField(
        _l("Which library was it handed in at?"), widget=GovSelect(), choices=[], validate_choice=False
    )
    # Asked only when the survey is offered in more than one language.
    language = RadioField(
        _l("Which language was the questionnaire in?"),
        widget=GovRadioInput(),
        choices=[],
        validate_choice=False,
    )

    def __init__(self, *args: Any, definition: SurveyDefinition | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channel.choices = choices((code, _(label)) for code, label in STAFF_CHANNELS.items())
        self.branches = {b.code: b.name for b in definition.branches()} if definition else {}
        self.branch.choices = choices([("", _("Not known")), *self.branches.items()])
        self.languages = {code: language_name(code) for code in definition.languages} if definition else {}
        self.language.choices = choices(self.languages.items())
        if not self.language.data and definition is not None:
            self.language.data = definition.language

    @property
    def asks_language(self) -> bool:
        return len(self.languages) > 1

    def validate_language(self, field: RadioField) -> None:
        if self.asks_language and field.data not in self.languages:
            raise ValidationError(_("Select the language the questionnaire was in"))

    def validate_channel(self, field: RadioField) -> None:
        if field.data not in STAFF_CHANNELS:
            raise ValidationError(_("Select where the questionnaire was filled in"))

    def validate_branch(self, field: SelectField) -> None:
        if field.data and field.data not in self.branches:
            raise ValidationError(_("Select a library from the list"))
