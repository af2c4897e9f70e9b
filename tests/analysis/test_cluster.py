"""The clustering's last step, self-training (analysis.cluster.self_train)."""

from __future__ import annotations

import numpy as np
from sklearn.preprocessing import normalize

from analysis.cluster import cluster, self_train


def _blobs(rng: np.random.Generator, sizes: list[int], spread: float = 0.3, dims: int = 16) -> np.ndarray:
    parts = []
    for axis, n in enumerate(sizes):
        centre = np.zeros(dims, dtype=np.float32)
        centre[axis] = 1.0
        parts.append(centre + spread * rng.standard_normal((n, dims)).astype(np.float32))
    return normalize(np.vstack(parts)).astype(np.float32)


def test_answers_placed_against_the_grain_go_back_to_their_theme() -> None:
    rng = np.random.default_rng(0)
    vectors = _blobs(rng, [40, 40, 40], spread=0.15)
    truth = np.repeat(np.arange(3), 40)
    labels = truth.copy()
    labels[[0, 1, 41, 81]] = [1, 2, 0, 1]  # four answers put in the wrong theme
    out = self_train(vectors, labels, 3)
    assert (out == truth).all()


def test_no_theme_is_lost() -> None:
    rng = np.random.default_rng(1)
    vectors = _blobs(rng, [60, 60])
    labels = np.repeat(np.arange(2), 60)
    labels[5] = 2  # a theme of one answer that belongs in theme 0
    out = self_train(vectors, labels, 3)
    assert sorted(np.unique(out).tolist()) == [0, 1, 2]
    assert out[5] == 2


def test_it_changes_nothing_with_one_theme_or_no_rounds() -> None:
    vectors = _blobs(np.random.default_rng(2), [10, 10])
    labels = np.repeat(np.arange(2), 10)
    assert (self_train(vectors, np.zeros(20, dtype=np.int64), 1) == 0).all()
    scrambled = labels[::-1].copy()
    assert (self_train(vectors, scrambled, 2, rounds=0) == scrambled).all()


def test_clustering_ends_with_it_and_is_deterministic() -> None:
    rng = np.random.default_rng(3)
    vectors = _blobs(rng, [80, 30, 10], spread=0.45)
    first = cluster(vectors, 3, random_state=0)
    again = cluster(vectors, 3, random_state=0)
    assert (first.labels == again.labels).all()
    assert len(np.unique(first.labels)) == 3
