"""The kiosk's forms: adding a tablet (branch staff) and enrolling one (on the tablet)."""

from __future__ import annotations

from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField, ValidationError
from wtforms.validators import InputRequired, Length

from engage.kiosk.services import MAX_IDLE, MIN_IDLE
from engage.platform import inputs
from engage.platform.forms import Form, choices

NAME_MESSAGE = "Enter a name for the tablet of 80 characters or fewer, like Children's library tablet"
IDLE_MESSAGE = f"Enter the idle time in seconds, from {MIN_IDLE} to {MAX_IDLE}"


class KioskForm(Form):
    """A new tablet: what staff call it, its branch (from published surveys) and its idle time."""

    text_labels: ClassVar[dict[str, str]] = {"name": "The tablet's name"}

    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[InputRequired(message=NAME_MESSAGE), Length(max=80, message=NAME_MESSAGE)],
    )
    branch = SelectField("Branch", widget=GovSelect(), choices=[], validate_choice=False)
    idle = StringField("Start again after this long without a touch", widget=GovTextInput(), default="120")
    submit = SubmitField("Add kiosk", widget=GovSubmitInput())

    def __init__(self, *args: Any, branches: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.branches = branches or {}
        self.branch.choices = choices([("", _l("Choose a branch")), *self.branches.items()])

    def validate_branch(self, field: SelectField) -> None:
        if field.data not in self.branches:
            raise ValidationError(_l("Select the branch the tablet is in"))

    def validate_idle(self, field: StringField) -> None:
        if self.idle_seconds is None:
            raise ValidationError(IDLE_MESSAGE)

    @property
    def idle_seconds(self) -> int | None:
        return inputs.whole_number((self.idle.data or "").strip(), MIN_IDLE, MAX_IDLE)


class EnrolForm(Form):
    """The one-time code a member of staff made on the staff kiosk page."""

    code = StringField(
        _l("Set up this tablet as a kiosk"),
        widget=GovTextInput(),
        validators=[InputRequired(message=_l("Enter the enrolment code from the staff kiosk page"))],
    )
    submit = SubmitField(_l("Set up kiosk"), widget=GovSubmitInput())
