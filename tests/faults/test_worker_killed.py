"""A gunicorn worker killed (SIGKILL) in the middle of storing a submission.

The service runs as in production, in gunicorn, against this run's database. The test
holds a lock so the worker's submission stops half-way through its transaction (on
PostgreSQL after inserting the submission row and updating the response, waiting to
insert the equality record; on SQLite waiting for the write lock), kills the worker
there, and checks the response was stored not at all; then the resident's retry, served
by the replacement worker, stores it exactly once, and a second retry changes nothing.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from engage.platform import clock, database
from engage.platform.database import db
from surveys import services
from surveys.models import Response, Submission
from tests.residents.conftest import SURVEY
from tests.support.servers import Resident, healthy, wait_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def served(app: Flask, database_url: str, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """engage under gunicorn (one sync worker) on this test's database."""
    with app.app_context():
        version = services.save_definition(db(), dict(SURVEY), clock.now())
        services.publish(db(), version.survey, clock.now())
        db().commit()
    from tests.faults.gunicorn import serve

    with serve(
        database_url, args=("--workers", "1", "--log-level", "warning"), ENGAGE_REDIS_URL=""
    ) as served:
        yield served


def worker_pids(master: subprocess.Popen[bytes]) -> set[int]:
    found = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True, check=False)
    return {int(pid) for pid in found.stdout.split()}


class SubmissionBlocker:
    """Hold a lock that stops a submission half-way through its transaction."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.backend = make_url(database_url).get_backend_name()

    def __enter__(self) -> SubmissionBlocker:
        if self.backend == "sqlite":
            self.sqlite = sqlite3.connect(make_url(self.url).database or "", isolation_level=None)
            self.sqlite.execute("BEGIN IMMEDIATE")
        else:
            self.engine = create_engine(database.normalise_url(self.url))
            self.connection = self.engine.connect()
            self.transaction = self.connection.begin()
            # Reads go on; the worker's insert of the equality record (the last write of a
            # submission, after the submission row and the response update) has to wait.
            self.connection.execute(text("LOCK TABLE equality_record IN EXCLUSIVE MODE"))
        return self

    def worker_is_waiting(self) -> bool:
        if self.backend == "sqlite":
            time.sleep(1.0)  # the worker now sits in SQLite's 5-second busy wait
            return True
        with self.engine.connect() as probe:
            waiting = probe.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query ILIKE 'INSERT INTO equality_record%' AND datname = current_database()"
                )
            )
        return bool(waiting)

    def __exit__(self, *exc: object) -> None:
        if self.backend == "sqlite":
            self.sqlite.execute("ROLLBACK")
            self.sqlite.close()
        else:
            self.transaction.rollback()
            self.connection.close()
            self.engine.dispose()


def counts(app: Flask) -> tuple[int, str]:
    with app.app_context():
        db().expire_all()
        submitted = int(db().scalar(select(func.count()).select_from(Submission)) or 0)
        response = db().scalar(select(Response))
        assert response is not None
        return submitted, response.status


def test_worker_killed_during_submission(
    app: Flask, database_url: str, served: tuple[str, subprocess.Popen[bytes]]
) -> None:
    base, master = served
    resident = Resident(base)
    submit_form = resident.walk_to_check()
    [worker] = worker_pids(master)
    outcome: list[Any] = []

    def press_send() -> None:
        try:
            outcome.append(resident.send("/s/test-survey/submit", submit_form))
        except OSError as error:  # the connection dies with the worker
            outcome.append(error)

    with SubmissionBlocker(database_url) as blocker:
        sender = threading.Thread(target=press_send)
        sender.start()
        wait_until(blocker.worker_is_waiting, "the submission to block mid-transaction", 15)
        os.kill(worker, signal.SIGKILL)
        sender.join(timeout=15)
    assert outcome and not (isinstance(outcome[0], tuple) and outcome[0][0] == 302), outcome
    assert counts(app) == (0, "in_progress"), "nothing half-stored"

    wait_until(lambda: bool(worker_pids(master) - {worker}), "gunicorn to replace the worker")
    wait_until(lambda: healthy(base), "the new worker to answer")
    status, location, _ = resident.send("/s/test-survey/submit", submit_form)
    assert (status, location) == (302, "/s/test-survey/done")
    assert counts(app) == (1, "submitted"), "the retry stored it once"
    status, location, _ = resident.send("/s/test-survey/submit", submit_form)
    assert status in {302, 303} and counts(app) == (1, "submitted"), "and pressing again changes nothing"
    _, _, done = resident.send("/s/test-survey/done")
    assert "Answers sent" in done
