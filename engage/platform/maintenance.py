"""Housekeeping that must happen even when nobody is looking: purging expired data (and
the hourly work features register with it, such as queueing officers' email alerts).

``run_maintenance()`` is what ``flask --app wsgi maintenance run`` (for cron) calls,
and the job worker schedules it every hour on its own, re-queueing itself. A Redis
key makes sure that several workers do not run it more often than that.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from flask import current_app

from engage.platform import clock, mail
from engage.platform.database import db, engine
from engage.platform.jobs import queue_name
from engage.platform.ratelimit import DatabaseStorage
from surveys import services

log = logging.getLogger(__name__)

INTERVAL = timedelta(hours=1)
TASKS: list[tuple[str, Callable[[], int]]] = []
#: What each step's count is of, when it is not records removed: "Queued" (alert emails).
OUTCOMES: dict[str, str] = {}


def task(name: str, *, outcome: str = "Removed") -> Callable[[Callable[[], int]], Callable[[], int]]:
    """Register a housekeeping step; it returns how many records it removed (or, with
    ``outcome``, how many it did that to: "Queued"). Features register their own steps
    (forums' sign-ups, follow-up addresses, officers' alerts) when they are imported, so
    housekeeping imports no feature; the app factory imports them all."""

    def register(func: Callable[[], int]) -> Callable[[], int]:
        TASKS.append((name, func))
        if outcome != "Removed":
            OUTCOMES[name] = outcome
        return func

    return register


def report(name: str, count: int) -> str:
    """One step's result as a sentence: "Removed 3 expired unfinished survey responses."."""
    return f"{OUTCOMES.get(name, 'Removed')} {count} {name}."


@task("expired unfinished survey responses")
def purge_survey_responses() -> int:
    removed = services.purge_expired(db(), clock.now())
    db().commit()
    return removed


@task("outbox emails (sent, failed or unsent) after the retention period")
def purge_outbox() -> int:

    settings = current_app.config["ENGAGE_SETTINGS"]
    removed = mail.purge(db(), clock.now(), settings.outbox_retention_days)
    db().commit()
    return removed


@task("ended rate-limit windows")
def purge_rate_limit_counts() -> int:
    # Counted in the database when Redis is not configured; an ended window's row is also
    # reused in place, so this only keeps addresses and emails seen once from piling up.

    return DatabaseStorage(engine()).purge_expired()


def run_maintenance() -> dict[str, int]:
    results = {}
    for name, func in TASKS:
        results[name] = func()
        log.info("Maintenance: %s", report(name, results[name]))
    return results


def scheduled_maintenance() -> None:
    """The worker's hourly run; it queues the next one before it starts."""
    from rq import Queue

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    client = app.extensions["engage.redis"]
    queue = Queue(queue_name(app), connection=client)
    lock = f"{queue_name(app)}:maintenance:next"
    if client.set(lock, "1", nx=True, ex=int(INTERVAL.total_seconds()) - 60):
        queue.enqueue_in(
            INTERVAL,
            "engage.platform.jobs.run_in_app_context",
            "engage.platform.maintenance:scheduled_maintenance",
            (),
            {},
        )
    run_maintenance()
