"""A page-checking test client.

Every page a test fetches through :class:`PageClient` is checked the same way:
the status is the one expected, the HTML parses, the ``<title>`` follows the
"Page – service – council" pattern, no two elements share an id, and every form
that posts carries a CSRF token. Forms are submitted as a browser would, from
the fields on the page, so tests exercise the real markup.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

SERVICE_NAME = "Have your say on libraries and heritage"
WELSH_SERVICE_NAME = "Dweud eich dweud am lyfrgelloedd a threftadaeth"
COUNCIL_NAME = "Anyshire County Council"
TITLE_PATTERN = re.compile(
    rf"^((Error|Gwall): )?(?P<page>.+) – ({re.escape(SERVICE_NAME)}|{re.escape(WELSH_SERVICE_NAME)})"
    rf" – {re.escape(COUNCIL_NAME)}$"
)


@dataclass
class Page:
    response: TestResponse
    soup: BeautifulSoup

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def title(self) -> str:
        assert self.soup.title is not None
        return self.soup.title.get_text(strip=True)

    @property
    def page_title(self) -> str:
        match = TITLE_PATTERN.match(self.title)
        assert match, self.title
        return match.group("page")

    @property
    def h1(self) -> str:
        heading = self.soup.find("h1")
        assert heading is not None, "page has no <h1>"
        return heading.get_text(" ", strip=True)

    @property
    def text(self) -> str:
        return self.soup.get_text(" ", strip=True)

    def error_summary(self) -> list[str]:
        summary = self.soup.select_one(".govuk-error-summary")
        if summary is None:
            return []
        return [a.get_text(strip=True) for a in summary.select(".govuk-error-summary__list a")]

    def form(self, selector: str = "main form") -> Tag:
        found = self.soup.select_one(selector)
        assert found is not None, f"no form matches {selector!r}"
        return found


# English pages say en-GB; others their own code.
PAGE_LANGS = {"en-GB", "cy", "pl", "ur", "ar"}


def check_html(response: TestResponse) -> BeautifulSoup:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    html = soup.find("html")
    assert isinstance(html, Tag) and html.get("lang") in PAGE_LANGS, "page must declare its language"
    assert html.get("dir") in {"ltr", "rtl"}, "page must declare its direction"
    assert soup.title is not None, "page has no <title>"
    title = soup.title.get_text(strip=True)
    assert TITLE_PATTERN.match(title), f"title {title!r} does not follow the GOV.UK pattern"
    ids = Counter(str(tag["id"]) for tag in soup.find_all(id=True) if isinstance(tag, Tag))
    duplicates = sorted(i for i, n in ids.items() if n > 1)
    assert not duplicates, f"duplicate ids: {duplicates}"
    for form in soup.find_all("form"):
        assert isinstance(form, Tag)
        if str(form.get("method", "get")).lower() == "post":
            assert form.select_one("input[name=csrf_token]"), f"form without CSRF token: {form}"
    assert soup.select_one("a.govuk-skip-link[href='#main-content']"), "no skip link"
    assert soup.select_one("main#main-content"), "no <main id=main-content>"
    return soup


def form_values(form: Tag) -> list[tuple[str, str]]:
    """The name/value pairs a browser would send for ``form`` as it stands."""
    values: list[tuple[str, str]] = []
    for field in form.select("input, textarea, select"):
        name = field.get("name")
        if not name or field.has_attr("disabled"):
            continue
        name = str(name)
        if field.name == "textarea":
            values.append((name, field.get_text()))
        elif field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            if chosen is not None:
                values.append((name, str(chosen.get("value", chosen.get_text()))))
        else:
            kind = str(field.get("type", "text")).lower()
            if kind in {"radio", "checkbox"}:
                if field.has_attr("checked"):
                    values.append((name, str(field.get("value", "on"))))
            elif kind not in {"submit", "button", "image", "file"}:
                values.append((name, str(field.get("value", ""))))
    return values


class PageClient:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def _page(self, response: TestResponse, expected_status: int | tuple[int, ...]) -> Page:
        allowed = expected_status if isinstance(expected_status, tuple) else (expected_status,)
        assert response.status_code in allowed, (
            f"expected {expected_status}, got {response.status_code}: "
            f"{response.get_data(as_text=True)[:2000]}"
        )
        if 300 <= response.status_code < 400:
            return Page(response, BeautifulSoup("", "html.parser"))
        assert response.mimetype == "text/html", response.mimetype
        return Page(response, check_html(response))

    def get(self, url: str, expected_status: int = 200, **kwargs: Any) -> Page:
        return self._page(self.client.get(url, **kwargs), expected_status)

    def get_redirect(self, url: str, to: str | None = None, **kwargs: Any) -> str:
        """GET ``url``, expect a redirect and return where to; with ``to``, the target's path
        must be exactly ``to`` (a redirect to the wrong page is a failure, not a pass)."""
        response = self.client.get(url, **kwargs)
        assert response.status_code in {301, 302, 303, 307, 308}, response.status_code
        location = str(response.headers["Location"])
        if to is not None:
            assert urlsplit(location).path == to, f"{url} redirected to {location}, not {to}"
        return location

    def submit(
        self,
        page: Page,
        data: dict[str, str | list[str]] | None = None,
        *,
        selector: str = "main form",
        expected_status: int | tuple[int, ...] = 200,
        follow_redirects: bool = True,
        **kwargs: Any,
    ) -> Page:
        """Fill in the form on ``page`` with ``data`` and send it like a browser."""
        form = page.form(selector)
        sent: dict[str, list[str]] = {}
        for name, value in form_values(form):
            sent.setdefault(name, []).append(value)
        for name, value in (data or {}).items():
            sent[name] = value if isinstance(value, list) else [value]
        # A form without an action posts back to the page's own URL, query string included.
        action = str(form.get("action") or page.response.request.full_path.rstrip("?"))
        response = self.client.post(
            action,
            data=MultiDict([(k, v) for k, vs in sent.items() for v in vs]),
            follow_redirects=follow_redirects,
            **kwargs,
        )
        return self._page(response, expected_status)

    def post(self, url: str, data: Any = None, **kwargs: Any) -> TestResponse:
        return self.client.post(url, data=data, **kwargs)
