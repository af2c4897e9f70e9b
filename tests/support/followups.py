"""Follow-up helpers: finish the survey and ask to hear what happened."""

from __future__ import annotations

from tests.support.pages import Page, PageClient
from tests.support.residents import answer_all


def send_answers(client: PageClient) -> Page:
    check = answer_all(client)
    return client.submit(check)


def ask(client: PageClient, done: Page, **data: str) -> Page:
    expected = int(data.pop("expected_status", "200"))
    return client.submit(done, data, selector="form:has(input[name=email])", expected_status=expected)
