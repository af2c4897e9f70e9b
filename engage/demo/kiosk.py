"""The demo kiosk for ``make run``: one tablet at Northgate Central Library, ready to enrol.

Each load issues a fresh one-time code (valid 24 hours) and prints it, so whoever runs the
demo can enrol a browser as the kiosk. The tablet record is never duplicated.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.kiosk import services
from engage.kiosk.models import KioskDevice
from engage.platform import audit

DEMO_KIOSK = "Demo kiosk: children's library"
DEMO_BRANCH = "northgate-central"


def load_demo_kiosk(session: Session, now: datetime, base_url: str) -> Iterator[str]:
    branches = services.branch_choices(session)
    if DEMO_BRANCH not in branches:
        return
    device = session.scalar(
        select(KioskDevice).where(KioskDevice.name == DEMO_KIOSK, KioskDevice.revoked_at.is_(None))
    )
    if device is None:
        device = KioskDevice(
            name=DEMO_KIOSK,
            branch_code=DEMO_BRANCH,
            branch_name=branches[DEMO_BRANCH],
            idle_seconds=120,
            created_at=now,
        )
        session.add(device)
        session.flush()
        audit.record(
            session,
            "kiosk.created",
            object_type="kiosk_device",
            object_id=device.id,
            summary=f"Added demo kiosk at {device.branch_name}",
            actor_label="demo data",
            actor=None,
        )
    code = services.new_enrol_code(device, now)
    session.commit()
    yield ""
    yield f"Demo kiosk ({device.branch_name}): open {base_url}/kiosk/enrol in a browser"
    yield f"  and enter the one-time code {code} (valid for 24 hours; a new one is printed each run)."
