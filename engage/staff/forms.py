"""Forms for managing staff accounts."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from engage.models import Role
from engage.platform.forms import Form

ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


class StaffAccountForm(Form):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter their full name"),
            Length(max=120, message="Full name must be 120 characters or fewer"),
        ],
    )
    email = StringField(
        "Work email address",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter their work email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                message="Enter an email address in the correct format, like name@example.gov.uk",
                check_deliverability=False,
            ),
        ],
    )
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=ROLE_CHOICES,
        validators=[DataRequired(message="Select a role")],
    )
    submit = SubmitField("Create account", widget=GovSubmitInput())


class EditStaffForm(Form):
    name = StaffAccountForm.name
    role = StaffAccountForm.role
    submit = SubmitField("Save changes", widget=GovSubmitInput())
