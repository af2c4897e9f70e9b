"""Demonstration data for ``make run``: idempotent, so running it twice changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.orm import Session

from engage.accounts import services as accounts
from engage.accounts.models import Role
from engage.demo.actions import load_demo_actions, load_demo_publication
from engage.demo.forums import load_demo_forums
from engage.demo.heritage import load_demo_closed_consultation
from engage.demo.kiosk import load_demo_kiosk
from engage.demo.surveys import load_demo_surveys
from engage.platform import audit, clock

DEMO_STAFF = [
    ("demo.admin@anyshire.gov.uk", "Priya Shah", Role.ADMIN),
    ("demo.officer@anyshire.gov.uk", "Tom Okafor", Role.OFFICER),
    ("demo.branch@anyshire.gov.uk", "Gwen Davies", Role.BRANCH_STAFF),
    ("demo.viewer@anyshire.gov.uk", "Alan Burke", Role.VIEWER),
]


def _demo_password(instance_path: Path) -> str:
    """One password for every demo account, kept in the instance folder (never committed)."""
    path = instance_path / "demo-password.txt"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    password = accounts.generate_password()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password + "\n", encoding="utf-8")
    path.chmod(0o600)
    return password


def load_demo(session: Session, instance_path: str, base_url: str = "http://127.0.0.1:5000") -> Iterator[str]:
    """Load the demo (idempotent); the lines to print name addresses under ``base_url``."""
    base_url = base_url.rstrip("/")
    password = _demo_password(Path(instance_path))
    for email, name, role in DEMO_STAFF:
        user = accounts.find_by_email(session, email)
        if user is None:
            user = accounts.create_staff(session, email=email, name=name, role=role, password=password)
            audit.record(
                session,
                "staff.created",
                object_type="staff_user",
                object_id=user.id,
                summary=f"Created demo account {email} as {role.label}",
                actor_label="demo data",
                actor=None,
            )
            yield f"Created demo staff account {email} ({role.label})."
        elif accounts.authenticate(session, email, password) is None:
            # Someone changed it while exploring: put back the printed password.
            accounts.set_password(session, user, password, must_change=False)
            user.is_active_account = True
            yield f"Reset demo staff account {email} to the printed password."
    session.commit()
    yield from load_demo_surveys(session, clock.now())
    yield from load_demo_forums(session, clock.now())
    officer = accounts.find_by_email(session, DEMO_STAFF[1][0])
    yield from load_demo_actions(session, clock.now(), officer)
    yield from load_demo_publication(session, clock.now(), officer)
    yield from load_demo_closed_consultation(session, clock.now(), officer)
    yield from load_demo_kiosk(session, clock.now(), base_url)
    yield ""
    yield f"Demo staff sign in: {base_url}/staff/sign-in"
    yield f"  email:    {DEMO_STAFF[0][0]}  (administrator)"
    yield f"  password: {password}"
    yield f"  Also: {', '.join(email for email, _, _ in DEMO_STAFF[1:])} with the same password."
