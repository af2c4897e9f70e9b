"""The audit log: every staff action that changes data adds one row."""

from __future__ import annotations

from typing import Any, Protocol

from flask import has_request_context, request
from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import Session

from engage.platform import clock
from engage.platform.models import AuditEvent

#: What an officer's dashboard may show: changes to the work officers do. Everything else
#: (staff accounts, sign-ins and failed sign-ins, who read which email or member record)
#: is for administrators, who read the whole log under *Audit log*.
OFFICER_WORK = ("survey.", "response.", "themes.", "action_plan.", "forum.", "forums.", "kiosk.")


class Actor(Protocol):
    """Whoever made a change: a staff account (``engage.accounts.models.StaffUser``)."""

    @property
    def id(self) -> int: ...

    @property
    def email(self) -> str: ...


def officer_work() -> ColumnElement[bool]:
    """The audit events about officers' work, which an officer may see outside the audit log."""
    return and_(
        or_(*(AuditEvent.action.startswith(prefix, autoescape=True) for prefix in OFFICER_WORK)),
        ~AuditEvent.action.endswith("_viewed", autoescape=True),
        ~AuditEvent.action.endswith("_exported", autoescape=True),
    )


#: Plain words for events recorded without a summary; the audit log itself keeps the codes.
PLAIN_WORDS = {
    "staff.signed_in": "Signed in",
    "staff.signed_out": "Signed out",
    "staff.sign_in_failed": "A sign-in failed",
}


def describe(event: AuditEvent) -> str:
    """What happened, in words for a dashboard: the event's summary, or else plain words
    for its code ("staff.signed_in" becomes "Signed in"), never the code itself."""
    if event.summary:
        return event.summary
    if event.action in PLAIN_WORDS:
        return PLAIN_WORDS[event.action]
    words = event.action.rsplit(".", 1)[-1].replace("_", " ").strip() or "Made a change"
    return words[:1].upper() + words[1:]


def client_address() -> str | None:
    return request.remote_addr if has_request_context() else None


def record(
    session: Session,
    action: str,
    *,
    object_type: str,
    object_id: object = None,
    summary: str = "",
    details: dict[str, Any] | None = None,
    actor: Actor | None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Add an audit row to ``session``; it is saved with the change it describes.

    ``actor`` is always said: the staff account that made the change (which services take
    as ``by``), or ``None`` for the service itself or a resident (shown as ``actor_label``,
    "system" unless given). Nothing is guessed from the request.
    """
    label = actor_label or (actor.email if actor is not None else "system")
    event = AuditEvent(
        occurred_at=clock.now(),
        actor_id=actor.id if actor is not None else None,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        summary=summary,
        details=details or {},
        client_address=client_address(),
    )
    session.add(event)
    return event
