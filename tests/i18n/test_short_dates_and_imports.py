"""Staff tables' short times are written by the page-language helper (English as strftime
wrote it), and the action plan import's refusals are marked as whole sentences (English
unchanged; staff pages are English for now, so marking makes them translatable)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from flask import Flask
from flask_babel import force_locale

from engage import london_short
from engage.actions.queries import MISSING_THEME, theme_ref
from engage.platform import clock, i18n
from engage.platform.config import PROJECT_ROOT
from tests.support.catalogue import assert_marked, assert_staff_only


@pytest.mark.parametrize("month", range(1, 13))
def test_english_short_times_are_as_strftime_wrote_them(app: Flask, month: int) -> None:
    moment = datetime(2026, month, 3, 14, 5, 9, tzinfo=UTC)
    local = clock.local(moment)
    with app.test_request_context("/staff/"):
        assert london_short(moment) == local.strftime("%d %b %Y %H:%M")
        assert london_short(moment, seconds=True) == local.strftime("%d %b %Y %H:%M:%S")
        assert london_short(moment, padded=False) == local.strftime("%-d %b %Y %H:%M")
    assert london_short(moment) == local.strftime("%d %b %Y %H:%M"), "no request: English"


def test_september_is_sep_and_the_clocks_change_is_followed(app: Flask) -> None:
    with app.test_request_context("/staff/"):
        assert london_short(datetime(2026, 9, 30, 8, 0, tzinfo=UTC)) == "30 Sep 2026 09:00"
        # BST ends at 01:00 UTC on 25 October 2026.
        assert london_short(datetime(2026, 10, 25, 0, 59, 59, tzinfo=UTC), seconds=True) == (
            "25 Oct 2026 01:59:59"
        )
        assert london_short(datetime(2026, 10, 25, 1, 0, 1, tzinfo=UTC), seconds=True) == (
            "25 Oct 2026 01:00:01"
        )
        # BST starts at 01:00 UTC on 29 March 2026; 23:30 UTC the day before is still GMT.
        assert london_short(datetime(2026, 3, 28, 23, 30, tzinfo=UTC)) == "28 Mar 2026 23:30"
        assert london_short(datetime(2026, 3, 29, 1, 30, tzinfo=UTC), padded=False) == "29 Mar 2026 02:30"
        assert london_short(datetime(2026, 3, 3, 9, 5, tzinfo=UTC), padded=False) == "3 Mar 2026 09:05"
        assert london_short(None) == ""


def test_welsh_short_times_have_welsh_months(app: Flask) -> None:
    with app.test_request_context("/staff/"), force_locale("cy"):
        assert london_short(datetime(2026, 3, 3, 14, 5, tzinfo=UTC)) == "03 Maw 2026 14:05"
        assert i18n.short_datetime(datetime(2026, 9, 30, 8, 0), padded=False) == "30 Medi 2026 08:00"
        assert "Dec" not in london_short(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))


def test_the_audit_logs_template_uses_the_helper(app: Flask) -> None:
    row = app.jinja_env.from_string("{{ at | london_short(seconds=True) }}|{{ at | london_short }}")
    at = datetime(2026, 7, 4, 11, 2, 3, tzinfo=UTC)
    with app.test_request_context("/staff/"):
        assert row.render(at=at) == "04 Jul 2026 12:02:03|04 Jul 2026 12:02"
        with force_locale("cy"):
            assert row.render(at=at) == "04 Gorff 2026 12:02:03|04 Gorff 2026 12:02"
    for name in ("outbox", "audit", "accounts", "account_detail", "dashboard"):
        template = (PROJECT_ROOT / "templates" / "staff" / f"{name}.html").read_text(encoding="utf-8")
        assert "%b" not in template and "london_short" in template, name


MARKED = [
    ("Row %(row)s: %(problems)s", "engage/actions/services.py"),
    ("give the priority", "engage/actions/services.py"),
    ("give the action, %(num)d characters or fewer", "engage/actions/services.py"),
    ("say why it is not taken forward in status_reason", "engage/actions/services.py"),
    ("the %(column)s", "engage/actions/services.py"),
    ("The file is not an XLSX workbook Excel can open", "engage/actions/tables.py"),
    (
        "The file has more than %(limit)s actions. An action plan import can have up to %(limit)s actions",
        "engage/actions/tables.py",
    ),
    (
        "Row %(row)s has a cell with more than %(limit)s characters. "
        "Cells in an action plan can have up to %(most)s characters",
        "engage/actions/tables.py",
    ),
    ("Save the CSV file as UTF-8 and upload it again", "engage/actions/tables.py"),
    ("The workbook has no sheets", "engage/actions/tables.py"),
    ("A theme no longer in the analysis", "engage/actions/queries.py"),
]


@pytest.mark.parametrize(("message", "where"), MARKED)
def test_the_imports_refusals_are_extracted(catalogue: Catalog, message: str, where: str) -> None:
    assert_marked(catalogue, message, where)


def test_they_stay_out_of_the_resident_facing_scope(tool: ModuleType, catalogue: Catalog) -> None:
    for message, _where in MARKED:
        assert_staff_only(tool, catalogue, message)


class _Analysis:
    """An analysis whose themes have all gone."""

    def theme(self, theme_id: str) -> None:
        return None


def test_a_missing_themes_label_reads_as_before_and_the_audit_logs_stays_english(app: Flask) -> None:
    with app.test_request_context("/staff/"):
        ref = theme_ref(_Analysis(), "t9")  # type: ignore[arg-type]
    assert (ref.label, ref.exists) == ("A theme no longer in the analysis", False)
    assert MISSING_THEME == "A theme no longer in the analysis"
