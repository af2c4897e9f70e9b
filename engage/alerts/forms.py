"""The "Email alerts" form: which alerts the signed-in officer gets."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput
from wtforms import SelectMultipleField, SubmitField, ValidationError

from engage.alerts.models import AlertKind
from engage.platform.forms import Form, choices
from surveys.i18n import N_

NOT_LISTED = N_("Select only the alerts listed")


def _only_listed(form: Any, field: SelectMultipleField) -> None:
    if any(value not in {kind.value for kind in AlertKind} for value in field.data or []):
        raise ValidationError(_(NOT_LISTED))


class AlertsForm(Form):
    kinds = SelectMultipleField(
        _l("Email me when"),
        widget=GovCheckboxesInput(),
        choices=choices((kind.value, kind.label) for kind in AlertKind),
        validate_choice=False,
        validators=[_only_listed],
    )
    submit = SubmitField(_l("Save email alerts"), widget=GovSubmitInput())

    def chosen(self) -> set[AlertKind]:
        """The listed alerts ticked (an unlisted value is the validator's business)."""
        values = {kind.value for kind in AlertKind}
        return {AlertKind(value) for value in self.kinds.data or [] if value in values}
