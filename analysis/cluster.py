"""Clustering unit-length answer vectors into themes, and choosing how many themes.

Plain k-means splits a big theme into equal parts and lumps small themes together, but
real consultations have a few big themes and many small ones. So k-means is started in
two ways and the better partition is kept:

* from k-means++ seeds, ``n_init`` times (plain k-means, the floor to beat);
* from a Ward merge of many fine clusters (4·√n of them, and 5 per theme), then refined
  by k-means, which lets a common theme be large and a rare one small;
* up to :data:`FULL_WARD_MAX` answers, from Ward's tree over the answers themselves,
  refined by k-means: it uses no seed, so where it wins the themes are the same at
  every ``random_state``.

"Better" is the mean silhouette (cosine) on a fixed-seed sample of answers: how much
closer each answer is to its own theme than to the next one. No gold labels are used,
and the same settings serve every data set (docs/analysis.md has the figures, including
leave-one-set-out).

The chosen partition is then *self-trained* (:func:`self_train`): a ridge regression from
each answer's vector to its theme is fitted on the partition itself and every answer goes
to the theme it predicts, for :data:`SELF_TRAIN_ROUNDS` rounds. k-means draws each
boundary halfway between two centres; the classifier draws it where the answers of the
two themes actually part, which raised ACC on every dev set and made the themes more
alike between seeds.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import KMeans, MiniBatchKMeans

__all__ = [
    "AUTO_K_GRID",
    "AUTO_K_LOOKS",
    "SELF_TRAIN_ROUNDS",
    "STARTS",
    "FloatArray",
    "IntArray",
    "Partition",
    "choose_k",
    "cluster",
    "distinct_rows",
    "mean_silhouette",
    "ridge_rounds",
    "self_train",
    "without_slivers",
]

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

# Above this many answers k-means runs in mini-batches (100,000 answers in seconds).
MINIBATCH_FROM = 20_000
# Silhouette is measured on at most this many answers (a fixed-seed sample).
SAMPLE = 4000
TREE_STARTS = 3
# Up to this many answers k="auto" runs k-means at each candidate.
SMALL = 300
# Rounds of self-training that end clustering, and the ridge regression's penalty.
SELF_TRAIN_ROUNDS = 3
SELF_TRAIN_RIDGE = 3.0
# Rows of the vectors multiplied at a time when a weighted Gram matrix is built.
_SLICE = 8192
# Candidate numbers of themes for k="auto".
AUTO_K_GRID = (3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 35, 40, 50, 60, 70, 80, 100)
# k="auto" averages each candidate's silhouette over this many looks (own sample and tree).
# Six since 2026-12-07: at seeds 0, 1000 and 2000 on the four dev sets, 3 looks landed
# within ±50% of the gold number 10 times of 12, 5 looks 11 and 6 looks 12, for about
# 1 s a look at 4,000 answers or more (docs/analysis.md, "Choosing the number of themes").
AUTO_K_LOOKS = 6


@dataclass(frozen=True)
class Partition:
    labels: IntArray
    method: str
    silhouette: float


def _sample(n: int, random_state: int) -> IntArray:
    if n <= SAMPLE:
        return np.arange(n, dtype=np.int64)
    rng = np.random.default_rng(random_state)
    return np.sort(rng.choice(n, SAMPLE, replace=False)).astype(np.int64)


def _unit_distances(vectors: FloatArray) -> npt.NDArray[np.float32]:
    """Cosine distances between unit-length rows, in float32 (at most SAMPLE² values)."""
    distances = np.asarray(1.0 - vectors @ vectors.T, dtype=np.float32)
    np.clip(distances, 0.0, 2.0, out=distances)
    np.fill_diagonal(distances, 0.0)
    return distances


def mean_silhouette(distances: npt.NDArray[np.floating], labels: IntArray) -> float:
    """The mean silhouette of ``labels`` given every pair's distance, as scikit-learn's
    ``silhouette_score(metric="precomputed")`` defines it (an answer alone in its theme
    scores 0), in one matrix product: the distance of every answer to every theme."""
    _, inverse = np.unique(labels, return_inverse=True)
    m = len(labels)
    k = int(inverse.max()) + 1 if m else 0
    if k < 2 or k >= m:
        return -1.0
    rows = np.arange(m)
    members = np.zeros((m, k), dtype=distances.dtype)
    members[rows, inverse] = 1.0
    sums = distances @ members
    sizes = members.sum(axis=0)
    own = sizes[inverse]
    inside = sums[rows, inverse] / np.maximum(own - 1.0, 1.0)
    means = sums / sizes
    means[rows, inverse] = np.inf
    nearest = means.min(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = (nearest - inside) / np.maximum(inside, nearest)
    scores[(own <= 1) | ~np.isfinite(scores)] = 0.0
    return float(scores.mean())


def distinct_rows(vectors: npt.NDArray[np.floating], decimals: int) -> int:
    """How many different rows ``vectors`` has once rounded to ``decimals`` places: what
    ``len(np.unique(np.round(vectors, decimals), axis=0))`` gives, without its copies
    (at 100,000 answers they took 290 MB at once). Rows are rounded a slice at a time and
    told apart by a hash of their bytes; rows whose hashes agree are compared in full."""
    n = len(vectors)
    if n == 0:
        return 0
    hashes = np.empty(n, dtype=np.int64)
    for start in range(0, n, _SLICE):
        part = np.round(vectors[start : start + _SLICE], decimals) + 0.0  # -0.0 is 0.0
        hashes[start : start + len(part)] = [hash(row.tobytes()) for row in part]
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    count = len(starts)
    sizes = np.diff(np.r_[starts, n])
    several = sizes > 1
    for start, size in zip(starts[several].tolist(), sizes[several].tolist(), strict=True):
        rows = order[start : start + size]  # one hash: one row, unless two rows' hashes collide
        count += len(np.unique(np.round(vectors[rows], decimals), axis=0)) - 1
    return count


def _kmeans(
    vectors: FloatArray, k: int, random_state: int, n_init: int, init: object = "k-means++"
) -> IntArray:
    n = len(vectors)
    if n >= MINIBATCH_FROM:
        model: KMeans | MiniBatchKMeans = MiniBatchKMeans(
            n_clusters=k,
            init=init,
            n_init=n_init if isinstance(init, str) else 1,
            batch_size=4096,
            max_iter=100,
            random_state=random_state,
        )
    else:
        model = KMeans(
            n_clusters=k, init=init, n_init=n_init if isinstance(init, str) else 1, random_state=random_state
        )
    return np.asarray(model.fit_predict(vectors), dtype=np.int64)


@dataclass(frozen=True)
class _Tree:
    """Fine clusters of the answers and the Ward tree over their centres."""

    fine: IntArray
    linkage: npt.NDArray[np.float64]
    n_fine: int

    def cut(self, k: int) -> IntArray:
        merged = fcluster(self.linkage, k, criterion="maxclust").astype(np.int64) - 1
        return np.asarray(merged[self.fine], dtype=np.int64)


def _tree(vectors: FloatArray, n_fine: int, random_state: int) -> _Tree | None:
    n = len(vectors)
    n_fine = min(n_fine, n // 2)
    if n_fine < 3:
        return None
    fine: KMeans | MiniBatchKMeans
    if n >= MINIBATCH_FROM:
        fine = MiniBatchKMeans(
            n_clusters=n_fine, init="random", n_init=1, batch_size=4096, random_state=random_state
        )
    else:
        fine = KMeans(n_clusters=n_fine, init="random", n_init=1, max_iter=100, random_state=random_state)
    fine.fit(vectors)
    labels = np.asarray(fine.labels_, dtype=np.int64)
    used = np.unique(labels)
    if len(used) < 3:
        return None
    # Empty fine clusters are dropped; labels are renumbered to the used ones.
    remap = np.full(n_fine, -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    centres = np.asarray(fine.cluster_centers_, dtype=np.float64)[used]
    return _Tree(remap[labels], linkage(centres, method="ward"), len(used))


def _centres(vectors: FloatArray, labels: IntArray, themes: Iterable[int]) -> FloatArray:
    """The mean vector of each of ``themes``' answers (not normalised), one row each."""
    return np.vstack([vectors[labels == c].mean(axis=0) for c in themes]).astype(np.float32)


def _refine(vectors: FloatArray, labels: IntArray, k: int, random_state: int) -> IntArray:
    """k-means started from the centres of ``labels`` (an empty group keeps plain k-means++)."""
    present = np.unique(labels)
    if len(present) < k:
        return _kmeans(vectors, k, random_state, n_init=3)
    return _kmeans(vectors, k, random_state, n_init=1, init=_centres(vectors, labels, range(k)))


def self_train(
    vectors: FloatArray,
    labels: IntArray,
    k: int,
    rounds: int = SELF_TRAIN_ROUNDS,
    ridge: float = SELF_TRAIN_RIDGE,
) -> IntArray:
    """``labels`` (a theme 0..k-1 for every row) after ``rounds`` of self-training
    (:func:`ridge_rounds`); a theme that a round would leave empty keeps the answers it
    had, so no theme is lost."""
    return ridge_rounds(vectors, labels, k, rounds, ridge, keep_themes=True)[0]


def ridge_rounds(
    vectors: FloatArray,
    labels: IntArray,
    k: int,
    rounds: int,
    ridge: float,
    *,
    weight: npt.NDArray[np.floating] | None = None,
    fixed: IntArray | None = None,
    keep_themes: bool = False,
) -> tuple[IntArray, FloatArray | None]:
    """Self-training: each round fits a ridge regression (penalty ``ridge``, with an
    intercept) from the vectors to their themes, one column per theme, and moves every
    answer to the theme it scores highest; it stops early when nothing moves. Returns the
    themes and the last round's scores (``None`` if no round ran).

    It is solved in closed form from the vectors' Gram matrix, built from the vectors as
    they are (no copy: at 100,000 answers a copy is 150 MB; a weighted one is built a
    slice at a time), so a round is one pass over the answers and memory grows with
    ``n × k``, not ``n²``. ``weight`` weighs each answer in the fit; the rows in ``fixed``
    keep their themes; with ``keep_themes`` a theme that a round would leave empty keeps
    the answers it had. Clustering's self-training and re-placing after officers'
    corrections (:mod:`analysis.learn`) both use it."""
    n = len(vectors)
    current = labels.astype(np.int64).copy()
    if k < 2 or n == 0 or rounds < 1:
        return current, None
    v = np.asarray(vectors, dtype=np.float32)
    d = v.shape[1]
    gram = np.empty((d + 1, d + 1), dtype=np.float64)  # of the vectors with an intercept column
    w = None if weight is None else np.asarray(weight, dtype=np.float32)
    if w is None:
        gram[:d, :d] = v.T @ v
        gram[:d, d] = gram[d, :d] = v.sum(axis=0, dtype=np.float64)
        gram[d, d] = n
    else:
        gram[:d, :d] = 0.0
        for start in range(0, n, _SLICE):
            part = v[start : start + _SLICE]
            gram[:d, :d] += (part * w[start : start + _SLICE, None]).T @ part
        gram[:d, d] = gram[d, :d] = w.astype(np.float64) @ v
        gram[d, d] = w.sum(dtype=np.float64)
    gram += ridge * np.eye(d + 1)
    identity = np.eye(k, dtype=np.float32)
    keep = None if fixed is None else current[fixed].copy()
    scores: FloatArray | None = None
    for _ in range(rounds):
        members = identity[current] if w is None else identity[current] * w[:, None]
        rhs = np.vstack([v.T @ members, members.sum(axis=0, keepdims=True)]).astype(np.float64)
        coef = np.linalg.solve(gram, rhs).astype(np.float32)
        scores = np.asarray(v @ coef[:d] + coef[d], dtype=np.float32)
        moved = np.asarray(scores.argmax(axis=1), dtype=np.int64)
        if fixed is not None and keep is not None:
            moved[fixed] = keep
        if keep_themes:
            left = np.bincount(moved, minlength=k) == 0
            stay = left[current]
            moved[stay] = current[stay]
        if np.array_equal(moved, current):
            break
        current = moved
    return current, scores


def fine_count(n: int, k: int) -> tuple[int, int]:
    """The two granularities of fine clusters: five per theme, and 4·√n."""
    return max(5 * k, 10), max(int(4 * np.sqrt(n)), 10)


# Which starts the engine tries (docs/analysis.md, "Leave one set out"). Both Ward starts
# since 2026-12-05: make eval's leave-one-set-out chose them in every fold that day, and
# over three seeds that share no starts their mean ACC on the four dev sets was 0.607
# against 0.602 for "ward-sqrt" alone (0.609 against 0.610 on an earlier machine).
STARTS = ("k-means", "ward-5k", "ward-sqrt", "ward-full")
# Up to this many answers the "ward-full" start is tried too: Ward's tree over the answers
# themselves (no fine clusters, so no seed), cut at k and refined by k-means from the
# cut's centres. It takes about 2.5 s at 5,000 answers and a condensed distance matrix of
# n²/2 numbers (100 MB at 5,000), so above that only the fine-cluster trees are used.
FULL_WARD_MAX = 5000


# The last Ward tree over every answer, by a digest of the vectors: ``k="auto"``'s exact
# look and the clustering's "ward-full" start read the same vectors one after the other.
_LAST_FULL_TREE: dict[bytes, _Tree] = {}
_FULL_TREE_LOCK = threading.Lock()


def _full_tree(vectors: FloatArray) -> _Tree:
    """Ward's tree over every answer: the same for every seed. The last one built is
    kept (one entry), so choosing the number of themes and then clustering build it once."""
    n = len(vectors)
    data = np.ascontiguousarray(vectors)
    key = hashlib.blake2b(data.tobytes(), digest_size=16, person=str(data.shape).encode()[:16]).digest()
    with _FULL_TREE_LOCK:
        kept = _LAST_FULL_TREE.get(key)
    if kept is not None:
        return kept
    tree = _Tree(np.arange(n, dtype=np.int64), linkage(data.astype(np.float64), method="ward"), n)
    with _FULL_TREE_LOCK:
        _LAST_FULL_TREE.clear()
        _LAST_FULL_TREE[key] = tree
    return tree


def cluster(
    vectors: FloatArray, k: int, random_state: int = 0, n_init: int = 10, starts: tuple[str, ...] = STARTS
) -> Partition:
    """Partition ``vectors`` (unit length, no zero rows) into ``k`` themes, trying each
    of ``starts`` and keeping the best silhouette (plain k-means is always tried), then
    self-trained (:func:`self_train`)."""
    n = len(vectors)
    sample = _sample(n, random_state)
    distances = _unit_distances(vectors[sample])
    plain = _kmeans(vectors, k, random_state, n_init=n_init)
    best = Partition(plain, "k-means", mean_silhouette(distances, plain[sample]))
    tries = [
        (name, n_fine, seed)
        for seed in range(TREE_STARTS)
        for name, n_fine in zip(("ward-5k", "ward-sqrt"), fine_count(n, k), strict=True)
    ]

    def trees() -> Iterator[tuple[str, _Tree | None]]:
        """Each tree start in turn, grown only when its turn comes."""
        for name, n_fine, seed in tries:
            if name in starts and n_fine > k:
                yield name, _tree(vectors, n_fine, random_state + seed)
        if "ward-full" in starts and k < n <= FULL_WARD_MAX:
            yield "ward-full", _full_tree(vectors)

    for name, tree in trees():
        if tree is None or tree.n_fine <= k:
            continue
        labels = _refine(vectors, tree.cut(k), k, random_state)
        score = mean_silhouette(distances, labels[sample])
        if score > best.silhouette + 1e-9:
            best = Partition(labels, f"{name} + k-means", score)
    return Partition(self_train(vectors, best.labels, k), best.method, best.silhouette)


# With k="auto" a theme is kept only if it is the main theme of at least this many
# answers or of at least this share of them (a lower floor than a further theme's, which
# must be the main theme of more than 1% of answers and of at least 3). A theme of one
# or two answers out of thousands ("❤️", two answers that share one odd word) tells an
# officer nothing; in a survey of a hundred answers two answers are 2% and stay a theme.
AUTO_MIN_ANSWERS = 3
AUTO_MIN_SHARE = 0.01


def without_slivers(vectors: FloatArray, labels: IntArray, k: int) -> tuple[IntArray, int]:
    """``labels`` (themes 0..k-1) without the themes too small to keep when the number of
    themes was chosen (:data:`AUTO_MIN_ANSWERS`, :data:`AUTO_MIN_SHARE`): each of their
    answers goes to the nearest kept theme's centre (cosine), and the kept themes are
    numbered 0.. in their order. At least two themes are always kept (the largest)."""
    sizes = np.bincount(labels, minlength=k)
    floor = min(AUTO_MIN_ANSWERS, AUTO_MIN_SHARE * len(labels))
    keep = sizes >= floor
    if keep.all():
        return labels, k
    if np.count_nonzero(keep) < 2:
        keep = np.zeros(k, dtype=bool)
        keep[np.argsort(-sizes, kind="stable")[:2]] = True
    kept = np.flatnonzero(keep)
    centres = _centres(vectors, labels, kept.tolist())
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    renumber = np.full(k, -1, dtype=np.int64)
    renumber[kept] = np.arange(len(kept))
    out = renumber[labels]
    moved = np.flatnonzero(out < 0)
    if len(moved):
        out[moved] = np.argmax(vectors[moved] @ centres.T, axis=1)
    return out.astype(np.int64), len(kept)


def _choice_fine(m: int) -> int:
    """How many fine clusters the Ward tree of a look at ``m`` answers starts from."""
    return min(m // 3, max(200, int(10 * np.sqrt(m))))


def _partitions(
    vectors: FloatArray, candidates: list[int], random_state: int
) -> tuple[IntArray, dict[int, IntArray]]:
    """One look at the candidates: the rows of a sample of the answers drawn with
    ``random_state``, and the partition of that sample for each number of themes (see
    :func:`choose_k`)."""
    rows = _sample(len(vectors), random_state)
    scored = vectors[rows]
    tree = None if len(vectors) <= SMALL else _tree(scored, _choice_fine(len(scored)), random_state)
    partitions: dict[int, IntArray] = {}
    for k in candidates:
        if tree is not None and k >= tree.n_fine:
            break
        if tree is not None:
            partitions[k] = _refine(scored, tree.cut(k), k, random_state)
        else:
            partitions[k] = _kmeans(scored, k, random_state, n_init=3)
    return rows, partitions


def _exact_partitions(vectors: FloatArray, candidates: list[int]) -> dict[int, IntArray]:
    """The look with no seed, from ``SMALL`` to :data:`FULL_WARD_MAX` answers: cuts of
    Ward's tree over every answer (the tree the seeded looks approximate from fine
    clusters), each refined by k-means from the cut's centres."""
    n = len(vectors)
    if not SMALL < n <= FULL_WARD_MAX:
        return {}
    tree = _full_tree(vectors)
    return {k: _refine(vectors, tree.cut(k), k, 0) for k in candidates if k < n}


def choose_k(vectors: FloatArray, random_state: int = 0, k_max: int = 100) -> int:
    """The number of themes whose partitions have the best mean silhouette over
    :data:`AUTO_K_LOOKS` looks.

    Above ``SMALL`` answers the candidates start from cuts of one Ward tree over fine
    clusters and each cut is refined by k-means before it is scored: the silhouette of
    the partition the engine would really produce, not of the raw cut (raw cuts score
    noisily and favoured three themes on a set with twenty). Above ``SAMPLE`` answers
    each look runs on its own fixed-seed sample of them, so its cost does not grow with
    the number of answers. For fewer than ``SMALL``, k-means at each candidate. Each
    look (seeds ``random_state``, ``+ 1``, ...) has its own tree and sample; on answers
    without clear structure one look's curve is flat and noisy, and which number wins
    changed with the seed (docs/analysis.md, "Choosing the number of themes"). From
    ``SMALL`` to :data:`FULL_WARD_MAX` answers one more look has no seed
    (:func:`_exact_partitions`: cuts of Ward's tree over every answer, scored on the
    first look's answers), so part of the mean is the same at every seed. Two
    themes are not offered: on answers with no clear structure a two-way split always
    scores best, and it is of no use to an officer."""
    n = len(vectors)
    distinct = distinct_rows(vectors, 4)
    cap = max(3, int(np.sqrt(n))) if n <= SMALL else _choice_fine(min(n, SAMPLE)) // 3
    candidates = [k for k in AUTO_K_GRID if k <= min(k_max, distinct - 1, cap)]
    if not candidates:
        return max(1, min(distinct, 2))
    # Every look's k-means runs before any silhouette is measured: interleaving the
    # distance matrices' products with k-means made each k-means three times slower
    # (the two libraries' threads compete for the two cores).
    drawn = [_partitions(vectors, candidates, random_state + look) for look in range(AUTO_K_LOOKS)]
    exact = _exact_partitions(vectors, candidates)
    looks: list[dict[int, float]] = []
    # Up to SAMPLE answers every look scores all of them: their distances are worked out once.
    shared = _unit_distances(vectors) if n <= SAMPLE else None
    for look, (rows, partitions) in enumerate(drawn):
        distances = shared if shared is not None else _unit_distances(vectors[rows])
        looks.append({k: mean_silhouette(distances, labels) for k, labels in partitions.items()})
        if look == 0 and exact:  # scored on the first look's answers
            looks.append({k: mean_silhouette(distances, labels[rows]) for k, labels in exact.items()})
        del distances
    scored = [k for k in candidates if all(k in found for found in looks)]
    best_k, best = candidates[0], -2.0
    for k in scored:
        score = float(np.mean([found[k] for found in looks]))
        if score > best + 1e-9:
            best_k, best = k, score
    return best_k
