"""Concurrent wrong passwords against gunicorn with several workers: no more than the limit
are checked.

The service runs as in production, in gunicorn with two worker processes of four
threads each, on this run's database, once without Redis (the limit is counted in the
database, which every worker shares) and once with Redis. Thirty-two browsers each load
the sign-in form, then all send a wrong password for the same account at the same
moment. An attempt is counted before its password is checked, in one atomic step, so at
most ``login_attempts_per_account`` of them reach the password check (a 400 and a
``staff.sign_in_failed`` audit row); every other one is refused with 429.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from engage.accounts.models import Role, StaffUser
from engage.platform.database import db
from engage.platform.models import AuditEvent
from tests.faults.gunicorn import serve
from tests.support.servers import Resident

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 5
ATTEMPTS = 32


@pytest.fixture(params=["database", "redis"])
def store(request: pytest.FixtureRequest) -> dict[str, str]:
    """The environment that chooses where limits are counted."""
    if request.param == "database":
        return {"ENGAGE_REDIS_URL": ""}
    return {
        "ENGAGE_REDIS_URL": request.getfixturevalue("redis_url"),
        "ENGAGE_REDIS_NAMESPACE": request.getfixturevalue("redis_namespace"),
    }


@pytest.fixture
def served(database_url: str, store: dict[str, str]) -> Iterator[str]:
    """engage under gunicorn: two workers, four threads each, on this test's database."""
    limits = {
        "ENGAGE_LOGIN_ATTEMPTS_PER_ACCOUNT": str(LIMIT),
        "ENGAGE_LOGIN_ATTEMPTS_PER_CLIENT": "1000",
        # Cheap enough for 2 cores, slow enough (a few ms) that checks overlap.
        "ENGAGE_ARGON2_TIME_COST": "2",
        "ENGAGE_ARGON2_MEMORY_COST": "8192",
        "ENGAGE_ARGON2_PARALLELISM": "1",
    }
    args = ("--workers", "2", "--threads", "4", "--worker-class", "gthread", "--log-level", "warning")
    with serve(database_url, args=args, **limits, **store) as (base, _master):
        yield base


def failed_sign_ins(app: Flask) -> int:
    with app.app_context():
        query = select(func.count()).where(AuditEvent.action == "staff.sign_in_failed")
        return int(db().scalar(query) or 0)


def test_concurrent_wrong_passwords_are_limited_across_workers(
    app: Flask, served: str, make_staff: Callable[..., StaffUser]
) -> None:
    user = make_staff(Role.OFFICER)
    browsers = [Resident(served) for _ in range(ATTEMPTS)]
    forms = [
        browser.fill("/staff/sign-in", {"email": user.email, "password": "not the password at all"})
        for browser in browsers
    ]
    start = threading.Barrier(ATTEMPTS)
    statuses: list[Any] = []

    def attempt(browser: Resident, form: tuple[str, list[tuple[str, str]]]) -> None:
        start.wait()
        try:
            statuses.append(browser.send(form[0], form[1])[0])
        except OSError as error:  # pragma: no cover - reported by the assertion below
            statuses.append(error)

    threads = [threading.Thread(target=attempt, args=pair) for pair in zip(browsers, forms, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    checked = statuses.count(400)
    assert sorted(set(map(str, statuses))) <= ["400", "429"], statuses
    assert checked + statuses.count(429) == ATTEMPTS
    assert checked <= LIMIT, f"{checked} of {ATTEMPTS} wrong passwords were checked; the limit is {LIMIT}"
    assert failed_sign_ins(app) == checked
    assert checked == LIMIT, "every attempt up to the limit is checked"
