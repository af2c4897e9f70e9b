"""The staff area's own pages: the dashboard, the audit log and the email outbox.

Staff accounts are administered in :mod:`engage.accounts.admin`."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy import func, select, true

from engage.accounts.decorators import current_staff, role_required
from engage.accounts.models import Role, StaffUser
from engage.platform import audit, clock, logmask
from engage.platform.database import db
from engage.platform.health import database_status, redis_status
from engage.platform.models import AuditEvent, OutboundEmail
from engage.staff import dashboard as dashboard_data
from surveys import text

bp = Blueprint("home", __name__)

AUDIT_PAGE_SIZE = 50


def _names(events: list[AuditEvent]) -> dict[int, str]:
    """Each acting account's current name: the log shows who by name, and keeps the label
    (their email then, or "system") it was written with."""
    ids = {e.actor_id for e in events if e.actor_id is not None}
    if not ids:
        return {}
    found = db().execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(ids)))
    return {row.id: row.name for row in found}


@bp.get("/")
@role_required(Role.VIEWER)
def dashboard() -> str:
    """The officer's dashboard: their surveys first, today's and all responses, and what
    is waiting for someone (see :mod:`engage.staff.dashboard`)."""
    session = db()
    user = current_staff()
    recent = []
    if user.has_role(Role.OFFICER):
        visible = true() if user.has_role(Role.ADMIN) else audit.officer_work()
        recent = list(
            session.scalars(select(AuditEvent).where(visible).order_by(AuditEvent.id.desc()).limit(10))
        )
    is_admin = user.has_role(Role.ADMIN)
    active_staff = (
        session.scalar(
            select(func.count()).select_from(StaffUser).where(StaffUser.is_active_account.is_(True))
        )
        if is_admin
        else None
    )
    return render_template(
        "staff/dashboard.html",
        names=_names(recent),
        title=_("Dashboard"),
        board=dashboard_data.build(session, user.id, clock.now()),
        today=clock.today(),
        recent=recent,
        describe=audit.describe,
        active_staff=active_staff,
        database=database_status() if is_admin else None,
        redis=redis_status() if is_admin else None,
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
        "staff/audit.html",
        title=_("Audit log"),
        events=events,
        names=_names(events),
        page=page,
        pages=pages,
        total=total,
    )


@bp.get("/outbox")
@role_required(Role.OFFICER)
def outbox() -> str:
    """Emails the service has sent or holds. Without SMTP this is where they wait."""
    messages = list(db().scalars(select(OutboundEmail).order_by(OutboundEmail.id.desc()).limit(100)))
    return render_template(
        "staff/outbox.html",
        title=_("Email outbox"),
        messages=messages,
        total=db().scalar(select(func.count()).select_from(OutboundEmail)) or 0,
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
        actor=current_staff(),
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
