"""Forum helpers: sign up through the public page and confirm from the emailed link."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.forums.conftest import link_in, outbox, sign_up_data
from tests.support.pages import Page, PageClient


def register(
    client: PageClient, slug: str = "culture-forum", expected_status: int = 200, **data: Any
) -> Page:
    page = client.get(f"/forums/{slug}/register")
    return client.submit(page, sign_up_data(**data), expected_status=expected_status)


def confirm_latest(client: PageClient, app: Flask) -> Page:
    link = link_in(outbox(app, "forum_confirm")[-1], "/forums/confirm/")
    page = client.get(link)
    assert page.h1.startswith("Confirm you want to join")
    return client.submit(page)
