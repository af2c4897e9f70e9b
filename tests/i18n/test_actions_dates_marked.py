"""The action plan's history sentences and refusals are marked for translation, and staff
pages' and officers' alert emails' dates are written by the page-language date helper
(English unchanged; staff pages are English for now, so marking makes them translatable)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from flask import Flask
from flask_babel import force_locale

from engage.actions.models import Action, StatusChange
from engage.actions.queries import describe_edit, history
from engage.platform import i18n
from engage.platform.config import PROJECT_ROOT
from tests.support.catalogue import assert_marked, assert_staff_only

MARKED = [
    ("added the action (%(status)s)", "engage/actions/queries.py"),
    ("changed the status to '%(status)s'", "engage/actions/queries.py"),
    ("changed the title from '%(old)s' to '%(new)s'", "engage/actions/queries.py"),
    ("moved it from the priority '%(old)s' to '%(new)s'", "engage/actions/queries.py"),
    ("added a description", "engage/actions/queries.py"),
    ("%(changes)s and %(last)s", "engage/actions/queries.py"),
    ("made no change", "engage/actions/queries.py"),
    ("Enter what the action is, %(num)d characters or fewer", "engage/actions/services.py"),
    ("The action is already '%(status)s'", "engage/actions/services.py"),
    ("Say why the action is not being taken forward: residents will read it", "engage/actions/services.py"),
    ("The first row must name the columns; missing: %(columns)s", "engage/actions/services.py"),
    ("This response is already linked to that action", "engage/actions/services.py"),
]


@pytest.mark.parametrize(("message", "where"), MARKED)
def test_the_history_and_the_refusals_are_extracted(catalogue: Catalog, message: str, where: str) -> None:
    assert_marked(catalogue, message, where)


def test_they_stay_out_of_the_resident_facing_scope(tool: ModuleType, catalogue: Catalog) -> None:
    for message in ("changed the status to '%(status)s'", "The action is already '%(status)s'"):
        assert_staff_only(tool, catalogue, message)


def test_an_edit_reads_as_before_in_english(app: Flask) -> None:
    changes = {
        "priority": ["Digital inclusion", "Opening hours"],
        "title": ["Evening opening pilot", "Late opening pilot"],
        "lead_officer": ["Service Development Manager", ""],
        "timescale": ["Pilot", "By 2027-03-31"],
        "description": ["", "Open until 8pm."],
        "outputs": ["Visits", "Visits after 6pm"],
        "outcomes": ["Better access", ""],
        "old_field": ["", "x"],
    }
    with app.test_request_context("/staff/"):
        assert describe_edit(changes) == (
            "moved it from the priority 'Digital inclusion' to 'Opening hours', "
            "changed the title from 'Evening opening pilot' to 'Late opening pilot', "
            "removed the lead officer ('Service Development Manager'), "
            "changed the timescale from 'Pilot' to 'By 2027-03-31', added a description, "
            "changed the output measures, removed the impact outcomes and added old field"
        )
        assert describe_edit({"timescale": ["", "Ongoing"]}) == "set the timescale to 'Ongoing'"
        assert describe_edit({"outputs": ["", "x"]}) == "added output measures"
        assert describe_edit({}) == "made no change"
    # Outside a request (a job), English too.
    assert describe_edit({"title": ["A", "B"]}) == "changed the title from 'A' to 'B'"


def test_the_status_history_reads_as_before_in_english(app: Flask) -> None:
    first, later = datetime(2026, 3, 3, 9, tzinfo=UTC), datetime(2026, 3, 4, 9, tzinfo=UTC)
    action = Action(status="agreed", timescale="pilot")
    action.history = [
        StatusChange(id=1, status="proposed", reason="", changed_at=first),
        StatusChange(id=2, status="agreed", reason="Funded", changed_at=later),
    ]
    with app.test_request_context("/staff/"):
        items = history(action)
    assert [item.did for item in items] == ["changed the status to 'Agreed'", "added the action (Proposed)"]
    assert items[0].reason == "Funded"


def _dashboard_due_line() -> str:
    template = (PROJECT_ROOT / "templates" / "staff" / "dashboard.html").read_text(encoding="utf-8")
    found = re.search(r"^\s*<li>\{% set link %\}.*was due on.*$", template, re.MULTILINE)
    assert found is not None
    return found.group(0)


class _Due:
    id, title, priority, overdue, status_label = 1, "Extend Saturday hours", "Opening hours", True, "Agreed"
    due_on = date(2026, 11, 1)


def test_the_dashboards_due_date_is_english_as_before_and_would_follow_the_page(app: Flask) -> None:
    line = app.jinja_env.from_string(_dashboard_due_line())
    with app.test_request_context("/staff/"):
        english = line.render(action=_Due())
        with force_locale("cy"):
            welsh = line.render(action=_Due())
    assert "(Opening hours) was due on 1 November 2026." in english
    assert "1 Tachwedd 2026" in welsh and "November" not in welsh


def test_the_alert_emails_date_helper_needs_no_request(app: Flask) -> None:
    """Alert emails are made by a command-line job: with no request, dates are English."""
    with app.app_context():
        assert i18n.long_date(date(2026, 11, 1)) == "1 November 2026"
    assert i18n.long_date(date(2026, 12, 5)) == "5 December 2026"
