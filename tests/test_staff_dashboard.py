"""The staff dashboard: an officer's surveys (theirs first) with today's and all responses,
and the to-do list — closing soon, themes to review, actions due, "You said, we did" not
published, forum waiting lists — each linking to where it is dealt with. No audit code is
shown, the staff navigation reaches every staff area, and the figures come from a few
aggregate queries however many surveys there are."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from bs4 import Tag
from flask import Flask
from sqlalchemy import event

from engage.accounts.models import Role, StaffUser
from engage.platform import audit
from engage.platform.database import db
from engage.platform.models import AuditEvent
from tests.conftest import FrozenClock, sign_in
from tests.support.dashboard import NOW, seed
from tests.support.pages import Page, PageClient


@pytest.fixture
def officer(
    app: Flask, client: PageClient, frozen_clock: FrozenClock, make_staff: Callable[..., StaffUser]
) -> Page:
    """The dashboard of the officer who made ``mine-open`` and ``mine-draft``."""
    assert frozen_clock() == NOW
    user = make_staff(Role.OFFICER, email="olu.officer@anyshire.gov.uk", name="Olu Officer")
    seed(app, user.email)
    return sign_in(client, user.email)


def _row(page: Page, slug: str) -> dict[str, str]:
    row = page.soup.select_one(f"tr#survey-{slug}")
    assert isinstance(row, Tag), slug
    cells = {str(cell.get("data-figure")): cell for cell in row.select("td[data-figure]")}
    status = row.select("td")[0].get_text(" ", strip=True)
    return {
        "status": status,
        **{name: cell.get_text(" ", strip=True) for name, cell in cells.items()},
        "table": str(row.find_parent("table").get("id")),  # type: ignore[union-attr]
    }


def _items(page: Page, list_id: str) -> list[tuple[str, str]]:
    """(text, link) of each item of one to-do list."""
    found = page.soup.select(f"#{list_id} li")
    return [(li.get_text(" ", strip=True), str(li.select("a")[-1]["href"])) for li in found]


def test_an_officers_surveys_come_first_with_their_status_and_responses(officer: Page) -> None:
    assert officer.h1 == "Dashboard"
    mine = [row["id"] for row in officer.soup.select("#my-surveys tbody tr")]
    others = [row["id"] for row in officer.soup.select("#other-surveys tbody tr")]
    assert sorted(mine) == ["survey-mine-draft", "survey-mine-open"]
    assert sorted(others) == ["survey-theirs-closed", "survey-theirs-done", "survey-theirs-later"]
    assert officer.soup.find("h2", string="Your surveys") and officer.soup.find("h2", string="Other surveys")

    open_row = _row(officer, "mine-open")
    assert open_row["status"] == "Open until 28 November 2026"
    # Two submitted since midnight (1am and 8:55am), three yesterday; the unfinished one never counts.
    assert open_row["today"] == "2"
    assert open_row["total"].startswith("5 ")
    assert open_row["themes"].startswith("1 of 2")
    assert _row(officer, "mine-draft")["status"] == "Draft"
    assert _row(officer, "mine-draft")["themes"] == "Not analysed"
    assert _row(officer, "theirs-later")["status"] == "Not open yet opens on 10 December 2026"
    closed = _row(officer, "theirs-closed")
    assert closed["status"] == "Closed" and closed["today"] == "0" and closed["total"].startswith("1 ")


def test_the_to_do_list_links_each_thing_to_where_it_is_dealt_with(officer: Page) -> None:
    assert _items(officer, "closing-soon") == [
        (
            "Mobile library stops closes in 4 days, on 28 November 2026. 5 responses so far, 2 today.",
            "/staff/surveys/mine-open",
        )
    ]
    assert _items(officer, "themes-to-review") == [
        (
            "Review the themes in Mobile library stops : 1 of 2 themes reviewed.",
            "/staff/surveys/mine-open/themes",
        )
    ]
    actions = _items(officer, "actions-due")
    assert [text.split(" (")[0] for text, _ in actions] == [
        "Overdue Extend Saturday hours",
        "Survey evening demand",
    ]
    assert "was due on 1 November 2026" in actions[0][0]
    assert "is due on 5 December 2026" in actions[1][0]
    assert all(re.fullmatch(r"/staff/actions/\d+", link) for _, link in actions)
    # Not yet published: the closed survey, and the open one with a reviewed theme; not the
    # survey whose page is published, nor the draft.
    said = _items(officer, "said-we-did")
    assert [link for _, link in said] == [
        "/staff/surveys/mine-open/you-said-we-did",
        "/staff/surveys/theirs-closed/you-said-we-did",
    ]
    assert said[0][0].endswith("1 of 2 themes reviewed.") and said[1][0].endswith("the survey has closed.")
    assert _items(officer, "waiting-lists") == [
        (
            "Young people's forum: 2 people on the waiting list . Give them a place if one is free.",
            "/staff/forums/young-people/members?status=waiting",
        )
    ]
    assert officer.soup.select_one("#nothing-to-do") is None


def test_every_to_do_link_opens(officer: Page, client: PageClient) -> None:
    links = {str(a["href"]) for a in officer.soup.select("main a[href^='/staff/']")}
    assert len(links) > 10
    for link in sorted(links):
        client.get(link)


def test_an_officer_with_nothing_waiting_is_told_so(
    client: PageClient, frozen_clock: FrozenClock, make_staff: Callable[..., StaffUser]
) -> None:
    page = sign_in(client, make_staff(Role.OFFICER).email)
    assert page.soup.select_one("#nothing-to-do") is not None
    assert "There are no surveys yet" in page.text


@pytest.mark.parametrize("role", [Role.VIEWER, Role.BRANCH_STAFF])
def test_staff_who_change_nothing_see_the_surveys_but_no_to_do_list(
    app: Flask,
    client: PageClient,
    frozen_clock: FrozenClock,
    make_staff: Callable[..., StaffUser],
    role: Role,
) -> None:
    seed(app, "olu.officer@anyshire.gov.uk")
    page = sign_in(client, make_staff(role).email)
    assert page.soup.select_one("#to-do") is None
    assert page.soup.select_one("#my-surveys") is None  # they made none: one list of every survey
    assert len(page.soup.select("#other-surveys tbody tr")) == 5
    assert _row(page, "mine-open")["today"] == "2"
    assert page.soup.select_one("#recent-activity") is None
    assert page.soup.select_one("#administration") is None
    assert "staff account" not in page.text.lower()


def test_no_audit_code_appears_and_only_admins_see_the_staff_account_count(
    app: Flask, client: PageClient, frozen_clock: FrozenClock, make_staff: Callable[..., StaffUser]
) -> None:
    admin = make_staff(Role.ADMIN, name="Ada Admin")
    make_staff(Role.OFFICER)
    sign_in(client, admin.email)
    with app.app_context():
        audit.record(db(), "survey.something_new", object_type="survey", actor=None)
        db().commit()
        codes = set(db().scalars(AuditEvent.__table__.select().with_only_columns(AuditEvent.action)))
    page = client.get("/staff/")
    recent = page.soup.select_one("#recent-activity")
    assert recent is not None
    shown = recent.get_text(" ", strip=True)
    assert "Ada Admin: Signed in" in shown and "System: Something new" in shown
    assert {"staff.signed_in", "survey.something_new"} <= codes
    for code in codes:
        assert code not in page.text
    assert re.search(r"\b[a-z_]+\.[a-z_]+\b", shown) is None
    administration = page.soup.select_one("#administration")
    assert administration is not None
    assert "2 staff accounts are in use." in administration.get_text(" ", strip=True)
    assert "Active staff accounts" not in page.text


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.VIEWER, ["Dashboard", "Surveys", "Action plan", "Forums", "Your password"]),
        (Role.BRANCH_STAFF, ["Dashboard", "Surveys", "Action plan", "Forums", "Kiosks", "Your password"]),
        (
            Role.OFFICER,
            [
                "Dashboard",
                "Surveys",
                "Action plan",
                "Forums",
                "Kiosks",
                "Outbox",
                "Email alerts",
                "Your password",
            ],
        ),
        (
            Role.ADMIN,
            [
                "Dashboard",
                "Surveys",
                "Action plan",
                "Forums",
                "Kiosks",
                "Outbox",
                "Staff accounts",
                "Audit log",
                "Email alerts",
                "Your password",
            ],
        ),
    ],
)
def test_the_staff_navigation_reaches_every_area_the_role_may_open(
    client: PageClient, signed_in: Callable[[Role], StaffUser], role: Role, expected: list[str]
) -> None:
    signed_in(role)
    page = client.get("/staff/")
    nav = page.soup.select("nav a.govuk-service-navigation__link")
    assert [a.get_text(strip=True) for a in nav] == expected
    for a in nav:
        client.get(str(a["href"]))  # each opens for this role


def test_the_navigation_marks_the_area_a_page_belongs_to(
    client: PageClient, signed_in: Callable[[Role], StaffUser]
) -> None:
    signed_in(Role.OFFICER)

    def active(path: str) -> str:
        current = client.get(path).soup.select_one("nav .govuk-service-navigation__item--active")
        return current.get_text(strip=True) if current else ""

    assert active("/staff/actions") == "Action plan"
    assert active("/staff/actions/coverage") == "Action plan"
    assert active("/staff/kiosks") == "Kiosks"
    assert active("/staff/surveys") == "Surveys"
    assert active("/staff/") == "Dashboard"


def test_the_dashboard_reads_its_figures_in_a_few_queries(
    app: Flask, client: PageClient, frozen_clock: FrozenClock, make_staff: Callable[..., StaffUser]
) -> None:
    user = make_staff(Role.OFFICER, email="olu.officer@anyshire.gov.uk")
    seed(app, user.email)
    sign_in(client, user.email)

    def count_queries() -> int:
        seen: list[str] = []
        engine = app.extensions["engage.engine"]

        def record(*args: object) -> None:
            seen.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", record)
        try:
            client.get("/staff/")
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(seen)

    before = count_queries()
    with app.app_context():
        from tests.support.dashboard import _respond, _survey

        for n in range(6):
            survey = _survey(f"more-{n}", f"More {n}", user.id)
            db().flush()
            _respond(survey, NOW)
        db().commit()
    after = count_queries()
    assert after == before, "a query per survey"
    assert after <= 25
