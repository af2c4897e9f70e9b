"""Service level: administrators' account changes apply their rules and write their own
audit rows, naming the administrator who made them (no pages, one app context)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from engage.accounts import services
from engage.accounts.models import Role, StaffSession, StaffUser
from engage.platform.database import db
from engage.platform.models import AuditEvent


def _audit(action: str) -> list[AuditEvent]:
    return list(db().scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _load(user: StaffUser) -> StaffUser:
    found = db().get(StaffUser, user.id)
    assert found is not None
    return found


def test_adding_an_account_issues_a_one_time_password_and_names_the_administrator(
    app: Flask, make_staff: Callable[..., StaffUser]
) -> None:
    admin = make_staff(Role.ADMIN)
    with app.app_context():
        user, password = services.add_account(
            db(), email=" New.Person@Anyshire.gov.uk ", name="New Person", role=Role.VIEWER, by=_load(admin)
        )
        db().commit()
        assert user.email == "new.person@anyshire.gov.uk"
        assert user.must_change_password
        assert services.authenticate(db(), user.email, password) is not None
        [event] = _audit("staff.created")
        assert (event.actor_id, event.actor_label) == (admin.id, admin.email)
        assert event.details == {"email": "new.person@anyshire.gov.uk", "role": "viewer"}


def test_an_unchanged_account_writes_no_audit_row(app: Flask, make_staff: Callable[..., StaffUser]) -> None:
    admin, officer = make_staff(Role.ADMIN), make_staff(Role.OFFICER, name="Pat Officer")
    with app.app_context():
        target = _load(officer)
        assert not services.update_account(
            db(), target, name=" Pat Officer ", role=Role.OFFICER, by=_load(admin)
        )
        assert _audit("staff.updated") == []
        assert services.update_account(db(), target, name="Pat Officer", role=Role.VIEWER, by=_load(admin))
        [event] = _audit("staff.updated")
        assert event.details == {
            "before": {"name": "Pat Officer", "role": "officer"},
            "after": {"name": "Pat Officer", "role": "viewer"},
        }


def test_the_last_administrator_cannot_be_demoted_or_deactivated(
    app: Flask, make_staff: Callable[..., StaffUser]
) -> None:
    only, other = make_staff(Role.ADMIN), make_staff(Role.OFFICER)
    with app.app_context():
        admin = _load(only)
        with pytest.raises(services.AccountError, match="at least one administrator"):
            services.update_account(db(), admin, name=admin.name, role=Role.OFFICER, by=admin)
        with pytest.raises(services.AccountError, match="at least one administrator"):
            services.deactivate(db(), admin, by=_load(other))
        assert admin.role == "admin" and admin.is_active_account
        # With a second administrator, either change is allowed.
        second = _load(other)
        services.update_account(db(), second, name=second.name, role=Role.ADMIN, by=admin)
        assert services.deactivate(db(), admin, by=second)


def test_nobody_deactivates_their_own_account(app: Flask, make_staff: Callable[..., StaffUser]) -> None:
    make_staff(Role.ADMIN)
    me = make_staff(Role.ADMIN)
    with app.app_context(), pytest.raises(services.AccountError, match="your own account"):
        services.deactivate(db(), _load(me), by=_load(me))


def test_deactivating_signs_out_everywhere_and_repeats_are_harmless(
    app: Flask, make_staff: Callable[..., StaffUser]
) -> None:
    admin, viewer = make_staff(Role.ADMIN), make_staff(Role.VIEWER)
    with app.app_context():
        target, by = _load(viewer), _load(admin)
        services.start_session(db(), target, client_address=None, user_agent="test")
        assert services.deactivate(db(), target, by=by)
        assert not services.deactivate(db(), target, by=by)
        live = db().scalars(select(StaffSession).where(StaffSession.user_id == target.id)).all()
        assert live and all(s.revoked_at is not None for s in live)
        assert services.reactivate(db(), target, by=by)
        assert not services.reactivate(db(), target, by=by)
        assert [e.action for e in _audit("staff.deactivated") + _audit("staff.reactivated")] == [
            "staff.deactivated",
            "staff.reactivated",
        ]


def test_a_reset_password_is_new_must_be_changed_and_is_audited(
    app: Flask, make_staff: Callable[..., StaffUser]
) -> None:
    admin, viewer = make_staff(Role.ADMIN), make_staff(Role.VIEWER)
    with app.app_context():
        target = _load(viewer)
        password = services.reset_password(db(), target, by=_load(admin))
        assert target.must_change_password
        assert services.authenticate(db(), target.email, password) is not None
        [event] = _audit("staff.password_reset")
        assert event.actor_id == admin.id
