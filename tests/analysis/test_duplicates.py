from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from numpy.typing import NDArray

from analysis.duplicates import duplicate_groups, duplicate_key, group_sizes

CAMPAIGN = (
    "Please do not close our library. It is the heart of the village and we rely on it for the "
    "children, for older people who live alone and for everyone who needs to use a computer or "
    "get help with forms"
)


def _unit(rows: NDArray[np.float64]) -> NDArray[np.float32]:
    rows = np.asarray(rows, dtype=np.float64)
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _with_cosine(base: NDArray[np.float32], cosine: float, rng: np.random.Generator) -> NDArray[np.float32]:
    """A unit vector at exactly ``cosine`` to the unit vector ``base``."""
    noise = rng.standard_normal(base.shape)
    noise -= noise.dot(base) * base
    noise /= np.linalg.norm(noise)
    return (cosine * base + np.sqrt(1 - cosine**2) * noise).astype(np.float32)


def _naive_groups(texts: list[str], vectors: NDArray[np.float32] | None, threshold: float) -> list[int]:
    """The rules written out plainly, comparing every pair."""
    from analysis.text import is_meaningless

    n = len(texts)
    keys = [duplicate_key(t) for t in texts]
    words = [k.split() for k in keys]
    shingles = [{tuple(w[i : i + 3]) for i in range(len(w) - 2)} for w in words]
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in itertools.combinations(range(n), 2):
        if is_meaningless(texts[a]) or is_meaningless(texts[b]):
            continue
        same = keys[a] == keys[b]
        if vectors is not None and len(words[a]) >= 4 and len(words[b]) >= 4:
            same = same or float(vectors[a] @ vectors[b]) >= threshold
        if len(words[a]) >= 8 and len(words[b]) >= 8:
            union = len(shingles[a] | shingles[b])
            same = same or len(shingles[a] & shingles[b]) >= 0.8 * union
        if same:
            parent[max(find(a), find(b))] = min(find(a), find(b))
    return [find(i) for i in range(n)]


def test_key_ignores_case_punctuation_spacing_and_apostrophes() -> None:
    assert duplicate_key("  Don't CLOSE the library!!!  ") == "dont close the library"
    assert duplicate_key("don't close  the library.") == "dont close the library"
    assert duplicate_key("Open on Sundays") != duplicate_key("Open on Saturdays")


def test_exact_and_reformatted_copies_are_grouped() -> None:
    texts = [
        "The car park is too small",
        "More books for teenagers",
        "the car park is too small!!",
        "  THE CAR PARK, IS TOO SMALL  ",
        "More books for teenager",
        "Open on Sundays",
    ]
    group = duplicate_groups(texts)
    assert group.dtype == np.int64
    assert group.tolist() == [0, 1, 0, 0, 4, 5]
    assert group_sizes(group).tolist() == [3, 1, 3, 3, 1, 1]


def test_meaningless_answers_are_never_grouped() -> None:
    texts = ["n/a", "N/A", "No comment", "no comment.", "nothing", "-", "-", "Great library", "great library"]
    group = duplicate_groups(texts)
    assert group.tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 7]


def test_meaningless_answers_are_not_grouped_by_vectors_either() -> None:
    texts = ["No comment at this time", "Not applicable", "not applicable", "Not sure"]
    vectors = _unit(np.ones((4, 8)))
    assert duplicate_groups(texts, vectors, threshold=0.5).tolist() == [0, 1, 2, 3]


def test_cosine_rule_needs_four_words_on_both_sides() -> None:
    rng = np.random.default_rng(0)
    base = _unit(rng.standard_normal((1, 16)))[0]
    texts = [
        "The toilets are always dirty and smelly",
        "Toilets are always filthy and smelly",
        "more books",
        "more bikes",
        "Please open on Sunday mornings",
        "open sundays",
    ]
    near = [_with_cosine(base, 0.99, rng) for _ in range(4)]
    vectors = np.stack([base, _with_cosine(base, 0.97, rng), *near])
    group = duplicate_groups(texts, vectors, threshold=0.95)
    # 0, 1 and 4 are long enough and close enough; the short answers stay apart.
    assert group.tolist() == [0, 0, 2, 3, 0, 5]


def test_cosine_threshold_is_respected() -> None:
    rng = np.random.default_rng(1)
    base = _unit(rng.standard_normal((1, 32)))[0]
    texts = [
        "We need more parking spaces here",
        "Parking near the branch is hopeless",
        "A lift to the upper floor",
    ]
    vectors = np.stack([base, _with_cosine(base, 0.96, rng), _with_cosine(base, 0.93, rng)])
    assert duplicate_groups(texts, vectors, threshold=0.95).tolist() == [0, 0, 2]
    assert duplicate_groups(texts, vectors, threshold=0.97).tolist() == [0, 1, 2]


def test_vectors_need_not_be_unit_length() -> None:
    texts = ["The toilets are always dirty", "The toilets are often dirty", "Great story time for toddlers"]
    vectors = np.array([[3.0, 0.0, 0.0], [30.0, 1.0, 0.0], [0.0, 0.0, 2.0]])
    assert duplicate_groups(texts, vectors).tolist() == [0, 0, 2]


def test_campaign_text_with_a_word_changed_is_grouped_without_vectors() -> None:
    texts = [
        "Longer opening hours please",
        CAMPAIGN,
        CAMPAIGN.replace("village", "town"),
        CAMPAIGN.replace("close", "shut") + " Thanks.",
        "Please do not close our library, the village needs it",
    ]
    assert duplicate_groups(texts).tolist() == [0, 1, 1, 1, 4]


def test_shingle_rule_needs_eight_words_and_jaccard_of_point_eight() -> None:
    texts = [
        # 7 and 8 words, identical shingle sets, but one is too short for the rule.
        "very very very very very very good",
        "very very very very very very very good",
        # 10 words with one changed in the middle: 5 of 11 shingles shared, too few.
        "the new library building is cold and the heating fails",
        "the new library building is warm and the heating fails",
    ]
    assert duplicate_groups(texts).tolist() == [0, 1, 2, 3]


def test_groups_are_transitive_and_named_by_their_smallest_row() -> None:
    rng = np.random.default_rng(2)
    base = _unit(rng.standard_normal((1, 16)))[0]
    other = _unit(rng.standard_normal((1, 16)))[0]
    texts = [
        "Totally unrelated answer about the café",
        "The heating never works in winter",  # cosine link to row 3
        "Story time is lovely",
        "Heating is broken every single winter",  # key link to row 4
        "heating is broken EVERY single winter.",
    ]
    far = _with_cosine(base, 0.1, rng)
    vectors = np.stack([other, base, _with_cosine(other, 0.2, rng), _with_cosine(base, 0.98, rng), far])
    group = duplicate_groups(texts, vectors)
    assert group.tolist() == [0, 1, 2, 1, 1]
    assert group_sizes(group).tolist() == [1, 3, 1, 3, 3]


def test_within_limits_vector_comparison_to_the_same_label() -> None:
    rng = np.random.default_rng(3)
    base = _unit(rng.standard_normal((1, 16)))[0]
    texts = [
        "The toilets are always dirty",
        "The toilets are never clean",
        "Toilets smell really bad today",
        "the toilets are always dirty!",
    ]
    vectors = np.stack([base, _with_cosine(base, 0.99, rng), _with_cosine(base, 0.99, rng), base])
    within = np.array([5, 5, 7, 9])
    assert duplicate_groups(texts, vectors).tolist() == [0, 0, 0, 0]
    # Row 2 has a label of its own; row 3 still joins through the exact key rule.
    assert duplicate_groups(texts, vectors, within=within).tolist() == [0, 0, 2, 0]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_matches_a_plain_pairwise_implementation(seed: int) -> None:
    rng = np.random.default_rng(seed)
    vocab = [
        "library",
        "books",
        "parking",
        "staff",
        "open",
        "hours",
        "close",
        "please",
        "more",
        "the",
        "a",
        "of",
        "and",
        "is",
        "children",
        "wifi",
    ]
    texts: list[str] = []
    for _ in range(120):
        kind = rng.integers(0, 4)
        if kind == 0 or not texts:
            texts.append(" ".join(rng.choice(vocab, size=int(rng.integers(1, 30)))))
        elif kind == 1:  # copy with one word changed
            words = rng.choice(texts).split()
            words[int(rng.integers(0, len(words)))] = str(rng.choice(vocab))
            texts.append(" ".join(words))
        elif kind == 2:  # copy with case and punctuation changed
            texts.append(str(rng.choice(texts)).upper() + "!")
        else:
            texts.append(str(rng.choice(["n/a", "No comment", "none", "test"])))
    dims = 6  # few dimensions, so that some random pairs pass the threshold
    vectors = _unit(rng.standard_normal((len(texts), dims)))
    for threshold in (0.9, 0.99):
        expected = _naive_groups(texts, vectors, threshold)
        assert duplicate_groups(texts, vectors, threshold=threshold, block=7).tolist() == expected
    assert duplicate_groups(texts).tolist() == _naive_groups(texts, None, 1.0)


def test_empty_and_bad_input() -> None:
    assert duplicate_groups([]).tolist() == []
    assert group_sizes(np.zeros(0, dtype=np.int64)).tolist() == []
    assert duplicate_groups(["", "", "🦄"]).tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="rows"):
        duplicate_groups(["a", "b"], np.zeros((3, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="labels"):
        duplicate_groups(["a", "b"], within=np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match="threshold"):
        duplicate_groups(["a"], threshold=0.0)
    # A zero vector is never similar to anything.
    texts = ["The toilets are always dirty", "The toilets are always filthy"]
    assert duplicate_groups(texts, np.zeros((2, 4), dtype=np.float32)).tolist() == [0, 1]


def test_several_thousand_answers_are_quick() -> None:
    rng = np.random.default_rng(4)
    n = 6_000
    vocab = [f"word{i}" for i in range(3_000)]
    texts = [" ".join(rng.choice(vocab, size=int(rng.integers(1, 30)))) for _ in range(n)]
    vectors = _unit(rng.standard_normal((n, 384)))
    planted = rng.choice(n, size=60, replace=False)
    for k, row in enumerate(planted):
        texts[row] = CAMPAIGN.replace("village", f"village{k % 3}")
        vectors[row] = _with_cosine(vectors[planted[0]], 0.97, rng)
    start = time.perf_counter()
    group = duplicate_groups(texts, vectors)
    assert time.perf_counter() - start < 20
    sizes = group_sizes(group)
    assert set(group[planted].tolist()) == {int(planted.min())}
    assert sizes[planted].tolist() == [60] * 60
