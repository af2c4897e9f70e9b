"""Email helpers: a local SMTP server and its inbox, and "save and come back later" emails."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.support.pages import PageClient
from tests.support.residents import start

PER_CLIENT, PER_ADDRESS = 4, 2


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def save_and_email(client: PageClient, email: str) -> Any:
    page = client.submit(start(client), {"visits": "weekly"})
    saved = client.submit(page, {"action": "save"})
    return client.submit(
        saved, {"email": email}, selector="main form:has(input[name=email])", expected_status=(200, 400)
    )


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    limits = {
        "resume_emails_per_client_per_hour": PER_CLIENT,
        "resume_emails_per_address_per_hour": PER_ADDRESS,
    }
    if "smtp_server" not in request.fixturenames:
        return limits
    _inbox, port = request.getfixturevalue("smtp_server")
    return {**limits, "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_use_tls": False}
