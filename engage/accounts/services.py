"""Staff accounts: passwords, sign-in sessions held on the server, and roles."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engage.accounts.models import Role, StaffSession, StaffUser
from engage.platform import audit, clock
from engage.platform.config import Settings
from surveys import text
from surveys.i18n import N_
from surveys.refusal import RefusedError

MIN_PASSWORD_LENGTH = 12
# Refresh last_seen_at at most this often, so busy pages do not write on every request.
LAST_SEEN_GRANULARITY = timedelta(seconds=60)


class AccountError(RefusedError):
    """A staff account change that cannot be made; the message is shown to the officer."""


def hasher() -> PasswordHasher:
    """Argon2id with the configured cost (lighter in tests, never in production)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    existing: PasswordHasher | None = app.extensions.get("engage.hasher")
    if existing is None:
        settings: Settings = app.config["ENGAGE_SETTINGS"]
        existing = PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_cost,
            parallelism=settings.argon2_parallelism,
        )
        app.extensions["engage.hasher"] = existing
    return existing


def normalise_email(email: str) -> str:
    return email.strip().lower()


def generate_password() -> str:
    """A random password that is easy to read out: four groups of five characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _letter in range(5)) for _group in range(4))


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is not good enough, in plain words in the page's language, or ``None``."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return str(_("Password must be %(num)d characters or more", num=MIN_PASSWORD_LENGTH))
    if len(password) > 256:
        return str(_("Password must be 256 characters or fewer"))
    if email and normalise_email(email).split("@")[0] in password.lower():
        return str(_("Password must not contain your email address"))
    if len(set(password)) < 5:
        return str(_("Password must not repeat the same few characters"))
    return None


def find_by_email(session: Session, email: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


def create_staff(
    session: Session, *, email: str, name: str, role: Role, password: str, must_change: bool = False
) -> StaffUser:
    email = normalise_email(email)
    for label, value in ((_("Full name"), name), (_("Email address"), email)):
        problem = text.problem(str(label), value)
        if problem:
            raise AccountError(problem)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise AccountError(
            _("Enter an email address in the correct format, like name@anyshire.gov.uk")
        ) from None
    if find_by_email(session, email) is not None:
        raise AccountError(_("A staff account with that email address already exists"))
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem)
    user = StaffUser(
        email=email,
        name=name.strip(),
        role=role.value,
        password_hash=hasher().hash(password),
        is_active_account=True,
        must_change_password=must_change,
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: StaffUser, password: str, *, must_change: bool) -> None:
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError(problem)
    user.password_hash = hasher().hash(password)
    user.must_change_password = must_change
    revoke_all_sessions(session, user, reason="password changed")


# A real hash of a random password: checking against it when the email is unknown
# takes as long as a real check, so timing does not reveal which emails exist.
_DUMMY_PASSWORD = secrets.token_urlsafe(16)


def _dummy_hash() -> str:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    value: str | None = app.extensions.get("engage.dummy_hash")
    if value is None:
        value = hasher().hash(_DUMMY_PASSWORD)
        app.extensions["engage.dummy_hash"] = value
    return value


def authenticate(session: Session, email: str, password: str) -> StaffUser | None:
    """The active account with this email and password, or ``None``; same cost either way."""
    # No address has control characters (and PostgreSQL cannot even compare a NUL).
    user = None if any(ord(c) < 32 for c in email) else find_by_email(session, email)
    candidate_hash = user.password_hash if user is not None else _dummy_hash()
    try:
        hasher().verify(candidate_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None or not user.is_active_account:
        return None
    if hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hasher().hash(password)
    return user


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    absolute: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionPolicy:
        return cls(
            idle=timedelta(minutes=settings.staff_idle_minutes),
            absolute=timedelta(hours=settings.staff_absolute_hours),
        )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(
    session: Session, user: StaffUser, *, client_address: str | None, user_agent: str | None
) -> str:
    """Record a new signed-in browser and return the token for its cookie."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    session.add(
        StaffSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            client_address=client_address,
            user_agent=(user_agent or "")[:255] or None,
        )
    )
    user.last_login_at = now
    user.session_token = token
    return token


def resume_session(session: Session, token: str, policy: SessionPolicy) -> StaffUser | None:
    """The staff member behind a cookie's token, if that session is still live.

    Sessions idle for longer than the policy allows, or older than its absolute
    limit, are revoked here, so the same cookie never works again.
    """
    row = session.scalar(select(StaffSession).where(StaffSession.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    now = clock.now()
    reason = None
    if now - row.last_seen_at > policy.idle:
        reason = "idle timeout"
    elif now - row.created_at > policy.absolute:
        reason = "absolute timeout"
    elif not row.user.is_active_account:
        reason = "account deactivated"
    if reason:
        row.revoked_at = now
        row.revoked_reason = reason
        session.commit()
        return None
    if now - row.last_seen_at >= LAST_SEEN_GRANULARITY:
        row.last_seen_at = now
        session.commit()
    user = row.user
    user.session_token = token
    return user


def end_session(session: Session, token: str, reason: str = "signed out") -> None:
    session.execute(
        update(StaffSession)
        .where(StaffSession.token_hash == _token_hash(token), StaffSession.revoked_at.is_(None))
        .values(revoked_at=clock.now(), revoked_reason=reason)
    )


def revoke_all_sessions(session: Session, user: StaffUser, reason: str) -> None:
    session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=clock.now(), revoked_reason=reason)
    )


def count_admins(session: Session) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(StaffUser)
            .where(StaffUser.role == Role.ADMIN.value, StaffUser.is_active_account.is_(True))
        )
        or 0
    )


# Administrators' changes to accounts. Each takes the administrator making the change
# (``by``), applies the rules, and adds its own audit row; the caller commits.

LAST_ADMIN = N_("There must always be at least one administrator")


def _is_last_admin(session: Session, user: StaffUser) -> bool:
    return user.role == Role.ADMIN.value and user.is_active_account and count_admins(session) <= 1


def add_account(
    session: Session, *, email: str, name: str, role: Role, by: StaffUser
) -> tuple[StaffUser, str]:
    """A new account with a one-time password (returned, to be passed on) it must change."""
    password = generate_password()
    user = create_staff(session, email=email, name=name, role=role, password=password, must_change=True)
    audit.record(
        session,
        "staff.created",
        object_type="staff_user",
        object_id=user.id,
        summary=f"Created {user.email} as {user.role_enum.english_label}",
        details={"email": user.email, "role": user.role},
        actor=by,
    )
    return user, password


def update_account(session: Session, user: StaffUser, *, name: str, role: Role, by: StaffUser) -> bool:
    """Change a name or role; whether anything changed. The last administrator stays one."""
    if role is not Role.ADMIN and _is_last_admin(session, user):
        raise AccountError(_(LAST_ADMIN))
    before = {"name": user.name, "role": user.role}
    user.name = name.strip()
    user.role = role.value
    after = {"name": user.name, "role": user.role}
    if before == after:
        return False
    audit.record(
        session,
        "staff.updated",
        object_type="staff_user",
        object_id=user.id,
        summary=f"Updated {user.email}",
        details={"before": before, "after": after},
        actor=by,
    )
    return True


def deactivate(session: Session, user: StaffUser, *, by: StaffUser) -> bool:
    """Stop an account signing in and sign it out everywhere; whether it was active."""
    if user.id == by.id:
        raise AccountError(_("You cannot deactivate your own account"))
    if _is_last_admin(session, user):
        raise AccountError(_(LAST_ADMIN))
    if not user.is_active_account:
        return False
    user.is_active_account = False
    revoke_all_sessions(session, user, reason="account deactivated")
    audit.record(
        session,
        "staff.deactivated",
        object_type="staff_user",
        object_id=user.id,
        summary=f"Deactivated {user.email}",
        actor=by,
    )
    return True


def reactivate(session: Session, user: StaffUser, *, by: StaffUser) -> bool:
    """Let a deactivated account sign in again; whether it was deactivated."""
    if user.is_active_account:
        return False
    user.is_active_account = True
    audit.record(
        session,
        "staff.reactivated",
        object_type="staff_user",
        object_id=user.id,
        summary=f"Reactivated {user.email}",
        actor=by,
    )
    return True


def reset_password(session: Session, user: StaffUser, *, by: StaffUser) -> str:
    """A new one-time password for ``user`` (returned); their sessions are signed out."""
    password = generate_password()
    set_password(session, user, password, must_change=True)
    audit.record(
        session,
        "staff.password_reset",
        object_type="staff_user",
        object_id=user.id,
        summary=f"Reset the password for {user.email}; their sessions were signed out",
        actor=by,
    )
    return password
