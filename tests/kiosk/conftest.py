"""Kiosk fixtures: the example survey published, a kiosk added by branch staff, an enrolled tablet."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from flask import Flask

from engage.accounts.models import Role, StaffUser
from engage.platform import clock
from engage.platform.config import PROJECT_ROOT
from engage.platform.database import db
from surveys import services
from surveys.definition import SurveyDefinition, parse
from tests.conftest import sign_in
from tests.support.kiosk import keeps_unfinished
from tests.support.pages import PageClient

EXAMPLE = PROJECT_ROOT / "examples" / "surveys" / "library-co-design.json"

__all__ = ["keeps_unfinished"]  # a fixture


@pytest.fixture
def example_survey(app: Flask) -> str:
    with app.app_context():
        version = services.save_definition(db(), json.loads(EXAMPLE.read_text(encoding="utf-8")), clock.now())
        services.publish(db(), version.survey, clock.now())
        db().commit()
    return "library-co-design"


@pytest.fixture
def staff_client(app: Flask, make_staff: Callable[..., StaffUser]) -> PageClient:
    staff = PageClient(app.test_client())
    user = make_staff(Role.BRANCH_STAFF)
    assert sign_in(staff, user.email).h1 == "Dashboard"
    return staff


def add_kiosk(staff: PageClient, name: str = "Children's library tablet", idle: str = "120") -> str:
    page = staff.get("/staff/kiosks/new")
    done = staff.submit(page, {"name": name, "branch": "northgate-central", "idle": idle})
    code = done.soup.select_one("#enrol-code")
    assert code is not None, done.text
    return code.get_text(strip=True)


@pytest.fixture
def tablet(app: Flask, example_survey: str, staff_client: PageClient) -> PageClient:
    """A browser enrolled as a kiosk at Northgate Central Library."""
    device = PageClient(app.test_client())
    code = add_kiosk(staff_client)
    attract = device.submit(device.get("/kiosk/enrol"), {"code": code})
    assert attract.h1 == "Have your say about Northgate Central Library"
    return device


@pytest.fixture
def welsh_survey(app: Flask, tablet: PageClient) -> SurveyDefinition:
    """The example survey published with its Welsh (a stand-in Welsh if the example has none)."""
    definition = parse(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    if "cy" not in definition.languages:
        definition = definition.with_translation(
            "cy", {field.key: f"{field.text} (yn Gymraeg)" for field in definition.text_fields()}
        )
    with app.app_context():
        version = services.save_definition(db(), definition.to_data(), clock.now())
        services.publish(db(), version.survey, clock.now())
        db().commit()
    return definition
