"""Editing an action after it was added: each edit dated, attributed and listed in plain
English on the action's page; residents see the current wording; an empty field never
reads "None"."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role, StaffUser
from engage.actions.models import Action, ActionEdit
from engage.platform.database import db
from engage.platform.models import AuditEvent
from tests.support.actions import action_id, add_action, add_priority
from tests.support.pages import Page, PageClient
from tests.support.themes import SLUG, analysed, client_for

NONE = re.compile(r"\bNone\b")


def edit_page(officer: PageClient, app: Flask, title: str = "Evening opening pilot") -> Page:
    detail = officer.get(f"/staff/actions/{action_id(app, title)}")
    link = detail.soup.find("a", string="Edit this action")
    assert link is not None, "the action's page links to its edit page"
    return officer.get(str(link["href"]))


def history(page: Page) -> list[str]:
    return [" ".join(item.get_text().split()) for item in page.soup.select("#history li")]


def edits(app: Flask) -> list[ActionEdit]:
    with app.app_context():
        found = list(db().scalars(select(ActionEdit).order_by(ActionEdit.id)))
        for edit in found:
            db().expunge(edit)
        return found


def test_an_edit_is_saved_dated_attributed_and_told_in_plain_english(
    app: Flask, survey: str, officer: PageClient
) -> None:
    add_priority(officer)
    add_priority(officer, title="Opening hours")
    add_action(officer, lead_officer="Service Development Manager", outputs="Visits")
    page = edit_page(officer, app)
    assert page.h1 == "Edit this action"
    form = page.form()
    assert form.select_one("#title")["value"] == "Evening opening pilot"  # type: ignore[index]
    assert form.select_one("#lead_officer")["value"] == "Service Development Manager"  # type: ignore[index]
    assert form.select_one("#outputs").get_text() == "Visits"  # type: ignore[union-attr]
    assert form.select_one("#timescale option[selected]")["value"] == "pilot"  # type: ignore[index]
    priority = form.select_one("#priority option:-soup-contains('Opening hours')")
    assert priority is not None
    saved = officer.submit(
        page,
        {
            "priority": str(priority["value"]),
            "title": "Late opening pilot",
            "lead_officer": "",
            "timescale": "date",
            "due_on": "2027-03-31",
            "description": "Open until 8pm on Thursdays.",
            "outputs": "Visits after 6pm",
        },
    )
    assert saved.h1 == "Late opening pilot"
    assert "Saved your changes to the action" in saved.text
    assert "By 2027-03-31" in saved.text and "Open until 8pm on Thursdays." in saved.text
    lines = history(saved)
    assert len(lines) == 2
    newest = lines[0]
    assert re.match(r"^\d{1,2} [A-Z][a-z]+ 20\d\d at \d{1,2}(:\d\d)?[ap]m, Sam Test ", newest), newest
    for part in (
        "moved it from the priority 'Digital inclusion' to 'Opening hours'",
        "changed the title from 'Evening opening pilot' to 'Late opening pilot'",
        "removed the lead officer ('Service Development Manager')",
        "changed the timescale from 'Pilot' to 'By 2027-03-31'",
        "added a description",
        "changed the output measures",
    ):
        assert part in newest, (part, newest)
    assert "Open until 8pm" not in newest, "long text is summarised, not repeated"
    assert lines[1].endswith("Sam Test added the action (Proposed)"), lines[1]
    [edit] = edits(app)
    assert edit.edited_by_id is not None and edit.edited_at is not None
    assert edit.changes["title"] == ["Evening opening pilot", "Late opening pilot"]
    assert edit.changes["lead_officer"] == ["Service Development Manager", ""]
    assert edit.changes["description"] == ["", "Open until 8pm on Thursdays."]
    assert "outcomes" not in edit.changes
    with app.app_context():
        assert db().get(Action, edit.action_id).due_on == "2027-03-31"  # type: ignore[union-attr]
        event = db().scalar(select(AuditEvent).where(AuditEvent.action == "action_plan.action_edited"))
        assert event is not None and event.actor_id == edit.edited_by_id
        assert event.summary == (
            "Edited action 'Late opening pilot': priority, title, lead officer, timescale, "
            "description, output measures"
        )
        assert event.details["title"] == ["Evening opening pilot", "Late opening pilot"]
    # A status change joins the same history, newest first.
    changed = officer.submit(saved, {"status": "agreed"}, selector="form[action$='/status']")
    assert history(changed)[0].endswith("Sam Test changed the status to 'Agreed'")


def test_an_edit_that_changes_nothing_saves_nothing_and_says_so(
    app: Flask, survey: str, officer: PageClient
) -> None:
    add_priority(officer)
    add_action(officer, description="Open later.")
    # Spaces and a Windows line end are tidied as on creation: still no change.
    page = officer.submit(
        edit_page(officer, app), {"title": "  Evening opening pilot ", "description": "Open later.\r\n"}
    )
    assert "You did not change anything, so nothing was saved" in page.text
    assert page.h1 == "Evening opening pilot"
    assert edits(app) == []
    assert len(history(page)) == 1
    with app.app_context():
        assert db().scalar(select(AuditEvent).where(AuditEvent.action == "action_plan.action_edited")) is None


def test_a_refused_edit_is_a_400_that_keeps_what_was_typed(
    app: Flask, survey: str, officer: PageClient
) -> None:
    add_priority(officer)
    add_action(officer)
    page = edit_page(officer, app)
    refused = officer.submit(
        page,
        {
            "title": "",
            "timescale": "date",
            "due_on": "31/03/2027",
            "description": "Open until 8pm on Thursdays.",
            "lead_officer": "Library manager\x00",
        },
        expected_status=400,
    )
    assert refused.error_summary() == [
        "Enter what the action is, 200 characters or fewer",
        "The lead officer must not contain line breaks or hidden control characters",
        "Enter the date as year-month-day, like 2027-03-31",
    ]
    form = refused.form()
    assert form.select_one("#description").get_text() == "Open until 8pm on Thursdays."  # type: ignore[union-attr]
    assert form.select_one("#due_on")["value"] == "31/03/2027"  # type: ignore[index]
    assert form.select_one("#timescale option[selected]")["value"] == "date"  # type: ignore[index]
    assert edits(app) == []
    with app.app_context():
        assert db().scalar(select(Action.title)) == "Evening opening pilot"
    # Without the CSRF token nothing is saved either.
    sent = officer.post(
        f"/staff/actions/{action_id(app)}/edit",
        data={"title": "Forged", "timescale": "pilot", "priority": "1"},
    )
    assert sent.status_code == 400
    assert edits(app) == []


def test_only_those_who_can_add_actions_can_edit_them(
    app: Flask, survey: str, officer: PageClient, make_staff: Callable[..., StaffUser]
) -> None:
    add_priority(officer)
    add_action(officer)
    url = f"/staff/actions/{action_id(app)}/edit"
    viewer = client_for(app, make_staff, Role.VIEWER)
    detail = viewer.get(f"/staff/actions/{action_id(app)}")
    assert detail.soup.find("a", string="Edit this action") is None
    viewer.get(url, expected_status=403)
    token = detail.soup.select_one("input[name=csrf_token]")
    data = {"title": "Forged", "timescale": "pilot", "priority": "1"}
    if token is not None:
        data["csrf_token"] = str(token["value"])
    assert viewer.post(url, data=data).status_code == 403
    officer.get("/staff/actions/99999999999999999999/edit", expected_status=404)
    assert edits(app) == []


def test_empty_fields_never_read_none_on_the_staff_pages(
    app: Flask, survey: str, officer: PageClient
) -> None:
    add_priority(officer)
    page = add_action(officer)
    summary = page.soup.select_one(".govuk-summary-list")
    assert summary is not None
    assert not NONE.search(summary.get_text(" ", strip=True)), summary.get_text(" ", strip=True)
    assert "Not given" in summary.get_text(" ", strip=True)
    assert not NONE.search(officer.get("/staff/actions").text)
    assert not NONE.search(edit_page(officer, app).text)


def test_residents_see_the_edited_action_and_no_none(
    app: Flask, themed: list[dict[str, object]], officer: PageClient
) -> None:
    add_priority(officer)
    page = add_action(officer, lead_officer="Service Development Manager")
    page = officer.submit(
        page, {"theme": f"{analysed(app).id}:{themed[0]['id']}"}, selector="form[action$='/themes']"
    )
    officer.submit(page, {"status": "agreed"}, selector="form[action$='/status']")
    editor = officer.get(f"/staff/surveys/{SLUG}/you-said-we-did")
    officer.submit(
        editor,
        {"intro": "Thank you.", "publish": "publish", "open_reason": "An interim update"},
        selector="main form",
    )
    public = PageClient(app.test_client())
    before = public.get(f"/you-said-we-did/{SLUG}")
    assert "Evening opening pilot" in before.text
    assert not NONE.search(before.text), "an action with no description shows no 'None'"
    officer.submit(
        edit_page(officer, app),
        {"title": "Late opening pilot", "lead_officer": "", "description": "Until 8pm on Thursdays."},
    )
    after = public.get(f"/you-said-we-did/{SLUG}")
    assert "Late opening pilot" in after.text and "Until 8pm on Thursdays." in after.text
    assert "Evening opening pilot" not in after.text
    assert not NONE.search(after.text)
    feed = public.client.get("/you-said-we-did/feed.atom").get_data(as_text=True)
    assert "Late opening pilot" in feed and "Evening opening pilot" not in feed
