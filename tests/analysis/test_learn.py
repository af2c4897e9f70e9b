"""Learning from officers' corrections (analysis.learn and the Relearn operation)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from sklearn.preprocessing import normalize

from analysis.codebook import Codebook, CodebookError, apply
from analysis.learn import relearn
from analysis.model import ThemeModel
from tests.analysis.conftest import IDS

AT = "2025-01-01T09:00:00+00:00"


def _blobs(rng: np.random.Generator, axis: int, n: int, dims: int = 16) -> np.ndarray:
    centre = np.zeros(dims, dtype=np.float32)
    centre[axis] = 1.0
    return normalize(centre + 0.25 * rng.standard_normal((n, dims)).astype(np.float32))


def test_a_new_theme_made_of_a_few_answers_draws_the_ones_like_them() -> None:
    rng = np.random.default_rng(0)
    a, b, c = _blobs(rng, 0, 30), _blobs(rng, 1, 30), _blobs(rng, 2, 30)
    vectors = np.vstack([a, b, c]).astype(np.float32)
    # The machine lumped b and c together; an officer made a new theme of three of c's
    # answers (its centre is their mean, as the codebook's NewTheme makes it).
    lumped = normalize(np.array([[1, 0, 0, 0.0], [0, 1, 1, 0]], dtype=np.float32))
    lumped = np.hstack([lumped, np.zeros((2, 12), dtype=np.float32)])
    before = (vectors @ lumped.T).argmax(axis=1)
    assert (before[60:] == 1).mean() > 0.8  # most of c is in the lumped theme
    centres = np.vstack([lumped, normalize(vectors[[60, 61, 62]].sum(axis=0, keepdims=True))])
    labelled = {60: 2, 61: 2, 62: 2}
    out = relearn(vectors, centres, before, labelled, agreement=0.0)
    assert (out.labels[63:] == 2).mean() > 0.8
    assert (out.labels[30:60] == 1).mean() > 0.8
    assert (out.labels[:30] == 0).mean() > 0.8
    assert all(out.labels[r] == t for r, t in labelled.items())
    assert np.allclose(np.linalg.norm(out.centres, axis=1), 1.0, atol=1e-5)


def test_officers_who_check_two_themes_do_not_make_them_swallow_the_rest() -> None:
    rng = np.random.default_rng(4)
    vectors = np.vstack([_blobs(rng, j, 30) for j in range(8)]).astype(np.float32)
    centres = np.eye(8, 16, dtype=np.float32)
    current = (vectors @ centres.T).argmax(axis=1)
    # An officer reviewed two themes of eight and kept five answers in each.
    labelled = {r: t for t in (0, 1) for r in np.flatnonzero(current == t)[:5].tolist()}
    out = relearn(vectors, centres, current, labelled, agreement=1.0)
    assert (out.labels != current).sum() <= 3


def test_an_officers_label_always_wins() -> None:
    rng = np.random.default_rng(1)
    vectors = np.vstack([_blobs(rng, 0, 20), _blobs(rng, 1, 20)]).astype(np.float32)
    centres = np.eye(2, 16, dtype=np.float32)
    current = (vectors @ centres.T).argmax(axis=1)
    # An officer put an answer that looks like theme 0 in theme 1: it stays there.
    out = relearn(vectors, centres, current, {0: 1, 25: 1}, agreement=0.5)
    assert out.labels[0] == 1


def test_nothing_to_learn_from_is_refused() -> None:
    vectors = np.eye(3, 8, dtype=np.float32)
    current = np.array([0, 1, 1])
    with pytest.raises(ValueError, match="placed"):
        relearn(vectors, np.eye(2, 8, dtype=np.float32), current, {}, 0.5)
    with pytest.raises(ValueError, match="two themes"):
        relearn(vectors, np.eye(1, 8, dtype=np.float32), np.zeros(3, dtype=np.int64), {0: 0}, 0.5)
    with pytest.raises(ValueError, match="not one of the centres"):
        relearn(vectors, np.eye(2, 8, dtype=np.float32), current, {0: 5}, 0.5)
    with pytest.raises(ValueError, match="current theme"):
        relearn(vectors, np.eye(2, 8, dtype=np.float32), np.array([0, 1]), {0: 0}, 0.5)
    with pytest.raises(ValueError, match="current theme"):
        relearn(vectors, np.eye(2, 8, dtype=np.float32), np.array([0, 1, 2]), {0: 0}, 0.5)


def test_when_officers_keep_most_answers_only_the_boundary_moves() -> None:
    rng = np.random.default_rng(2)
    a, b = _blobs(rng, 0, 40), _blobs(rng, 1, 40)
    vectors = np.vstack([a, b]).astype(np.float32)
    centres = np.eye(2, 16, dtype=np.float32)
    # The engine put five of b's answers in theme 0; an officer checked two of them and
    # kept four answers where they were.
    current = np.array([0] * 45 + [1] * 35)
    labelled = {40: 1, 41: 1, 0: 0, 1: 0, 50: 1, 60: 1}
    out = relearn(vectors, centres, current, labelled, agreement=4 / 6)
    assert (out.labels[:40] == 0).all(), "answers the engine had right stay"
    assert (out.labels[42:] == 1).mean() > 0.95, "the other misplaced answers follow the checked ones"


def test_relearning_is_deterministic() -> None:
    rng = np.random.default_rng(3)
    vectors = np.vstack([_blobs(rng, 0, 30), _blobs(rng, 1, 30), _blobs(rng, 2, 30)]).astype(np.float32)
    centres = np.eye(3, 16, dtype=np.float32)
    current = (vectors @ centres.T).argmax(axis=1)
    labelled = {0: 1, 31: 1, 62: 2}
    first = relearn(vectors, centres, current, labelled, 1 / 3)
    again = relearn(vectors, centres, current, labelled, 1 / 3)
    assert (first.labels == again.labels).all()
    assert np.array_equal(first.centres, again.centres)


def test_the_words_answers_share_teach_where_their_meaning_does_not() -> None:
    # Two kinds of answer the vectors cannot tell apart (the same cloud), which the words
    # they use do: "parking" or "toilets". The engine split them at random; an officer
    # put four of each where they belong, moving most of them.
    rng = np.random.default_rng(5)
    vectors = _blobs(rng, 0, 80)
    kind = np.array([0, 1] * 40)
    words = np.zeros((80, 30), dtype=np.float32)
    words[kind == 0, 0] = 1.0  # "parking"
    words[kind == 1, 1] = 1.0  # "toilets"
    words[:, 2:] = rng.random((80, 28)) < 0.05  # words both kinds use
    centres = normalize(vectors[:2] + vectors[2:4])
    current = rng.integers(0, 2, 80)
    labelled = {r: int(kind[r]) for r in range(8)}
    without = relearn(vectors, centres, current, labelled, agreement=0.0)
    taught = relearn(vectors, centres, current, labelled, agreement=0.0, words=sparse.csr_matrix(words))
    assert (without.labels[8:] == kind[8:]).mean() < 0.7
    assert (taught.labels[8:] == kind[8:]).mean() > 0.9
    assert taught.centres.shape == centres.shape, "the themes' centres stay in the vectors' space"


def test_answers_without_known_words_are_placed_by_their_meaning() -> None:
    rng = np.random.default_rng(6)
    vectors = np.vstack([_blobs(rng, 0, 30), _blobs(rng, 1, 30)]).astype(np.float32)
    centres = np.eye(2, 16, dtype=np.float32)
    current = (vectors @ centres.T).argmax(axis=1)
    empty = sparse.csr_matrix((60, 5), dtype=np.float32)  # e.g. answers in a language nobody counted
    out = relearn(vectors, centres, current, {0: 0, 30: 1}, agreement=1.0, words=empty)
    assert (out.labels == current).mean() > 0.95


def _theme_of(model: ThemeModel, answer: int) -> str:
    return model.theme_ids_[model.labels_[answer]]


def test_relearn_replaces_untouched_answers_records_them_and_can_be_undone(fitted: ThemeModel) -> None:
    book = Codebook()
    parking, hours = _theme_of(fitted, 0), _theme_of(fitted, 6)
    # An officer decides the opening-hours answers belong with parking (a deliberately
    # odd choice, so that learning from it must move answers nobody touched).
    for row in (6, 7, 8, 9, 10):
        book.move_answer(IDS[row], parking, author="o", at=AT, review="moved", from_theme=hours)
    book.move_answer(IDS[0], parking, author="o", at=AT, review="accepted", from_theme=parking)
    learn = book.relearn(author="o", at=AT)
    state = apply(fitted, book)
    moved = state.relearned[learn.version]
    assert moved, "learning from the moves re-placed some answers"
    assert all(state.assignment[IDS.index(a)] == after for a, (_, after) in moved.items())
    assert IDS[11] in moved, "the last opening-hours answer follows the other five"
    assert {IDS[i] for i in (6, 7, 8, 9, 10, 0)} == state.placed  # placed answers are not in `moved`
    assert not set(moved) & state.placed
    # Undo puts every moved answer back where it was.
    book.undo_relearn(learn.version, author="o", at=AT)
    undone = apply(fitted, book)
    assert all(undone.assignment[IDS.index(a)] == before for a, (before, _) in moved.items())
    with pytest.raises(CodebookError, match="already been undone"):
        apply(
            fitted, Codebook.from_list([*book.to_list(), {**book.to_list()[-1], "version": book.version + 1}])
        )
    # The codebook round-trips through JSON and replays to the same state.
    again = Codebook.from_json(book.to_json())
    assert again == book
    assert apply(fitted, again).result() == undone.result()


def test_relearn_needs_an_officers_answers(fitted: ThemeModel) -> None:
    book = Codebook()
    book.relearn(author="o", at=AT)
    with pytest.raises(CodebookError, match="nothing to learn from"):
        apply(fitted, book)
    book = Codebook()
    book.rename(_theme_of(fitted, 0), "Parking", author="o", at=AT)
    book.undo_relearn(1, author="o", at=AT)
    with pytest.raises(CodebookError, match="not a relearn"):
        apply(fitted, book)
