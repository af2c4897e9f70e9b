"""Helpers for tests against a real gunicorn: wait for it, and a resident using it over HTTP."""

from __future__ import annotations

import http.cookiejar
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

from bs4 import BeautifulSoup

from tests.support.pages import form_values
from tests.support.residents import ANSWERS


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Resident:
    """A browser without JavaScript, over real HTTP: cookies, forms, no automatic redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def send(self, path: str, form: list[tuple[str, str]] | None = None) -> tuple[int, str, str]:
        data = urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as reply:
                return reply.status, reply.headers.get("Location", ""), reply.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def fill(self, path: str, answers: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
        _, _, html = self.send(path)
        form = BeautifulSoup(html, "html.parser").select_one("main form")
        assert form is not None, html[:300]
        sent = [(k, v) for k, v in form_values(form) if k not in answers]
        for name, value in answers.items():
            sent += [(name, v) for v in (value if isinstance(value, list) else [value])]
        return str(form.get("action") or path), sent

    def walk_to_check(self) -> list[tuple[str, str]]:
        action, form = self.fill("/s/test-survey", {})
        status, location, _ = self.send(action, form)
        while not location.endswith("/check"):
            assert status == 302, (status, location)
            page_id = location.rsplit("/", 1)[-1]
            action, form = self.fill(location, ANSWERS.get(page_id, {}))
            status, location, _ = self.send(action, form)
        action, form = self.fill(location, {})
        assert action.endswith("/submit")
        return form


def healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=2) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False


def wait_until(check: Any, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
