"""A small HTTP/1.1 client for the benchmarks: keep-alive, one cookie jar, no redirects.

The standard library's ``http.client`` costs little CPU per request, which matters when
the load generator shares two cores with the server it is measuring.
"""

from __future__ import annotations

import http.client
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

CSRF = re.compile(rb'name="csrf_token"[^>]*?value="([^"]+)"')


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Browser:
    """One resident: a connection and the cookies the server set."""

    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    _connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None) -> Reply:
        body = urlencode(form).encode() if form is not None else None
        headers = {"Accept": "text/html", "Accept-Encoding": "identity"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            start = time.perf_counter()
            try:
                self._connection.request(method, path, body=body, headers=headers)
                response = self._connection.getresponse()
                data = response.read()
            except (ConnectionError, http.client.HTTPException):
                # The server closed a kept-alive connection: reconnect once and resend.
                self.close()
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - start
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie = value.split(";", 1)[0]
                    key, _, val = cookie.partition("=")
                    self.cookies[key.strip()] = val.strip()
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data, seconds)
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


@dataclass
class Control:
    tag: str
    name: str
    kind: str = ""
    value: str = ""
    options: list[str] = field(default_factory=list)


class FormParser(HTMLParser):
    """The controls of the first form inside <main>, with their default values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_main = False
        self.in_form = False
        self.done = False
        self.action = ""
        self.controls: list[Control] = []
        self._select: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "main":
            self.in_main = True
        elif tag == "form" and self.in_main and not self.done:
            self.in_form = True
            self.action = a.get("action", "")
        elif self.in_form and tag in {"input", "textarea"} and a.get("name"):
            self.controls.append(Control(tag, a["name"], a.get("type", "text"), a.get("value", "")))
        elif self.in_form and tag == "select" and a.get("name"):
            self._select = Control("select", a["name"])
            self.controls.append(self._select)
        elif self.in_form and tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.in_form:
            self.in_form = False
            self.done = True
        elif tag == "select":
            self._select = None
