"""The clustering (analysis.cluster): self-training, its last step, and choosing the
number of themes."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import silhouette_score
from sklearn.metrics.pairwise import cosine_distances
from sklearn.preprocessing import normalize

from analysis import cluster as cluster_module
from analysis.cluster import choose_k, cluster, mean_silhouette, self_train


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


def test_silhouette_is_scikit_learns_in_one_product() -> None:
    rng = np.random.default_rng(4)
    vectors = _blobs(rng, [30, 20, 25, 1], spread=0.6)  # the last theme has one answer
    labels = np.repeat(np.arange(4), [30, 20, 25, 1])
    labels[:5] = 2  # some answers in the wrong theme, so scores are mixed
    distances = np.clip(1.0 - vectors @ vectors.T, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    expected = silhouette_score(cosine_distances(vectors), labels, metric="precomputed")
    assert mean_silhouette(distances.astype(np.float32), labels) == pytest.approx(expected, abs=1e-5)
    assert mean_silhouette(distances, np.zeros(76, dtype=np.int64)) == -1.0


def test_the_number_of_themes_is_the_best_mean_over_the_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    # One look slightly prefers 5 themes; the other two clearly prefer 10.
    monkeypatch.setattr(cluster_module, "AUTO_K_LOOKS", 3)
    monkeypatch.setattr(cluster_module, "FULL_WARD_MAX", 0)  # the seeded looks only
    looks = iter([{5: 0.30, 10: 0.29}, {5: 0.20, 10: 0.28}, {5: 0.21, 10: 0.27}])
    monkeypatch.setattr(cluster_module, "_partitions", lambda v, c, r: (np.arange(len(v)), {5: 5, 10: 10}))
    scores = {}

    def silhouette(distances: np.ndarray, k: int) -> float:
        if not scores:
            scores.update(next(looks))
        return scores.pop(k)

    monkeypatch.setattr(cluster_module, "mean_silhouette", silhouette)
    vectors = _blobs(np.random.default_rng(5), [200, 200])
    assert choose_k(vectors, random_state=0) == 10


@pytest.mark.parametrize(("full_ward_max", "expected"), [(5000, 10), (0, 5)])
def test_the_look_from_wards_tree_over_every_answer_counts_as_one_more_look(
    monkeypatch: pytest.MonkeyPatch, full_ward_max: int, expected: int
) -> None:
    # Two seeded looks slightly prefer 5 themes; the look with no seed (Ward's tree over
    # every answer, up to FULL_WARD_MAX answers) clearly prefers 10, and the mean of the
    # three looks follows it. Above FULL_WARD_MAX there is no such look.
    monkeypatch.setattr(cluster_module, "AUTO_K_LOOKS", 2)
    monkeypatch.setattr(cluster_module, "FULL_WARD_MAX", full_ward_max)
    monkeypatch.setattr(cluster_module, "_partitions", lambda v, c, r: (np.arange(len(v)), {5: 5, 10: 10}))
    exact: list[int] = []
    real = cluster_module._exact_partitions

    def exact_look(vectors: np.ndarray, candidates: list[int]) -> dict[int, object]:
        exact.append(len(vectors))
        return {k: np.full(len(vectors), 100 + k) for k in real(vectors, candidates)}

    monkeypatch.setattr(cluster_module, "_exact_partitions", exact_look)
    scores = {5: 0.30, 10: 0.29, 105: 0.20, 110: 0.40}
    monkeypatch.setattr(cluster_module, "mean_silhouette", lambda d, k: scores.get(int(np.max(k)), 0.0))
    vectors = _blobs(np.random.default_rng(5), [200, 200])
    assert choose_k(vectors, random_state=0) == expected
    assert exact == [400]


def test_wards_tree_over_every_answer_is_built_once_for_the_same_vectors() -> None:
    # k="auto" and then the clustering's "ward-full" start read the same vectors.
    vectors = _blobs(np.random.default_rng(8), [40, 30, 20])
    tree = cluster_module._full_tree(vectors)
    assert cluster_module._full_tree(vectors.copy()) is tree
    other = vectors.copy()
    other[0, 0] += 0.01
    assert cluster_module._full_tree(other) is not tree
    assert (cluster_module._full_tree(vectors).cut(3) == tree.cut(3)).all()


def test_the_looks_share_one_distance_matrix_when_they_score_every_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Up to SAMPLE answers every look scores them all: one matrix, whatever the looks.
    made: list[int] = []
    real = cluster_module._unit_distances

    def counted(vectors: np.ndarray) -> np.ndarray:
        made.append(len(vectors))
        return real(vectors)

    monkeypatch.setattr(cluster_module, "_unit_distances", counted)
    vectors = _blobs(np.random.default_rng(7), [200] * 4, spread=0.3)
    assert choose_k(vectors, random_state=0) == 4
    assert made == [800]
    made.clear()
    monkeypatch.setattr(cluster_module, "SAMPLE", 500)  # now each look has its own sample
    assert choose_k(vectors, random_state=0) == 4
    assert made == [500] * cluster_module.AUTO_K_LOOKS


def test_clear_themes_give_the_same_number_whatever_the_seed() -> None:
    vectors = _blobs(np.random.default_rng(6), [100] * 12, spread=0.25, dims=32)
    assert {choose_k(vectors, random_state=seed) for seed in (0, 1000, 2000)} == {12}


def _rows_with_copies() -> np.ndarray:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(300, 6)).astype(np.float32)
    vectors[150:] = vectors[:150]  # every row twice
    vectors[1] = vectors[0] + 1e-7  # the same once rounded
    vectors[2, 0] = -0.0
    vectors[3] = vectors[2]
    vectors[3, 0] = 0.0  # -0.0 and 0.0 are one value
    return vectors


@pytest.mark.parametrize("decimals", [4, 5])
def test_distinct_rows_counts_what_numpy_unique_counts(decimals: int) -> None:
    vectors = _rows_with_copies()
    expected = len(np.unique(np.round(vectors, decimals), axis=0))
    assert cluster_module.distinct_rows(vectors, decimals) == expected
    assert cluster_module.distinct_rows(vectors[:0], decimals) == 0
    assert cluster_module.distinct_rows(vectors[:1], decimals) == 1


def test_distinct_rows_tells_rows_apart_when_their_hashes_collide(monkeypatch: pytest.MonkeyPatch) -> None:
    vectors = _rows_with_copies()
    expected = len(np.unique(np.round(vectors, 5), axis=0))
    monkeypatch.setattr(cluster_module, "hash", lambda data: len(data) % 3, raising=False)
    assert cluster_module.distinct_rows(vectors, 5) == expected


def test_the_ward_tree_over_every_answer_uses_no_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    # The start from Ward's tree over the answers themselves gives the same partition at
    # every seed; where it wins on silhouette, the themes do not move with the seed.
    vectors = _blobs(np.random.default_rng(3), [70, 40, 25, 15], spread=0.4)
    only = ("ward-full",)  # with plain k-means, which is always tried
    runs = [cluster(vectors, 4, random_state=seed, starts=only) for seed in (0, 1000, 2000)]
    assert [run.method for run in runs] == ["ward-full + k-means"] * 3
    for run in runs[1:]:
        assert (run.labels == runs[0].labels).all()
    whole = cluster_module._full_tree(vectors)
    assert whole.n_fine == len(vectors) and len(np.unique(whole.cut(4))) == 4
    # Above FULL_WARD_MAX answers it is not tried (its distance matrix grows as n²).
    monkeypatch.setattr(cluster_module, "FULL_WARD_MAX", 100)
    for seed in (0, 1000):
        assert cluster(vectors, 4, random_state=seed, starts=only).method == "k-means"


def test_a_theme_of_one_or_two_answers_among_many_goes_to_the_nearest_theme() -> None:
    rng = np.random.default_rng(9)
    vectors = _blobs(rng, [150, 100, 2, 1], spread=0.2)
    labels = np.repeat(np.arange(4), [150, 100, 2, 1])
    out, k = cluster_module.without_slivers(vectors, labels, 4)
    assert k == 2
    assert (out[:250] == labels[:250]).all()  # the kept themes keep their answers and numbers
    assert set(out[250:].tolist()) <= {0, 1}
    # Each moved answer went to the kept theme whose centre is nearer.
    centres = normalize(np.vstack([vectors[:150].mean(axis=0), vectors[150:250].mean(axis=0)]))
    assert out[250:].tolist() == np.argmax(vectors[250:] @ centres.T, axis=1).tolist()


@pytest.mark.parametrize(
    ("sizes", "kept"),
    [
        ([30, 20, 2], 3),  # 2 of 52 answers is 4%: a theme in a small survey
        ([300, 200, 3], 3),  # three answers are enough however many there are
        ([300, 200, 2], 2),
        ([1000, 1, 1], 2),  # at least two themes are kept, the largest
    ],
)
def test_a_theme_is_kept_with_three_answers_or_one_in_a_hundred(sizes: list[int], kept: int) -> None:
    vectors = _blobs(np.random.default_rng(10), sizes, spread=0.2)
    labels = np.repeat(np.arange(len(sizes)), sizes)
    out, k = cluster_module.without_slivers(vectors, labels, len(sizes))
    assert k == kept
    assert sorted(np.unique(out).tolist()) == list(range(kept))
    if k == len(sizes):
        assert (out == labels).all()
