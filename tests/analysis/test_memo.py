"""Reading each answer once while a model is fitted (analysis.memo)."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest

import analysis.text as text_module
from analysis.memo import once_per_text, reading_once
from analysis.model import ThemeModel
from analysis.points import split_points


def _counted() -> tuple[Counter[str], Any]:
    calls: Counter[str] = Counter()

    @once_per_text
    def shout(text: str) -> str:
        calls[text] += 1
        return text.upper()

    return calls, shout


def test_inside_the_block_each_text_is_read_once() -> None:
    calls, shout = _counted()
    with reading_once():
        assert [shout("a"), shout("b"), shout("a"), shout("a")] == ["A", "B", "A", "A"]
    assert calls == {"a": 1, "b": 1}


def test_outside_the_block_nothing_is_remembered() -> None:
    calls, shout = _counted()
    shout("a")
    shout("a")
    with reading_once():
        shout("a")
    shout("a")
    assert calls["a"] == 4


def test_nested_blocks_share_the_outer_memo_and_it_ends_with_the_outer_block() -> None:
    calls, shout = _counted()
    with reading_once():
        shout("a")
        with reading_once():
            shout("a")
        shout("a")
    with reading_once():
        shout("a")
    assert calls["a"] == 2


def test_the_block_works_as_a_decorator_and_is_left_on_an_error() -> None:
    calls, shout = _counted()

    @reading_once()
    def twice(text: str) -> str:
        shout(text)
        return shout(text)

    assert twice("a") == "A"
    assert calls["a"] == 1

    @reading_once()
    def failing(text: str) -> None:
        shout(text)
        raise RuntimeError

    with pytest.raises(RuntimeError):
        failing("b")
    shout("b")
    assert calls["b"] == 2


def test_another_thread_has_its_own_memo() -> None:
    calls, shout = _counted()
    with reading_once():
        shout("a")
        worker = threading.Thread(target=lambda: (shout("a"), shout("a")))
        worker.start()
        worker.join()
    assert calls["a"] == 3  # once here, and twice in the thread, which has no block


def test_a_remembered_list_of_points_cannot_be_changed_by_its_caller() -> None:
    answer = "Parking is awful near the branch. Also the wifi keeps dropping out."
    with reading_once():
        points = split_points(answer)
        points.append("something else")
        points[0] = "changed"
        assert split_points(answer) == [
            "Parking is awful near the branch.",
            "the wifi keeps dropping out.",
        ]
        assert split_points(answer, min_words=50) == [answer]  # another length is not remembered


def test_fitting_reads_each_answer_s_words_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fitting reads an answer for its stance, points, TF-IDF words (twice) and surface
    forms; its words are worked out once."""
    reads: Counter[str] = Counter()
    real = text_module._TOKENISER

    class Counting:
        def tokenize(self, text: str) -> list[str]:
            reads[text] += 1
            return list(real.tokenize(text))

    monkeypatch.setattr(text_module, "_TOKENISER", Counting())
    answers = [
        "Longer opening hours on Sundays please",
        "Open later in the evenings",
        "Not enough parking near the library",
        "The car park is always full",
        "Story time for toddlers is wonderful",
        "More activities for children",
        "More computers and faster wifi",
        "The printer is often broken",
    ]
    ThemeModel(k=2, representation="tfidf", random_state=0).fit(answers)
    assert reads["longer opening hours on sundays please"] == 1
    assert reads["not enough parking near the library"] == 1
