"""Admins manage staff accounts in the browser; every change is audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role, StaffUser
from engage.platform.database import db
from engage.platform.models import AuditEvent
from tests.conftest import sign_in
from tests.support.pages import PageClient


def audit_rows(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db().scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_admin_creates_an_account_that_can_sign_in(
    client: PageClient, app: Flask, signed_in: Callable[[Role], StaffUser]
) -> None:
    admin = signed_in(Role.ADMIN)
    form = client.get("/staff/accounts/new")
    assert [i["value"] for i in form.soup.select("input[name=role]")] == [
        "admin",
        "officer",
        "branch_staff",
        "viewer",
    ]
    issued = client.submit(
        form, {"name": "Jo Marsh", "email": "Jo.Marsh@Anyshire.gov.uk", "role": "branch_staff"}
    )
    assert issued.soup.select_one(".govuk-panel__title").get_text(strip=True) == "Account created"
    password = issued.soup.select_one("#one-time-password").get_text(strip=True)
    assert len(password) == 23
    [event] = audit_rows(app, "staff.created")
    assert event.actor_id == admin.id
    assert event.details == {"email": "jo.marsh@anyshire.gov.uk", "role": "branch_staff"}

    other = PageClient(app.test_client())
    first = sign_in(other, "jo.marsh@anyshire.gov.uk", password)
    assert first.h1 == "Change your password", "one-time passwords must be replaced"


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"name": "", "email": "", "role": ""},
            ["Enter their full name", "Enter their work email address", "Select a role"],
        ),
        (
            {"name": "Jo", "email": "not-an-email", "role": "officer"},
            ["Enter an email address in the correct format, like name@example.gov.uk"],
        ),
        ({"name": "Jo", "email": "jo@anyshire.gov.uk", "role": "superuser"}, ["Not a valid choice."]),
        (
            {"name": "J" * 121, "email": "jo@anyshire.gov.uk", "role": "officer"},
            ["Full name must be 120 characters or fewer"],
        ),
    ],
)
def test_create_account_validation(
    client: PageClient, signed_in: Callable[[Role], StaffUser], data: dict[str, str], errors: list[str]
) -> None:
    signed_in(Role.ADMIN)
    page = client.submit(client.get("/staff/accounts/new"), data, expected_status=400)
    assert page.error_summary() == errors
    assert page.title.startswith("Error: ")
    if data["name"]:
        assert page.soup.select_one("input[name=name]")["value"] == data["name"], "typed values are kept"


def test_duplicate_email(
    client: PageClient, signed_in: Callable[[Role], StaffUser], make_staff: Callable[..., StaffUser]
) -> None:
    signed_in(Role.ADMIN)
    existing = make_staff(Role.VIEWER)
    page = client.submit(
        client.get("/staff/accounts/new"),
        {"name": "Copy", "email": existing.email.upper(), "role": "viewer"},
        expected_status=400,
    )
    assert page.error_summary() == ["A staff account with that email address already exists"]


def test_change_role_is_audited(
    client: PageClient,
    app: Flask,
    signed_in: Callable[[Role], StaffUser],
    make_staff: Callable[..., StaffUser],
) -> None:
    signed_in(Role.ADMIN)
    target = make_staff(Role.VIEWER, name="Val Viewer")
    page = client.get(f"/staff/accounts/{target.id}")
    saved = client.submit(page, {"role": "officer"}, selector="main form[novalidate]")
    assert "Changes to Val Viewer's account have been saved" in saved.text
    [event] = audit_rows(app, "staff.updated")
    assert event.details == {
        "before": {"name": "Val Viewer", "role": "viewer"},
        "after": {"name": "Val Viewer", "role": "officer"},
    }


def test_the_last_admin_cannot_be_demoted(
    client: PageClient, app: Flask, signed_in: Callable[[Role], StaffUser]
) -> None:
    admin = signed_in(Role.ADMIN)
    page = client.get(f"/staff/accounts/{admin.id}")
    result = client.submit(page, {"role": "viewer"}, selector="main form[novalidate]", expected_status=400)
    assert result.error_summary() == ["There must always be at least one administrator"]
    assert audit_rows(app, "staff.updated") == []


def test_deactivate_signs_them_out_and_reactivate(
    client: PageClient,
    app: Flask,
    signed_in: Callable[[Role], StaffUser],
    make_staff: Callable[..., StaffUser],
) -> None:
    signed_in(Role.ADMIN)
    target = make_staff(Role.OFFICER)
    theirs = PageClient(app.test_client())
    sign_in(theirs, target.email)
    page = client.get(f"/staff/accounts/{target.id}")
    done = client.submit(page, selector=f"form[action='/staff/accounts/{target.id}/deactivate']")
    assert "has been deactivated and signed out everywhere" in done.text
    theirs.get_redirect("/staff/", to="/staff/sign-in")
    assert sign_in(theirs, target.email).h1 == "Sign in"
    again = client.submit(done, selector=f"form[action='/staff/accounts/{target.id}/reactivate']")
    assert "has been reactivated" in again.text
    assert sign_in(theirs, target.email).h1 == "Dashboard"
    assert [
        e.action for e in audit_rows(app, "staff.deactivated") + audit_rows(app, "staff.reactivated")
    ] == [
        "staff.deactivated",
        "staff.reactivated",
    ]


def test_admin_cannot_deactivate_themselves(
    client: PageClient, signed_in: Callable[[Role], StaffUser]
) -> None:
    admin = signed_in(Role.ADMIN)
    page = client.get(f"/staff/accounts/{admin.id}")
    assert not page.soup.select(f"form[action='/staff/accounts/{admin.id}/deactivate']")
    response = client.client.post(
        f"/staff/accounts/{admin.id}/deactivate",
        data={"csrf_token": page.soup.select_one("input[name=csrf_token]")["value"]},
        follow_redirects=True,
    )
    assert "You cannot deactivate your own account" in response.get_data(as_text=True)


def test_reset_password(
    client: PageClient,
    app: Flask,
    signed_in: Callable[[Role], StaffUser],
    make_staff: Callable[..., StaffUser],
) -> None:
    signed_in(Role.ADMIN)
    target = make_staff(Role.OFFICER)
    theirs = PageClient(app.test_client())
    sign_in(theirs, target.email)
    page = client.get(f"/staff/accounts/{target.id}")
    issued = client.submit(page, selector=f"form[action='/staff/accounts/{target.id}/reset-password']")
    password = issued.soup.select_one("#one-time-password").get_text(strip=True)
    theirs.get_redirect("/staff/", to="/staff/sign-in")  # old sessions end
    assert sign_in(theirs, target.email).h1 == "Sign in", "old password no longer works"
    assert sign_in(theirs, target.email, password).h1 == "Change your password"
    assert len(audit_rows(app, "staff.password_reset")) == 1


def test_unknown_account_is_404(client: PageClient, signed_in: Callable[[Role], StaffUser]) -> None:
    signed_in(Role.ADMIN)
    client.get("/staff/accounts/999999", expected_status=404)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.BRANCH_STAFF, Role.VIEWER])
def test_only_admins_manage_accounts(
    client: PageClient, signed_in: Callable[[Role], StaffUser], role: Role
) -> None:
    signed_in(role)
    for url in ("/staff/accounts", "/staff/accounts/new", "/staff/audit"):
        client.get(url, expected_status=403)
    dashboard = client.get("/staff/")
    assert "Staff accounts" not in [a.get_text(strip=True) for a in dashboard.soup.select("nav a")]


def test_anonymous_visitors_are_sent_to_sign_in(client: PageClient) -> None:
    for url in ("/staff/", "/staff/accounts", "/staff/audit", "/staff/password"):
        assert client.get_redirect(url).startswith("/staff/sign-in?next=")


def test_audit_log_lists_and_pages(
    client: PageClient, app: Flask, signed_in: Callable[[Role], StaffUser]
) -> None:
    signed_in(Role.ADMIN)
    with app.app_context():
        from engage.platform import audit

        for n in range(60):
            audit.record(
                db(),
                "test.event",
                object_type="thing",
                object_id=n,
                summary=f"Event {n}",
                actor=None,
                actor_label="test",
            )
        db().commit()
    first = client.get("/staff/audit")
    assert first.page_title == "Audit log (page 1 of 2)"
    assert "Event 59" in first.text
    second = client.get("/staff/audit?page=2")
    assert "Event 0" in second.text
    client.get("/staff/audit?page=3", expected_status=404)


def test_the_log_names_who_by_their_account_and_keeps_the_label_it_was_written_with(
    client: PageClient, app: Flask, signed_in: Callable[[Role], StaffUser]
) -> None:
    admin = signed_in(Role.ADMIN)
    with app.app_context():
        user = db().get(StaffUser, admin.id)
        assert user is not None
        user.name = "Samira Test"  # renamed since: the log shows the account's name today
        db().commit()
    row = client.get("/staff/audit").soup.select("tbody tr")[-1].get_text(" ", strip=True)
    assert f"Samira Test ({admin.email})" in row and "staff.signed_in" in row
    dashboard = client.get("/staff/").text  # the dashboard says it in words, never the code
    assert "Samira Test: Signed in" in dashboard and "staff.signed_in" not in dashboard
