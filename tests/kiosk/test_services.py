"""Service level: the kiosk's rules without pages (one app context, explicit times).

Enrolment codes are single use, expire after 24 hours, survive how people type them and
die with the device; a device token stops working when the device is revoked; a branch's
attract screen offers only open, published surveys that list it; and a reset deletes a
visitor's unfinished answers unless the survey keeps them, never submitted ones."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role, StaffUser
from engage.kiosk import services
from engage.kiosk.models import KioskDevice
from engage.platform.config import PROJECT_ROOT
from engage.platform.database import db
from engage.platform.models import AuditEvent
from surveys import services as surveys
from surveys.models import Response, ResponseStatus, Survey

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
EXAMPLE: dict[str, Any] = json.loads(
    (PROJECT_ROOT / "examples" / "surveys" / "library-co-design.json").read_text(encoding="utf-8")
)


def _device(name: str = "Tablet") -> KioskDevice:
    device = KioskDevice(name=name, branch_code="northgate-central", branch_name="Northgate", created_at=NOW)
    db().add(device)
    db().flush()
    return device


def _publish(**changes: Any) -> Survey:
    data = copy.deepcopy(EXAMPLE)
    data.update(changes)
    version = surveys.save_definition(db(), data, NOW - timedelta(days=1))
    surveys.publish(db(), version.survey, NOW - timedelta(days=1))
    db().flush()
    return version.survey


def test_an_enrolment_code_works_once_however_it_is_typed(app: Flask) -> None:
    with app.app_context():
        device = _device()
        code = services.new_enrol_code(device, NOW)
        assert len(code) == 9 and code[4] == "-"
        typed = " " + code.lower().replace("-", " ") + " "
        enrolled = services.enrol(db(), typed, NOW + timedelta(hours=1))
        assert enrolled is not None
        found, token = enrolled
        assert found is device and device.enrolled_at == NOW + timedelta(hours=1)
        assert services.device_for_token(db(), token) is device
        assert services.enrol(db(), code, NOW + timedelta(hours=1)) is None, "a code is used once"


def test_a_code_expires_after_a_day_and_a_new_one_replaces_the_old(app: Flask) -> None:
    with app.app_context():
        device = _device()
        old = services.new_enrol_code(device, NOW)
        assert services.enrol(db(), old, NOW + timedelta(hours=24, seconds=1)) is None
        new = services.new_enrol_code(device, NOW)
        assert services.enrol(db(), old, NOW) is None, "the earlier code stops working"
        assert services.enrol(db(), new, NOW + timedelta(hours=23)) is not None


def test_revoking_ends_the_token_and_any_waiting_code(app: Flask) -> None:
    with app.app_context():
        device = _device()
        enrolled = services.enrol(db(), services.new_enrol_code(device, NOW), NOW)
        assert enrolled is not None
        _, token = enrolled
        waiting = _device("Second tablet")
        code = services.new_enrol_code(waiting, NOW)
        services.revoke(device, NOW)
        services.revoke(waiting, NOW)
        assert services.device_for_token(db(), token) is None
        assert services.enrol(db(), code, NOW) is None
        assert services.device_for_token(db(), "") is None
        assert services.device_for_token(db(), "not-a-token") is None


def test_a_branch_is_offered_only_open_published_surveys_that_list_it(app: Flask) -> None:
    with app.app_context():
        open_here = _publish()
        _publish(slug="closed-survey", title="Closed survey", closes_at="2027-02-01T00:00:00Z")
        _publish(slug="later-survey", title="Later survey", opens_at="2027-04-01T00:00:00Z")
        elsewhere = copy.deepcopy(EXAMPLE["localities"])
        for locality in elsewhere:
            locality["branches"] = [b for b in locality["branches"] if b["code"] != "northgate-central"]
        # (without the translations, which name the library left out)
        _publish(slug="other-branches", title="Other branches", localities=elsewhere, translations={})
        draft = copy.deepcopy(EXAMPLE)
        draft.update(slug="draft-survey", title="Draft survey")
        surveys.save_definition(db(), draft, NOW)
        assert [s.slug for s in services.surveys_for_branch(db(), "northgate-central", NOW)] == [
            open_here.slug
        ]
        assert "other-branches" in {s.slug for s in services.surveys_for_branch(db(), "riverside", NOW)}
        assert services.branch_choices(db())["northgate-central"] == "Northgate Central Library"


@pytest.mark.parametrize("keeps", [False, True])
def test_a_reset_deletes_unfinished_answers_unless_the_survey_keeps_them(app: Flask, keeps: bool) -> None:
    with app.app_context():
        survey = _publish(**({"kiosk_unfinished": "keep"} if keeps else {}))
        assert survey.published is not None
        started = surveys.start_response(
            db(), survey.published, NOW, channel="kiosk", branch_code="eastfield"
        )
        assert services.discard_unfinished(db(), survey, started.token) is not keeps
        remaining = db().scalars(select(Response).where(Response.survey_id == survey.id)).all()
        assert len(remaining) == (1 if keeps else 0)
        assert not services.discard_unfinished(db(), survey, "unknown-token")


def test_a_reset_never_deletes_a_submitted_response(app: Flask) -> None:
    with app.app_context():
        survey = _publish()
        assert survey.published is not None
        started = surveys.start_response(db(), survey.published, NOW, channel="kiosk")
        started.response.status = ResponseStatus.SUBMITTED
        assert not services.discard_unfinished(db(), survey, started.token)
        assert db().get(Response, started.response.id) is not None


def test_adding_a_kiosk_names_who_added_it_and_gives_a_working_code(
    app: Flask, make_staff: Callable[..., StaffUser]
) -> None:
    staff = make_staff(Role.BRANCH_STAFF)
    with app.app_context():
        by = db().get(StaffUser, staff.id)
        assert by is not None
        device, code = services.add_kiosk(
            db(), name="Tablet", branch_code="eastfield", branch_name="Eastfield", idle=90, by=by, now=NOW
        )
        assert device.created_by_id == staff.id and device.idle_seconds == 90
        [event] = db().scalars(select(AuditEvent).where(AuditEvent.action == "kiosk.created")).all()
        assert event.actor_id == staff.id
        assert services.enrol(db(), code, NOW) is not None
