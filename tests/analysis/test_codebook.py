from __future__ import annotations

import json

import numpy as np
import pytest

from analysis.codebook import Codebook, CodebookError, MergeThemes, apply
from analysis.model import UNASSIGNED, ThemeModel
from tests.analysis.conftest import IDS

AT = "2025-01-01T09:00:00+00:00"


def _theme_of(model: ThemeModel, answer: int) -> str:
    return model.theme_ids_[model.labels_[answer]]


def test_rename_and_merge(fitted: ThemeModel) -> None:
    book = Codebook()
    parking, hours = _theme_of(fitted, 0), _theme_of(fitted, 6)
    book.rename(parking, "Car parking", author="officer", at=AT)
    book.merge([parking, hours], into=parking, author="officer", at=AT)
    state = apply(fitted, book)
    out = state.result()
    labels = {t["id"]: t["label"] for t in out["themes"]}
    assert labels[parking] == "Car parking" and hours not in labels
    assert {state.assignment[i] for i in range(12)} == {parking}
    assert out["version"] == 2


def test_split_move_pin_and_retire(fitted: ThemeModel) -> None:
    book = Codebook()
    parking, computers = _theme_of(fitted, 0), _theme_of(fitted, 18)
    book.split(computers, 2, author="a", at=AT)
    book.move_answer(IDS[1], f"{computers}.1", author="a", at=AT)
    book.pin_seed_theme("seed-hours", "Opening hours", "opening hours evenings weekends", author="a", at=AT)
    book.mark_not_relevant(parking, author="a", at=AT)
    state = apply(fitted, book)
    assert parking not in {t.id for t in state.themes_list()}
    assert state.assignment[0] == UNASSIGNED  # retired theme's answers are unassigned
    assert state.assignment[1] == f"{computers}.1"  # an officer's move survives later edits
    assert "seed-hours" in state.assignment[6:12]
    assert {state.assignment[i] for i in range(18, 24)} <= {f"{computers}.1", f"{computers}.2"}
    assert state.add_answers(["new-1"], ["the car park is full again"]) == [UNASSIGNED]


def test_replay_reproduces_every_version_exactly(fitted: ThemeModel) -> None:
    book = Codebook()
    parking, hours, children = _theme_of(fitted, 0), _theme_of(fitted, 6), _theme_of(fitted, 12)
    book.rename(hours, "Hours", author="a", at=AT)
    book.merge([children, hours], into=hours, author="a", at=AT)
    book.split(hours, 2, author="a", at=AT)
    book.move_answer(IDS[2], UNASSIGNED, author="a", at=AT)
    snapshots = [apply(fitted, book, upto_version=v).result() for v in range(5)]
    again = Codebook.from_json(book.to_json())
    assert again == book
    assert [apply(fitted, again, upto_version=v).result() for v in range(5)] == snapshots
    assert snapshots[0]["version"] == 0 and snapshots[4]["version"] == 4
    assert snapshots[1]["themes"] != snapshots[0]["themes"]
    assert parking in {t["id"] for t in snapshots[4]["themes"]}


def test_new_answers_do_not_move_old_ones(fitted: ThemeModel) -> None:
    book = Codebook()
    book.rename(_theme_of(fitted, 0), "Parking", author="a", at=AT)
    state = apply(fitted, book)
    before = list(state.assignment)
    new_ids = [f"n{i}" for i in range(30)]
    got = state.add_answers(new_ids, ["more parking please", "open on sundays", "n/a"] * 10)
    assert state.assignment[: len(before)] == before
    assert got[0] == _theme_of(fitted, 0) and got[2] == UNASSIGNED
    # Known ids keep their theme even if sent again with other text.
    assert state.add_answers([IDS[0]], ["computers"]) == [before[0]]
    # Each new answer's vector sits on its own row, in order (they are stacked in one go).
    texts = ["more parking please", "open on sundays", "n/a"] * 10
    assert state.vectors.shape[0] == len(state.answer_ids) == len(before) + 30
    # Same vectors up to float rounding (the batch a text is embedded in changes its padding).
    assert np.allclose(state.vectors[-30:], fitted.embed(texts), atol=1e-4)


def test_added_answers_are_a_replayable_operation(fitted: ThemeModel) -> None:
    book = Codebook()
    book.add_answers(["n1", "n2"], ["car park full", "wifi slow"], author="a", at=AT)
    book.move_answer("n1", _theme_of(fitted, 18), author="a", at=AT)
    state = apply(fitted, book)
    assert state.assignment[-2:] == [_theme_of(fitted, 18), _theme_of(fitted, 18)]


def test_an_id_given_twice_is_added_once(fitted: ThemeModel) -> None:
    state = apply(fitted, Codebook())
    before = len(state.answer_ids)
    themes = state.add_answers(["n1", "n1", IDS[0]], ["car park full", "wifi slow", "anything"])
    assert len(state.answer_ids) == before + 1 and state.answer_ids.count("n1") == 1
    assert state.texts[-1] == "car park full"  # the first text given
    assert themes[0] == themes[1] and themes[2] == _theme_of(fitted, 0)  # a known id keeps its theme
    with pytest.raises(ValueError, match="one id per text"):
        state.add_answers(["n2", "n3"], ["only one text"])


def test_invalid_operations(fitted: ThemeModel) -> None:
    book = Codebook()
    with pytest.raises(CodebookError, match="version"):
        book.record(MergeThemes(version=2, author="a", at=AT, theme_ids=("t1",), into="t2"))
    book.rename("t99", "x", author="a", at=AT)
    with pytest.raises(CodebookError, match="no theme"):
        apply(fitted, book)
    with pytest.raises(CodebookError):
        Codebook.from_json('{"operations": [{"kind": "explode", "version": 1}]}')
    with pytest.raises(CodebookError, match="not JSON"):
        Codebook.from_json("not json")
    # Any other shape is refused with a message, never a Python error (found on 2026-12-07).
    for text in ("[1, 2]", '{"operations": 5}', '"hello"', "null", "{}", '[{"kind": "rename"}, 3]'):
        with pytest.raises(CodebookError, match=r"not a codebook|bad rename operation: missing version"):
            Codebook.from_json(text)
    with pytest.raises(CodebookError, match="unknown colour"):
        Codebook.from_json('[{"kind": "relearn", "version": 1, "author": "a", "at": "x", "colour": "red"}]')


def test_operations_are_json_with_version_author_and_time() -> None:
    book = Codebook()
    book.rename("t1", "Parking", author="jo@council", at=AT)
    data = json.loads(book.to_json())["operations"][0]
    assert data == {
        "kind": "rename",
        "version": 1,
        "author": "jo@council",
        "at": AT,
        "theme_id": "t1",
        "label": "Parking",
    }
    assert Codebook().rename("t1", "x", author="a").at  # a default timestamp when none is given


def test_an_officer_makes_a_new_theme_from_chosen_answers(fitted: ThemeModel) -> None:
    """A split by hand: the chosen answers make a new theme and stay in it; new answers
    nearest it join it; the operation replays from JSON exactly."""
    parking = _theme_of(fitted, 0)
    book = Codebook()
    book.new_theme("o1", "Parking charges", [IDS[0], IDS[1]], author="a", at=AT)
    book.merge([_theme_of(fitted, 6), _theme_of(fitted, 12)], into=_theme_of(fitted, 6), author="a", at=AT)
    state = apply(fitted, book)
    assert state.assignment[:2] == ["o1", "o1"] and set(state.assignment[2:6]) == {parking}
    ids = [t.id for t in state.themes_list()]
    assert "o1" in ids
    labels = {t["id"]: t["label"] for t in state.result()["themes"]}
    assert labels["o1"] == "Parking charges"
    # A new answer with the same words as a chosen one goes to the new theme.
    assert state.add_answers(["new-1"], [fitted.texts_[0]]) == ["o1"]
    again = Codebook.from_json(book.to_json())
    assert apply(fitted, again).result() == apply(fitted, book).result()
    for bad, message in (
        (lambda b: b.new_theme(parking, "X", [IDS[0]], author="a", at=AT), "already used"),
        (lambda b: b.new_theme("o2", "X", [], author="a", at=AT), "at least one answer"),
        (lambda b: b.new_theme("o2", "X", ["nobody"], author="a", at=AT), "no answer"),
    ):
        wrong = Codebook()
        bad(wrong)
        with pytest.raises(CodebookError, match=message):
            apply(fitted, wrong)


def test_an_officer_describes_a_theme(fitted: ThemeModel) -> None:
    parking = _theme_of(fitted, 0)
    book = Codebook()
    book.describe(parking, "  Residents want somewhere to park near the library. ", author="a", at=AT)
    state = apply(fitted, book)
    described = {t["id"]: t["description"] for t in state.result()["themes"]}
    assert described[parking] == "Residents want somewhere to park near the library."
    assert set(described.values()) == {"", "Residents want somewhere to park near the library."}
    book.describe(parking, "", author="a", at=AT)
    assert {t["description"] for t in apply(fitted, book).result()["themes"]} == {""}
    assert Codebook.from_json(book.to_json()) == book


def test_the_engine_suggests_how_to_split_a_theme_without_changing_it(fitted: ThemeModel) -> None:
    parking, hours = _theme_of(fitted, 0), _theme_of(fitted, 6)
    book = Codebook()
    book.merge([parking, hours], into=parking, author="a", at=AT)
    state = apply(fitted, book)
    before = state.result()
    groups = state.subgroups(parking)
    assert len(groups) == 2 and len(groups[0]) >= len(groups[1])
    assert sorted(a for g in groups for a in g) == sorted(IDS[:12])
    assert {frozenset(g) for g in groups} == {frozenset(IDS[:6]), frozenset(IDS[6:12])}, "undoes the merge"
    assert state.result() == before, "nothing changed"
    assert state.subgroups(parking) == groups, "the same every time"


def test_how_sure_the_engine_is_is_the_margin_over_the_next_theme(fitted: ThemeModel) -> None:
    """The review queue shows answers least sure first: those nearly as near another
    theme's centre as their own (the ones likeliest to be in the wrong theme), not those
    far from every centre."""
    state = apply(fitted, Codebook())
    sure = state.sureness()
    active = [t for t in state.themes.values() if t.relevant]
    ids = [t.id for t in active]
    sims = state.vectors @ np.vstack([t.centre for t in active]).T
    for row, theme in enumerate(state.assignment):
        if theme not in ids:
            assert sure[row] == 0.0
            continue
        own = ids.index(theme)
        assert sure[row] == pytest.approx(sims[row, own] - np.delete(sims[row], own).max(), abs=1e-5)
    # An answer an officer puts in a theme other than its nearest is the least sure of all.
    elsewhere = next(t for t in ids if t != state.assignment[0])
    book = Codebook()
    book.move_answer(IDS[0], elsewhere, author="a", at=AT)
    moved = apply(fitted, book)
    assert moved.assignment[0] == elsewhere and moved.sureness()[0] < 0


def test_a_theme_left_with_no_answers_keeps_its_name(fitted: ThemeModel) -> None:
    # Officers (or re-placing) moved every answer out of a machine-named theme: it still
    # shows the name officers knew it by, with no answers, not a generic "Other answers".
    book = Codebook()
    parking, hours = _theme_of(fitted, 0), _theme_of(fitted, 6)
    fitted_label = {t.id: t.label for t in fitted.themes_}[parking]
    for row in [r for r in range(len(IDS)) if _theme_of(fitted, r) == parking]:
        book.move_answer(IDS[row], hours, author="o", at=AT)
    themes = {t.id: t for t in apply(fitted, book).themes_list()}
    assert themes[parking].size == 0
    assert themes[parking].label == fitted_label
