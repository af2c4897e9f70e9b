"""The sentence on a theme's page saying how many of its answers mention its key phrase."""

from __future__ import annotations

import pytest
from flask import Flask

from engage.themes.snapshot import SnapshotTheme


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
    details = SnapshotTheme(
        id="t1", label="Reading group", key_phrase="reading group", mentions=mentions, size=size
    )
    with app.test_request_context("/"):
        macro = app.jinja_env.get_template("themes/_counts.html").module.mentions  # type: ignore[attr-defined]
        assert str(macro(details, total, further)).strip() == sentence


def test_the_key_phrase_is_written_as_the_label_writes_it(app: Flask) -> None:
    sunday = SnapshotTheme(
        id="t1", label="Open on Sunday mornings", key_phrase="open on sunday mornings", mentions=3, size=4
    )
    officer = SnapshotTheme(
        id="t2", label="Weekend opening", key_phrase="weekend opening", mentions=3, size=4
    )
    other = SnapshotTheme(id="t3", label="Comments on staff", key_phrase="staff", mentions=3, size=4)
    with app.test_request_context("/"):
        macro = app.jinja_env.get_template("themes/_counts.html").module.mentions  # type: ignore[attr-defined]
        assert str(macro(sunday, 4, 0)).strip() == "3 of them mention “open on Sunday mornings”."
        assert str(macro(officer, 4, 0)).strip() == "3 of them mention “weekend opening”."
        assert str(macro(other, 4, 0)).strip() == "3 of them mention “staff”."
