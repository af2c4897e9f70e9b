"""The action plan's forms: what the officers' pages read and draw.

They parse, apply the one text rule (``engage.platform.forms.Form``) and render. Every
other rule (what is required, how long, which status may follow which) is in
:mod:`engage.actions.services`, whose refusal the page shows on the form with
:func:`engage.platform.forms.refuse`; so a form and a spreadsheet import are checked the
same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField

from engage.actions.models import STATUSES, TIMESCALES, Action, Priority, shown
from engage.actions.queries import ThemeRef
from engage.actions.services import NewAction
from engage.platform.forms import Form, choices


class PriorityForm(Form):
    text_labels: ClassVar[dict[str, str]] = {
        "title": "The priority's title",
        "description": "The description",
    }

    title = StringField(_l("Title"), widget=GovTextInput())
    description = TextAreaField(_l("Description (optional)"), widget=GovTextArea())
    submit = SubmitField(_l("Add priority"), widget=GovSubmitInput())


class ActionForm(Form):
    text_labels: ClassVar[dict[str, str]] = {
        "title": "The action",
        "lead_officer": "The lead officer",
        "due_on": "The date",
        **{name: f"The {name}" for name in ("description", "outputs", "outcomes")},
    }

    priority = SelectField(_l("Priority"), widget=GovSelect(), choices=[], validate_choice=False)
    title = StringField(_l("Action"), widget=GovTextInput())
    description = TextAreaField(_l("Description (optional)"), widget=GovTextArea())
    lead_officer = StringField(_l("Lead officer (optional)"), widget=GovTextInput())
    timescale = SelectField(
        _l("Timescale"),
        widget=GovSelect(),
        choices=[],
        validate_choice=False,
    )
    due_on = StringField(_l("Date (only for “By a date”)"), widget=GovTextInput())
    outputs = TextAreaField(_l("Output measures (optional)"), widget=GovTextArea())
    outcomes = TextAreaField(_l("Impact outcomes (optional)"), widget=GovTextArea())
    submit = SubmitField(_l("Add action"), widget=GovSubmitInput())

    def __init__(self, *args: Any, priorities: Iterable[Priority] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        timescales = ((code, shown(label)) for code, label in TIMESCALES.items())
        self.timescale.choices = choices([("", _("Choose a timescale")), *timescales])
        self.priority.choices = choices(
            [("", _("Choose a priority")), *((str(p.id), p.title) for p in priorities)]
        )

    def new_action(self) -> NewAction:
        return NewAction(
            priority_id=self.priority.data or "",
            title=self.title.data or "",
            description=self.description.data or "",
            lead_officer=self.lead_officer.data or "",
            timescale=self.timescale.data or "",
            due_on=self.due_on.data or "",
            outputs=self.outputs.data or "",
            outcomes=self.outcomes.data or "",
        )


class EditActionForm(ActionForm):
    """The same fields and checks as adding an action, filled in with the action as it is."""

    submit = SubmitField(_l("Save changes"), widget=GovSubmitInput())

    @staticmethod
    def data_of(action: Action) -> dict[str, str]:
        return {
            "priority": str(action.priority_id),
            "title": action.title,
            "description": action.description,
            "lead_officer": action.lead_officer,
            "timescale": action.timescale,
            "due_on": action.due_on or "",
            "outputs": action.outputs,
            "outcomes": action.outcomes,
        }


class StatusForm(Form):
    text_labels: ClassVar[dict[str, str]] = {"reason": "The reason"}

    status = SelectField(_l("New status"), widget=GovSelect(), choices=[], validate_choice=False)
    reason = TextAreaField(_l("Reason or note"), widget=GovTextArea())

    def __init__(self, *args: Any, current: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = ((code, shown(label)) for code, label in STATUSES.items() if code != current)
        self.status.choices = choices([("", _("Choose a status")), *others])


class LinkThemeForm(Form):
    theme = SelectField(
        _l("Link a theme this action answers"), widget=GovSelect(), choices=[], validate_choice=False
    )

    def __init__(self, *args: Any, themes: Iterable[ThemeRef] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.theme.choices = choices(
            [("", _("Choose a theme")), *((ref.key, _theme_choice(ref)) for ref in themes)]
        )


def _theme_choice(ref: ThemeRef) -> str:
    return f"{ref.analysis.survey.title} – {ref.analysis.question_text} – {ref.label} ({ref.size})"


class PublicationForm(Form):
    text_labels: ClassVar[dict[str, str]] = {"intro": "The introduction", "open_reason": "The reason"}

    intro = TextAreaField(_l("Introduction"), widget=GovTextArea())
    open_reason = TextAreaField(_l("Why are you publishing before the survey closes?"), widget=GovTextArea())
    # Which of the page's buttons was pressed: "publish", "unpublish" or "save".
    publish = HiddenField()

    @property
    def publishing(self) -> bool | None:
        """True to publish, False to unpublish, None to save only."""
        return {"publish": True, "unpublish": False}.get(self.publish.data or "")


class LinkResponseForm(Form):
    action = SelectField(
        _l("Action this response speaks to"), widget=GovSelect(), choices=[], validate_choice=False
    )


class ImportForm(Form):
    file = FileField(_l("Action plan file"), widget=GovFileInput())
