"""The staff area: dashboard, staff accounts (admins) and the audit log."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select

from engage import accounts
from engage.auth.decorators import role_required
from engage.models import AuditEvent, OutboundEmail, Role, StaffUser
from engage.platform import audit, logmask
from engage.platform.database import db
from engage.platform.forms import form_status
from engage.platform.health import database_status, redis_status
from engage.staff.forms import EditStaffForm, StaffAccountForm
from surveys import text

bp = Blueprint("home", __name__)

AUDIT_PAGE_SIZE = 50


def _me() -> StaffUser:
    return current_user._get_current_object()  # type: ignore[no-any-return]


@bp.get("/")
@role_required(Role.VIEWER)
def dashboard() -> str:
    session = db()
    recent = []
    if _me().has_role(Role.OFFICER):
        visible = audit.visible_to(Role.ADMIN if _me().has_role(Role.ADMIN) else Role.OFFICER)
        recent = list(
            session.scalars(select(AuditEvent).where(visible).order_by(AuditEvent.id.desc()).limit(10))
        )
    active_staff = session.scalar(
        select(func.count()).select_from(StaffUser).where(StaffUser.is_active_account.is_(True))
    )
    return render_template(
        "staff/dashboard.html",
        title="Dashboard",
        recent=recent,
        active_staff=active_staff,
        database=database_status() if _me().has_role(Role.ADMIN) else None,
        redis=redis_status() if _me().has_role(Role.ADMIN) else None,
    )


@bp.get("/accounts")
@role_required(Role.ADMIN)
def accounts_list() -> str:
    users = list(db().scalars(select(StaffUser).order_by(StaffUser.is_active_account.desc(), StaffUser.name)))
    return render_template("staff/accounts.html", title="Staff accounts", users=users)


@bp.route("/accounts/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def account_new() -> ResponseReturnValue:
    form = StaffAccountForm()
    if form.validate_on_submit():
        password = accounts.generate_password()
        try:
            user = accounts.create_staff(
                db(),
                email=form.email.data or "",
                name=form.name.data or "",
                role=Role(form.role.data),
                password=password,
                must_change=True,
            )
        except accounts.AccountError as error:
            form.email.errors = [str(error)]
        else:
            audit.record(
                db(),
                "staff.created",
                object_type="staff_user",
                object_id=user.id,
                summary=f"Created {user.email} as {user.role_enum.label}",
                details={"email": user.email, "role": user.role},
            )
            db().commit()
            return render_template(
                "staff/password_issued.html",
                title="Account created",
                user=user,
                password=password,
                created=True,
            )
    return render_template("staff/account_new.html", title="Add a staff account", form=form), form_status(
        form
    )


def _get_user(user_id: int) -> StaffUser:
    user = db().get(StaffUser, user_id)
    if user is None:
        abort(404)
    return user


def _would_remove_last_admin(user: StaffUser, new_role: str | None = None, deactivate: bool = False) -> bool:
    if user.role != Role.ADMIN.value or not user.is_active_account:
        return False
    losing_admin = deactivate or (new_role is not None and new_role != Role.ADMIN.value)
    return losing_admin and accounts.count_admins(db()) <= 1


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def account_detail(user_id: int) -> ResponseReturnValue:
    user = _get_user(user_id)
    form = EditStaffForm(obj=user)
    if form.validate_on_submit():
        new_role = form.role.data or user.role
        if _would_remove_last_admin(user, new_role=new_role):
            form.role.errors = ["There must always be at least one administrator"]
        else:
            before = {"name": user.name, "role": user.role}
            user.name = (form.name.data or "").strip()
            user.role = new_role
            after = {"name": user.name, "role": user.role}
            if before != after:
                audit.record(
                    db(),
                    "staff.updated",
                    object_type="staff_user",
                    object_id=user.id,
                    summary=f"Updated {user.email}",
                    details={"before": before, "after": after},
                )
                db().commit()
                flash(f"Changes to {user.name}'s account have been saved.", "success")
            return redirect(url_for("staff.home.account_detail", user_id=user.id))
    sessions_live = sum(1 for s in user.sessions if s.revoked_at is None)
    return render_template(
        "staff/account_detail.html",
        title=user.name,
        user=user,
        form=form,
        sessions_live=sessions_live,
    ), form_status(form)


@bp.post("/accounts/<int:user_id>/deactivate")
@role_required(Role.ADMIN)
def account_deactivate(user_id: int) -> ResponseReturnValue:
    user = _get_user(user_id)
    if user.id == _me().id:
        flash("You cannot deactivate your own account.", "info")
    elif _would_remove_last_admin(user, deactivate=True):
        flash("There must always be at least one administrator.", "info")
    elif user.is_active_account:
        user.is_active_account = False
        accounts.revoke_all_sessions(db(), user, reason="account deactivated")
        audit.record(
            db(),
            "staff.deactivated",
            object_type="staff_user",
            object_id=user.id,
            summary=f"Deactivated {user.email}",
        )
        db().commit()
        flash(f"{user.name}'s account has been deactivated and signed out everywhere.", "success")
    return redirect(url_for("staff.home.account_detail", user_id=user.id))


@bp.post("/accounts/<int:user_id>/reactivate")
@role_required(Role.ADMIN)
def account_reactivate(user_id: int) -> ResponseReturnValue:
    user = _get_user(user_id)
    if not user.is_active_account:
        user.is_active_account = True
        audit.record(
            db(),
            "staff.reactivated",
            object_type="staff_user",
            object_id=user.id,
            summary=f"Reactivated {user.email}",
        )
        db().commit()
        flash(f"{user.name}'s account has been reactivated.", "success")
    return redirect(url_for("staff.home.account_detail", user_id=user.id))


@bp.post("/accounts/<int:user_id>/reset-password")
@role_required(Role.ADMIN)
def account_reset_password(user_id: int) -> ResponseReturnValue:
    user = _get_user(user_id)
    password = accounts.generate_password()
    accounts.set_password(db(), user, password, must_change=True)
    audit.record(
        db(),
        "staff.password_reset",
        object_type="staff_user",
        object_id=user.id,
        summary=f"Reset the password for {user.email}; their sessions were signed out",
    )
    db().commit()
    return render_template(
        "staff/password_issued.html", title="Password reset", user=user, password=password, created=False
    )


@bp.get("/audit")
@role_required(Role.ADMIN)
def audit_log() -> str:
    page = request.args.get("page", default=1, type=int) or 1
    if page < 1:
        abort(404)
    session = db()
    total = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    pages = max(1, (total + AUDIT_PAGE_SIZE - 1) // AUDIT_PAGE_SIZE)
    if page > pages:
        abort(404)
    events = list(
        session.scalars(
            select(AuditEvent)
            .order_by(AuditEvent.id.desc())
            .limit(AUDIT_PAGE_SIZE)
            .offset((page - 1) * AUDIT_PAGE_SIZE)
        )
    )
    return render_template(
        "staff/audit.html", title="Audit log", events=events, page=page, pages=pages, total=total
    )


@bp.get("/outbox")
@role_required(Role.OFFICER)
def outbox() -> str:
    """Emails the service has sent or holds. Without SMTP this is where they wait."""
    messages = list(db().scalars(select(OutboundEmail).order_by(OutboundEmail.id.desc()).limit(100)))
    return render_template(
        "staff/outbox.html",
        title="Email outbox",
        messages=messages,
        retention_days=current_app.config["ENGAGE_SETTINGS"].outbox_retention_days,
    )


@bp.get("/outbox/<int:message_id>")
@role_required(Role.OFFICER)
def outbox_message(message_id: int) -> str:
    message = db().get(OutboundEmail, message_id)
    if message is None:
        abort(404)
    audit.record(
        db(),
        "email.viewed",
        object_type="outbound_email",
        object_id=message.id,
        summary=f"Read an outbox email ({message.purpose})",
    )
    db().commit()
    # A subject that could not be sent may hold a line break: show it on one line.
    subject = text.remove(message.subject)
    shown_in_full = _settings_env() == "development"
    return render_template(
        "staff/outbox_message.html",
        title=subject,
        subject=subject,
        message=message,
        body=message.text_body if shown_in_full else mask_secrets_in_email(message.text_body),
        shown_in_full=shown_in_full,
    )


#: The resume code in a "save and come back later" email ("enter this code: ABCD-EFGH").
_RESUME_CODE = re.compile(r"(code:?\s*)[A-Z0-9]{4}-[A-Z0-9]{4}\b", re.IGNORECASE)


def mask_secrets_in_email(body: str) -> str:
    """An email as staff may read it: every self-service token and resume code hidden, so
    nobody can act as the person it was sent to. (Development shows them, to try the links.)"""
    return _RESUME_CODE.sub(lambda match: match.group(1) + logmask.HIDDEN, logmask.mask(body))


def _settings_env() -> str:
    return str(current_app.config["ENGAGE_SETTINGS"].env)
