"""The themes pages' forms: changing the codebook, notes, and quote decisions.

They parse, apply the one text rule and draw; :mod:`engage.themes.services` keeps every
other rule (what a theme may be renamed to, how many parts a split makes), and its refusal
is shown on the form (:func:`engage.platform.forms.refuse`).

The question page has several codebook forms that share field names (``theme``), so each
form gives its fields ids of its own (``rename-theme``, ``merge-into``): the error summary
links to the field that was refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextArea, GovTextInput
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField

from analysis.model import UNASSIGNED
from engage.platform import inputs
from engage.platform.forms import Form, choices
from engage.themes.snapshot import SnapshotTheme

SPLIT_PARTS = ("2", "3", "4", "5")


class CodebookForm(Form):
    """One codebook change; ``action`` says which, and names the form's field ids."""

    action_name: ClassVar[str] = ""
    action = HiddenField()

    def __init__(self, *args: Any, themes: Iterable[SnapshotTheme] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        listed = ((t.id, f"{t.label} ({t.size})") for t in themes)
        theme_choices = choices([("", _("Choose a theme")), *listed])
        for field in self:
            if field.name != "csrf_token":
                field.id = f"{self.action_name}-{field.name}"
            if isinstance(field, SelectField) and not field.choices:
                field.choices = theme_choices
        self.action.data = self.action.data or self.action_name


def _theme_select(label: str) -> SelectField:
    return SelectField(label, widget=GovSelect(), choices=[], validate_choice=False)


class RenameForm(CodebookForm):
    action_name = "rename"
    text_labels: ClassVar[dict[str, str]] = {"label": "The theme's name"}
    theme = _theme_select(_l("Theme"))
    label = StringField(_l("New name"), widget=GovTextInput())


class DescribeForm(CodebookForm):
    action_name = "describe"
    text_labels: ClassVar[dict[str, str]] = {"description": "The description"}
    theme = _theme_select(_l("Theme"))
    description = TextAreaField(_l("Description (optional)"), widget=GovTextArea())


class StatementsForm(CodebookForm):
    """A theme's two sentences about support and opposition (from its own page)."""

    action_name = "statements"
    text_labels: ClassVar[dict[str, str]] = {
        "majority": "The first sentence",
        "minority": "The second sentence",
    }
    theme = _theme_select(_l("Theme"))
    majority = TextAreaField(_l("What most who raised this say"), widget=GovTextArea())
    minority = TextAreaField(_l("What a minority say"), widget=GovTextArea())


class MergeForm(CodebookForm):
    action_name = "merge"
    theme = _theme_select(_l("Merge this theme"))
    into = _theme_select(_l("into this theme (its name is kept)"))


class SplitForm(CodebookForm):
    action_name = "split"
    theme = _theme_select(_l("Theme"))
    parts = SelectField(
        _l("Into this many themes"),
        widget=GovSelect(),
        choices=choices((n, n) for n in SPLIT_PARTS),
        default="2",
        validate_choice=False,
    )

    @property
    def part_count(self) -> int:
        """The number chosen; 0 (which the service refuses) for anything that is not one."""
        return inputs.whole_number(self.parts.data or "", 0, 99) or 0


class SetAsideForm(CodebookForm):
    action_name = "not_relevant"
    theme = _theme_select(_l("Theme"))


class MoveAnswersForm(Form):
    """Move the answers ticked on a theme's page (one form for the page, not one per answer),
    or make a new theme of them.

    The checkboxes are drawn in the answers table (``themes/theme.html``); ``into`` lists
    the other themes and "not relevant"; ``do`` is the button pressed ("move" or "new")."""

    text_labels: ClassVar[dict[str, str]] = {"label": "The new theme's name"}
    answer = SelectMultipleField(_l("Answers"), choices=[], validate_choice=False)
    into = SelectField(
        _l("Move the selected answers to"), widget=GovSelect(), choices=[], validate_choice=False
    )
    # Or make a new theme of them (a split by hand): its name, and the button that says so.
    label = StringField(_l("Or make a new theme of the selected answers, named"), widget=GovTextInput())
    do = HiddenField()

    @property
    def making_a_theme(self) -> bool:
        # Enter in the name box sends the form with its first button ("move"): a name typed
        # and no theme chosen to move to means a new theme all the same.
        named = bool((self.label.data or "").strip()) and not self.into.data
        return self.do.data == "new" or named

    def __init__(
        self, *args: Any, themes: Iterable[SnapshotTheme] = (), here: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        others = [(t.id, f"{t.label} ({t.size})") for t in themes if t.id != here]
        if here != UNASSIGNED:
            others.append((UNASSIGNED, _("Not relevant (no theme)")))
        self.into.choices = choices([("", _("Choose a theme")), *others])


class ReviewForm(Form):
    """One answer's review: where it belongs. The radios are drawn in ``themes/review.html``:
    "accept", "to:<theme id>" for a suggested theme, "move" (with ``target``) or
    "not_relevant"."""

    text_labels: ClassVar[dict[str, str]] = {}
    answer = HiddenField()
    decision = RadioField(_l("Where does this answer belong?"), choices=[], validate_choice=False)
    target = SelectField(_l("Which theme?"), widget=GovSelect(), choices=[], validate_choice=False)

    def __init__(
        self, *args: Any, themes: Iterable[SnapshotTheme] = (), here: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.target.choices = choices(
            [("", _("Choose a theme")), *((t.id, f"{t.label} ({t.size})") for t in themes if t.id != here)]
        )

    def chosen(self) -> tuple[str, str]:
        """(decision, target theme) as :func:`engage.themes.services.review_answer` takes them.
        A theme chosen in "Which theme?" with no radio ticked is a move there: without
        JavaScript the list is always on show, and choosing from it says what was meant."""
        decision = self.decision.data or ""
        if not decision and self.target.data:
            return "move", self.target.data
        if decision.startswith("to:"):
            return "move", decision.removeprefix("to:")
        return decision, (self.target.data or "") if decision == "move" else ""


CODEBOOK_FORMS: dict[str, type[CodebookForm]] = {
    form.action_name: form for form in (RenameForm, MergeForm, SplitForm, SetAsideForm)
}


class UndoLearnForm(Form):
    """Undo the engine's latest re-placing of answers: ``version`` is the codebook
    version that did it, so a stale page cannot undo a later one."""

    version = HiddenField()

    @property
    def version_number(self) -> int:
        value = self.version.data or ""
        return int(value) if value.isdigit() else 0


class NoteForm(Form):
    text_labels: ClassVar[dict[str, str]] = {"note": "The note"}
    note = TextAreaField(_l("Add a note"), widget=GovTextArea())


class QuoteForm(Form):
    """Show or hide one quote: drawn beside every quote (``themes/_quotes.html``); read here."""

    DECISIONS: ClassVar[dict[str, bool]] = {"show": True, "hide": False}

    theme = HiddenField()
    quote = HiddenField()
    decision = HiddenField()
    # The page to go back to: "question" (the default), "theme" or "publication".
    back = HiddenField()

    @property
    def show(self) -> bool | None:
        return self.DECISIONS.get(self.decision.data or "")
