"""Rate limits on sign-ups: per client, and the answers survive being refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tests.forums.conftest import members
from tests.support.forums import register
from tests.support.pages import PageClient


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"forum_signups_per_hour": 2}


def test_rate_limit_per_client_keeps_the_answers(
    client: PageClient, app: Flask, make_forum: Callable[..., str]
) -> None:
    make_forum()
    register(client, email="one@example.org")
    register(client, email="two@example.org")
    page = register(client, email="three@example.org", expected_status=429)
    assert "too many sign-ups" in page.error_summary()[0]
    assert page.form().select_one("input[name=email]")["value"] == "three@example.org"  # type: ignore[index]
    assert len(members(app)) == 2
