"""The sentence on a theme's page saying how many of its answers mention its key phrase."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import Flask


@pytest.mark.parametrize(
    ("size", "mentions", "total", "further", "sentence"),
    [
        (1, 1, 1, 0, "It mentions “reading group”."),
        (1, 0, 1, 0, "It does not mention “reading group”."),
        (5, 1, 5, 0, "1 of them mentions “reading group”."),
        (5, 4, 5, 0, "4 of them mention “reading group”."),
        (7, 6, 5, 2, "6 of all 7 mention “reading group”."),
    ],
)
def test_the_mentions_sentence_agrees_with_its_numbers(
    app: Flask, size: int, mentions: int, total: int, further: int, sentence: str
) -> None:
    details = SimpleNamespace(key_phrase="reading group", mentions=mentions, size=size)
    with app.test_request_context("/"):
        macro = app.jinja_env.get_template("themes/_counts.html").module.mentions  # type: ignore[attr-defined]
        assert str(macro(details, total, further)).strip() == sentence
