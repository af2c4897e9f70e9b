"""Staff-facing text from models, services and jobs is marked for translation (English
unchanged): roles, alerts, action statuses and timescales, forum statuses and audiences,
kiosk states, "Not recorded", the accounts' and themes' refusals, the analysis job's
progress, and the PDF report's date, written by the page-language date helper."""

from __future__ import annotations

import re
from datetime import datetime
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog
from flask import Flask
from flask_babel import force_locale

from engage import staff_name
from engage.accounts.models import Role
from engage.actions.models import Action, ActionStatus
from engage.alerts.models import AlertKind
from engage.forums.models import ForumMember
from engage.platform import i18n
from engage.platform.config import PROJECT_ROOT
from engage.platform.models import EmailStatus
from engage.themes import models as theme_models
from engage.themes.models import PROGRESS_MESSAGES, progress_message
from tests.support.catalogue import assert_marked, assert_staff_only

# Each item's representative strings, and the file that marks them.
MARKED = [
    ("Administrator", "engage/accounts/models.py"),
    ("Branch staff", "engage/accounts/models.py"),
    ("Reads reports and responses but changes nothing.", "engage/accounts/models.py"),
    ("A daily digest of new responses", "engage/alerts/models.py"),
    ("emails about forum sign-ups", "engage/alerts/models.py"),
    ("In progress", "engage/actions/models.py"),
    ("Roll-out", "engage/actions/models.py"),
    ("On the waiting list", "engage/forums/models.py"),
    ("Only members who asked for update emails", "engage/forums/services.py"),
    ("Waiting to be enrolled", "engage/kiosk/models.py"),
    ("Failed", "engage/platform/models.py"),
    ("Not recorded", "engage/__init__.py"),
    ("Password must be %(num)d characters or more", "engage/accounts/services.py"),
    ("There must always be at least one administrator", "engage/accounts/services.py"),
    ("You cannot deactivate your own account", "engage/accounts/services.py"),
    ("Select two different themes to merge", "engage/themes/services.py"),
    ("Enter a new name for the theme, %(num)d characters or fewer", "engage/themes/services.py"),
    ("Enter the second sentence, or put back the draft", "engage/themes/services.py"),
    ("Waiting to start", "engage/themes/models.py"),
    ("Finding themes in %(num)s answers", "engage/themes/models.py"),
    ("The analysis stopped with an error: %(error)s", "engage/themes/models.py"),
    ("Consultation report made on %(date)s at %(time)s.", "templates/reports/pdf.html"),
]


@pytest.mark.parametrize(("message", "where"), MARKED)
def test_staff_text_from_models_services_and_jobs_is_extracted(
    catalogue: Catalog, message: str, where: str
) -> None:
    assert_marked(catalogue, message, where)


def test_staff_only_strings_stay_out_of_the_resident_facing_scope(
    tool: ModuleType, catalogue: Catalog
) -> None:
    """Staff strings marked in the kiosk's and platform's models (folders the residents'
    pages also use) are left out of the resident-facing scope by scripts/i18n.py's
    STAFF_ONLY, so no complete language has to translate them."""
    for message in ("Waiting to be enrolled", "Revoked", "Outbox", "Administrator", "Not recorded"):
        assert_staff_only(tool, catalogue, message)


def test_labels_read_as_before_in_english(app: Flask) -> None:
    with app.test_request_context("/staff/"):
        assert Role.BRANCH_STAFF.label == "Branch staff" == Role.BRANCH_STAFF.english_label
        assert AlertKind.ACTION_DUE.stop_label == "emails about actions due"
        assert AlertKind.DIGEST.short == "daily digest"
        assert EmailStatus.FAILED.label == "Failed"
        assert ActionStatus.NOT_TAKEN_FORWARD.label == "Not taken forward"
        action = Action(status="in_progress", timescale="date", due_on="2027-03-31")
        assert (action.status_label, action.timescale_label) == ("In progress", "By 2027-03-31")
        assert ForumMember(status="waiting").status_label == "On the waiting list"
        assert staff_name(None) == "Not recorded"


def test_shared_labels_are_translated_where_welsh_already_has_them(app: Flask) -> None:
    """An action's status and a forum member's status use the msgids the residents' pages
    use, so a Welsh page or email shows them in Welsh."""
    with app.test_request_context("/"), force_locale("cy"):
        assert Action(status="agreed", timescale="pilot").status_label == "Cytunwyd"
        assert ForumMember(status="active").status_label == "Aelod"


def test_progress_messages_are_stored_in_english_and_shown_in_the_page_language(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    samples = {"num": "1,234", "error": "the model could not be read: 50% done"}
    with app.test_request_context("/staff/"):
        for message in PROGRESS_MESSAGES:
            stored = message % {k: v for k, v in samples.items() if f"%({k})s" in message}
            assert progress_message(stored) == stored, "English is unchanged"

    def translated(message: str, **variables: Any) -> str:
        """A made-up language: the English in brackets."""
        return f"[{message}]" % variables

    monkeypatch.setattr(theme_models, "_", translated)
    assert progress_message("Placing 3 new answers in the themes") == "[Placing 3 new answers in the themes]"
    assert (
        progress_message("The analysis stopped with an error: 5%")
        == "[The analysis stopped with an error: 5%]"
    )
    assert progress_message("Something else") == "Something else"


def _made_on_line() -> str:
    template = (PROJECT_ROOT / "templates" / "reports" / "pdf.html").read_text(encoding="utf-8")
    found = re.search(r"^<p class=\"muted\">\{\{ _\('Consultation report made on.*$", template, re.MULTILINE)
    assert found is not None
    return found.group(0)


class _NoFilters:
    def args(self) -> dict[str, str]:
        return {}


def test_the_pdf_is_english_and_its_date_comes_from_the_page_language_helper(app: Flask) -> None:
    """The PDF is made on a staff address, so it is in English (staff pages are English for
    now); its date is written by the page-language helper, so a PDF in Welsh would have a
    Welsh date."""
    made_at = datetime(2026, 3, 3, 18, 30, tzinfo=ZoneInfo("Europe/London"))
    line = app.jinja_env.from_string(_made_on_line())
    with app.test_request_context("/staff/surveys/a-survey/report.pdf"):
        assert i18n.current() == "en"
        english = line.render(made_at=made_at, filters=_NoFilters())
        assert "Consultation report made on 3 March 2026 at 18:30." in english
        with force_locale("cy"):
            welsh = line.render(made_at=made_at, filters=_NoFilters())
    assert "3 Mawrth 2026" in welsh and "March" not in welsh
