"""Find identical and near-identical answers: campaign text, repeats and kiosk tests.

Three rules put two answers in the same group, and groups are closed under
"is a duplicate of" (if A matches B and B matches C, all three share a group):

(a) the answers are the same once case, punctuation and spacing are ignored;
(b) their sentence vectors have cosine similarity of at least ``threshold`` and both
    answers have at least four words (short answers such as "more books" and "more
    bikes" often have very similar vectors, so they only merge under rule (a));
(c) both answers have at least eight words and the Jaccard similarity of their sets of
    three-word shingles is at least 0.8 (copied campaign text with a word changed).

Meaningless answers ("n/a", "no comment") are never grouped with anything.

Rule (a) is a dictionary look-up. Rule (b) compares vectors in square tiles of
``block`` rows, keeping only the pairs above the threshold; rows whose vectors are
exact copies are compared once. Comparing every pair is quadratic (about 35 to 60
seconds for 100,000 answers on two cores), so callers with many answers should pass
``within`` (cluster labels), which limits the comparison to answers sharing a label.
Rule (c) uses exact prefix filtering: shingles are ranked rarest first, and two sets
with Jaccard of 0.8 or more must share one of the first few shingles of each, so only
those candidates are checked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from analysis.text import is_meaningless, normalise

__all__ = ["duplicate_groups", "duplicate_key", "group_sizes"]

MIN_WORDS_VECTOR = 4
MIN_WORDS_SHINGLE = 8
SHINGLE_SIZE = 3
SHINGLE_JACCARD = 0.8
# The longest non-answer in analysis.text.MEANINGLESS has four words, and
# is_meaningless allows two words of thanks beside it; longer answers are not checked
# with is_meaningless, which would normalise the text a second time.
_MEANINGLESS_MAX_WORDS = 6
# Edges are merged into a forest whenever this many have piled up, to bound memory
# when a large campaign produces millions of matching pairs.
_EDGE_LIMIT = 4_000_000

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

IntArray = NDArray[np.int64]


def duplicate_key(text: str) -> str:
    """The text reduced to lower-case letters and digits separated by single spaces.

    Apostrophes inside words are dropped ("don't" -> "dont"), as in
    :func:`analysis.text.tokenise`.
    """
    return " ".join(word.replace("'", "") for word in _WORD.findall(normalise(str(text))))


def duplicate_groups(
    texts: Sequence[str],
    vectors: NDArray[np.floating] | None = None,
    threshold: float = 0.95,
    block: int = 2048,
    within: NDArray[np.integer] | None = None,
) -> IntArray:
    """Group identical and near-identical answers.

    Returns an int64 array with one entry per answer: the group id, which is the
    smallest row index in the answer's group (so an answer with no duplicates has its
    own index). ``vectors`` are optional sentence vectors, one row per answer; rows are
    scaled to unit length before comparison. ``within``, when given, is one label per
    answer and vectors are only compared between answers with the same label, which is
    much faster for large surveys; rules (a) and (c) ignore it.
    """
    n = len(texts)
    if vectors is not None and len(vectors) != n:
        raise ValueError(f"vectors has {len(vectors)} rows but there are {n} texts")
    if within is not None and len(within) != n:
        raise ValueError(f"within has {len(within)} labels but there are {n} texts")
    if not 0.0 < threshold <= 1.0:
        raise ValueError("threshold must be in (0, 1]")
    if block < 1:
        raise ValueError("block must be at least 1")
    if vectors is not None:
        vectors = np.asarray(vectors)
        if vectors.ndim != 2:
            raise ValueError("vectors must be a two-dimensional array")
    if n == 0:
        return np.zeros(0, dtype=np.int64)

    edges = _Edges(n)
    key_row: dict[str, int] = {}  # duplicate key -> first row with that key
    text_row: dict[str, int] = {}  # raw text -> first row with it, to skip normalising copies
    first_of: list[int] = []  # first row with the same key, or -1 for a meaningless answer
    word_counts: list[int] = []
    reps: list[int] = []  # first row with each key
    rep_keys: list[str] = []
    same_a: list[int] = []
    same_b: list[int] = []
    for row, text in enumerate(texts):
        earlier = text_row.setdefault(text, row)
        if earlier != row:
            first, count = first_of[earlier], word_counts[earlier]
        else:
            key = duplicate_key(text)
            count = key.count(" ") + 1 if key else 0
            if count == 0 or (count <= _MEANINGLESS_MAX_WORDS and is_meaningless(text)):
                first = -1
            else:
                first = key_row.setdefault(key, row)
                if first == row:
                    reps.append(row)
                    rep_keys.append(key)
        first_of.append(first)
        word_counts.append(count)
        if first not in (-1, row):
            same_a.append(first)
            same_b.append(row)
    edges.add(np.array(same_a, dtype=np.int64), np.array(same_b, dtype=np.int64))
    del key_row, text_row, same_a, same_b
    rep_counts = np.array([key.count(" ") + 1 for key in rep_keys], dtype=np.int64)
    rep_rows = np.array(reps, dtype=np.int64)

    if vectors is not None:
        # Every answer takes part, not only the first with each key: "Close it?" and
        # "close it!" may have different vectors. Exact copies of a vector add nothing.
        rows = np.flatnonzero((np.array(first_of) >= 0) & (np.array(word_counts) >= MIN_WORDS_VECTOR))
        labels = None if within is None else np.asarray(within)[rows]
        rows, copy_a, copy_b = _distinct_vectors(vectors, rows, labels)
        edges.add(copy_a, copy_b)
        labels = None if within is None else np.asarray(within)[rows]
        for rows_a, rows_b in _vector_pairs(vectors, rows, labels, threshold, block):
            edges.add(rows_a, rows_b)
    del first_of, word_counts

    long = np.flatnonzero(rep_counts >= MIN_WORDS_SHINGLE)
    pairs = np.array(list(_shingle_pairs([rep_keys[k] for k in long])), dtype=np.int64).reshape(-1, 2)
    if len(pairs):
        edges.add(rep_rows[long[pairs[:, 0]]], rep_rows[long[pairs[:, 1]]])

    return edges.groups()


def group_sizes(group: NDArray[np.integer]) -> IntArray:
    """The size of each answer's group, given the output of :func:`duplicate_groups`."""
    ids: IntArray = np.asarray(group, dtype=np.int64)
    if ids.size == 0:
        return np.zeros(0, dtype=np.int64)
    counts: IntArray = np.bincount(ids).astype(np.int64)
    sizes: IntArray = counts[ids]
    return sizes


class _Edges:
    """Pairs of rows known to be duplicates, kept small by merging into a forest."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.parts_a: list[IntArray] = []
        self.parts_b: list[IntArray] = []
        self.count = 0

    def add(self, rows_a: NDArray[np.integer], rows_b: NDArray[np.integer]) -> None:
        if len(rows_a) == 0:
            return
        self.parts_a.append(np.asarray(rows_a, dtype=np.int64))
        self.parts_b.append(np.asarray(rows_b, dtype=np.int64))
        self.count += len(rows_a)
        if self.count >= _EDGE_LIMIT:
            group = self.groups()
            rows = np.flatnonzero(group != np.arange(self.n))
            self.parts_a, self.parts_b = [rows], [group[rows]]
            self.count = len(rows)

    def groups(self) -> IntArray:
        """Group id (smallest row index) of every row."""
        n = self.n
        if self.count == 0:
            return np.arange(n, dtype=np.int64)
        rows_a = np.concatenate(self.parts_a)
        rows_b = np.concatenate(self.parts_b)
        graph = coo_array((np.ones(len(rows_a), dtype=np.int8), (rows_a, rows_b)), shape=(n, n)).tocsr()
        _, component = connected_components(graph, directed=False)
        smallest = np.full(int(component.max()) + 1, n, dtype=np.int64)
        np.minimum.at(smallest, component, np.arange(n, dtype=np.int64))
        return np.asarray(smallest[component], dtype=np.int64)


def _distinct_vectors(
    vectors: NDArray[np.floating], rows: IntArray, labels: NDArray[np.integer] | None
) -> tuple[IntArray, IntArray, IntArray]:
    """Drop rows whose vector (and label) repeats an earlier row's exactly, and rows
    whose vector is zero or not finite.

    Returns the rows kept, and pairs (kept row, dropped row) to record as duplicates.
    """
    seen: dict[tuple[object, int], list[int]] = {}
    kept: list[int] = []
    copy_a: list[int] = []
    copy_b: list[int] = []
    label_list = [None] * len(rows) if labels is None else labels.tolist()
    for row, label in zip(rows.tolist(), label_list, strict=True):
        vector = vectors[row]
        norm = float(np.linalg.norm(vector))
        if not (math.isfinite(norm) and norm > 0):
            continue  # similar to nothing, so left out altogether
        candidates = seen.setdefault((label, hash(vector.tobytes())), [])
        match = next((c for c in candidates if np.array_equal(vectors[c], vector)), None)
        if match is None:
            candidates.append(row)
            kept.append(row)
        else:
            copy_a.append(match)
            copy_b.append(row)
    return (
        np.array(kept, dtype=np.int64),
        np.array(copy_a, dtype=np.int64),
        np.array(copy_b, dtype=np.int64),
    )


def _vector_pairs(
    vectors: NDArray[np.floating],
    rows: IntArray,
    labels: NDArray[np.integer] | None,
    threshold: float,
    block: int,
) -> Iterator[tuple[IntArray, IntArray]]:
    """Pairs of ``rows`` whose vectors have cosine similarity of at least ``threshold``."""
    if len(rows) < 2:
        return
    if labels is None:
        yield from _tiled_pairs(vectors, rows, threshold, block)
        return
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]])
    ends = np.r_[starts[1:], len(order)]
    for start, end in zip(starts, ends, strict=True):
        if end - start >= 2:
            yield from _tiled_pairs(vectors, rows[order[start:end]], threshold, block)


def _tiled_pairs(
    vectors: NDArray[np.floating], rows: IntArray, threshold: float, block: int
) -> Iterator[tuple[IntArray, IntArray]]:
    """All pairs above ``threshold`` among ``rows``, one ``block`` by ``block`` tile at a time."""
    unit = vectors[rows].astype(np.float32, copy=False)
    norms = np.linalg.norm(unit, axis=1)
    keep = np.isfinite(norms) & (norms > 0)
    if not keep.all():
        unit, rows, norms = unit[keep], rows[keep], norms[keep]
    unit /= norms[:, None]
    m = len(rows)
    for start in range(0, m, block):
        stop = min(start + block, m)
        left = unit[start:stop]
        for other in range(start, m, block):
            other_stop = min(other + block, m)
            close = (left @ unit[other:other_stop].T) >= threshold
            if other == start:
                close = np.triu(close, k=1)
            if not close.any():  # far quicker than np.nonzero on a tile with no pairs
                continue
            hit = np.flatnonzero(close.any(axis=1))
            i, j = np.nonzero(close[hit])
            yield rows[start + hit[i]], rows[other + j]


def _shingle_pairs(keys: list[str]) -> Iterator[tuple[int, int]]:
    """Pairs (by position) of keys whose sets of word shingles have Jaccard >= 0.8.

    An exact "all pairs" join with prefix and length filters. Each set is sorted
    rarest shingle first; two sets with Jaccard of at least 0.8 must share a shingle
    among the first ``size - ceil(0.8 * size) + 1`` of each. Shingles found in only one
    answer can never be shared, so they are not indexed. A pair already known to be in
    one group is not checked again, as it would add nothing to the grouping. Shingles
    are identified by a 64-bit hash, so a false match needs a hash collision.
    """
    if len(keys) < 2:
        return
    hashes: list[int] = []
    sizes = np.zeros(len(keys), dtype=np.int64)
    for k, key in enumerate(keys):
        words = key.split()
        shingles = {hash(tuple(words[i : i + SHINGLE_SIZE])) for i in range(len(words) - SHINGLE_SIZE + 1)}
        hashes.extend(shingles)
        sizes[k] = len(shingles)
    offsets = np.r_[0, np.cumsum(sizes)]
    doc = np.repeat(np.arange(len(keys), dtype=np.int64), sizes)
    _, inverse, counts = np.unique(np.array(hashes, dtype=np.int64), return_inverse=True, return_counts=True)
    del hashes
    inverse = inverse.ravel()
    # Rank shingles rarest first (ties broken by hash), so that prefixes hold rare shingles.
    rank_of = np.empty(len(counts), dtype=np.int64)
    rank_of[np.lexsort((np.arange(len(counts)), counts))] = np.arange(len(counts))
    token = rank_of[inverse]
    order = np.lexsort((token, doc))
    token, frequency = token[order], counts[inverse[order]]
    del inverse, order
    prefix = sizes - np.ceil(SHINGLE_JACCARD * sizes - 1e-9).astype(np.int64) + 1
    position = np.arange(len(token)) - offsets[doc]
    usable = (position < prefix[doc]) & (frequency >= 2)
    probe_docs, first_entry = np.unique(doc[usable], return_index=True)
    bounds = np.r_[first_entry, int(usable.sum())].tolist()
    probe_tokens = token[usable].tolist()
    probe_positions = position[usable].tolist()

    parent = list(range(len(keys)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # Visit sets from smallest to largest, probing the index with each set's prefix and
    # then adding that prefix to it, so every qualifying pair is met from the larger side.
    # The positional filter drops a candidate as soon as the shingles left after the
    # current position could no longer bring the overlap up to what Jaccard 0.8 needs.
    ratio = SHINGLE_JACCARD / (1 + SHINGLE_JACCARD)
    index: dict[int, list[tuple[int, int]]] = {}
    size_list = sizes.tolist()
    for p in np.argsort(sizes[probe_docs], kind="stable").tolist():
        x = int(probe_docs[p])
        size = size_list[x]
        min_size = SHINGLE_JACCARD * size - 1e-9
        overlap: dict[int, int] = {}
        root = find(x)
        lo, hi = bounds[p], bounds[p + 1]
        entries = list(zip(probe_tokens[lo:hi], probe_positions[lo:hi], strict=True))
        for t, i in entries:
            for y, j in index.get(t, ()):
                so_far = overlap.get(y, 0)
                if so_far < 0:
                    continue
                other = size_list[y]
                if other < min_size:
                    continue
                needed = math.ceil(ratio * (size + other) - 1e-9)
                if so_far + 1 + min(size - i - 1, other - j - 1) >= needed:
                    overlap[y] = so_far + 1
                else:
                    overlap[y] = -1
        members: set[int] | None = None
        for y, so_far in overlap.items():
            if so_far <= 0 or find(y) == root:
                continue
            if members is None:
                members = set(token[offsets[x] : offsets[x + 1]].tolist())
            shared = len(members.intersection(token[offsets[y] : offsets[y + 1]].tolist()))
            if shared >= SHINGLE_JACCARD * (size + size_list[y] - shared) - 1e-9:
                parent[find(y)] = root
                yield x, y
        for t, i in entries:
            index.setdefault(t, []).append((x, i))
