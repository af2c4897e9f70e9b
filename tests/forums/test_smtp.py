"""Forum emails over real SMTP (a local aiosmtpd server): what arrives is what a member reads."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import Message
from typing import Any

import pytest
from flask import Flask

from tests.forums.conftest import members
from tests.support.forums import register
from tests.support.mail import Inbox, smtp_server  # noqa: F401  (fixture)
from tests.support.pages import PageClient


@pytest.fixture
def settings_overrides(smtp_server: tuple[Inbox, int]) -> dict[str, Any]:  # noqa: F811
    _inbox, port = smtp_server
    return {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_use_tls": False}


def part(message: Message, kind: str) -> str:
    found = next(p for p in message.walk() if p.get_content_type() == kind)
    payload = found.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def test_confirmation_and_welcome_arrive_by_smtp(
    client: PageClient,
    app: Flask,
    make_forum: Callable[..., str],
    smtp_server: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, _port = smtp_server
    make_forum()
    register(client)
    [confirm] = inbox.messages
    assert confirm["To"] == "priya@example.org"
    assert confirm["Subject"] == "Confirm you want to join Northbrook Cultural Forum"
    text = part(confirm, "text/plain")
    assert "Anyshire County Council" in part(confirm, "text/html")
    match = re.search(r"http://[^/\s]+(/forums/confirm/\S+)", text)
    assert match
    client.submit(client.get(match.group(1)))
    assert members(app)[0].status == "active"
    welcome = inbox.messages[1]
    assert welcome["Subject"] == "Welcome to Northbrook Cultural Forum"
    assert " ".join(welcome["List-Unsubscribe"].split()).startswith("<http://")
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/forums/manage/" in part(welcome, "text/plain")
