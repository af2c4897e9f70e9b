"""Housekeeping removes expired data, from the command line and from the job worker."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flask import Flask
from rq import Queue, SimpleWorker
from sqlalchemy import func, select

from engage.platform import clock
from engage.platform.database import db
from engage.platform.jobs import queue_name
from engage.platform.maintenance import TASKS
from surveys import services
from surveys.models import Response
from tests.conftest import FrozenClock
from tests.residents.conftest import SURVEY


def _abandoned_response(app: Flask) -> None:
    with app.app_context():
        version = services.save_definition(db(), copy.deepcopy(SURVEY), clock.now())
        services.publish(db(), version.survey, clock.now())
        services.start_response(db(), version, clock.now())
        db().commit()


def _responses(app: Flask) -> int:
    with app.app_context():
        return int(db().scalar(select(func.count()).select_from(Response)) or 0)


def test_maintenance_command_purges_expired_responses(app: Flask, frozen_clock: FrozenClock) -> None:
    _abandoned_response(app)
    runner = app.test_cli_runner()
    assert (
        "Removed 0 expired unfinished survey responses." in runner.invoke(args=["maintenance", "run"]).output
    )
    frozen_clock.advance(days=31)
    assert (
        "Removed 1 expired unfinished survey responses." in runner.invoke(args=["maintenance", "run"]).output
    )
    assert _responses(app) == 0


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    if "redis_namespace" not in request.fixturenames:
        return {}
    return {
        "redis_url": request.getfixturevalue("redis_url"),
        "redis_namespace": request.getfixturevalue("redis_namespace"),
    }


def test_worker_runs_maintenance_and_schedules_the_next(
    app: Flask, frozen_clock: FrozenClock, redis_namespace: str
) -> None:
    _abandoned_response(app)
    frozen_clock.advance(days=31)
    with app.app_context():
        client = app.extensions["engage.redis"]
        queue = Queue(queue_name(app), connection=client)
        queue.enqueue(
            "engage.platform.jobs.run_in_app_context",
            "engage.platform.maintenance:scheduled_maintenance",
            (),
            {},
        )
        SimpleWorker([queue], connection=client).work(burst=True)
        assert queue.scheduled_job_registry.count == 1, "the next run is queued"
        # A second worker starting does not add a second chain.
        queue.enqueue(
            "engage.platform.jobs.run_in_app_context",
            "engage.platform.maintenance:scheduled_maintenance",
            (),
            {},
        )
        SimpleWorker([queue], connection=client).work(burst=True)
        assert queue.scheduled_job_registry.count == 1
    assert _responses(app) == 0


def test_features_register_their_own_housekeeping(app: Flask) -> None:
    """Housekeeping imports no feature: forums and follow-ups add their steps themselves."""
    names = [name for name, _ in TASKS]
    assert "forum sign-ups and memberships (unconfirmed deleted, lapsed erased)" in names
    assert "'tell me what happened' addresses (unconfirmed after 7 days, all after 2 years)" in names
    assert len(names) == len(set(names)), "each step once, however many apps are made"
