"""Learning from officers' corrections: re-place the answers no officer has touched.

An officer who reviews themes leaves behind labelled answers: each answer they accepted
in its theme, moved to another, or chose for a new theme. :func:`relearn` uses them, with
the themes as they stand, to re-place every other answer. It mixes two views:

* **the themes, corrected**, itself the average of two:

  - *nearness*: a softmax (at :data:`TEMPERATURE`) of cosine similarity to each theme's
    centre, averaged over the engine's centres and centres from k-means restarted at
    the officers' answers (each theme starts at the mean of its labelled answers, which
    stay in their themes and count :data:`LABELLED_WEIGHT` times). This is what draws
    answers into a theme an officer made from a few answers;
  - *self-training*: a ridge classifier trained on every answer in its current theme,
    with the officers' answers in the themes they chose and, within each theme,
    weighing :data:`LABELLED_SHARE` times as much as its other answers together (each
    theme keeps its size, so checking two themes of twenty does not make those two
    swallow the rest); each answer is put where the classifier says and this is
    repeated :data:`ROUNDS` times, so the officers' decisions move the boundaries
    between themes a step at a time;

* **the officers' decisions alone**: logistic regression trained on the labelled answers
  and two examples per theme: its centre after k-means restarted at the officers'
  answers (where their decisions put the theme) and the engine's centre (so a theme
  nobody has checked keeps a voice).

Both views read each answer's **words** as well as its meaning when the caller gives them
(the codebook passes the engine's TF-IDF word counts): the counts, reduced to
:data:`WORD_DIMENSIONS` dimensions (LSA), are set beside the vectors at
:data:`WORD_WEIGHT`. Clustering does not use them (a TF-IDF view made themes worse on
short web snippets); teaching does, because once an officer has shown which answers
belong together, the words those answers share are evidence the meaning alone misses.

The mix is weighted by how often officers agreed with the engine: the share of their
decisions that kept an answer where the engine had put it. When they kept most answers
the corrected themes lead; when they moved most, the classifier trained on their
decisions alone does, and answers follow the officers even where that joins themes the
engine kept apart. The settings are the same for all data, chosen by their mean over the
dev sets and checked against the product's cases in ``tests/analysis/test_learn.py``
(docs/analysis.md, "Learning from corrections").
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from analysis.cluster import FloatArray, IntArray, ridge_rounds

__all__ = [
    "LABELLED_SHARE",
    "LABELLED_WEIGHT",
    "RIDGE",
    "ROUNDS",
    "SHARPNESS",
    "TEMPERATURE",
    "WORD_DIMENSIONS",
    "WORD_WEIGHT",
    "Relearned",
    "relearn",
]

# In the self-training classifier, the officers' answers in a theme together weigh this
# many times the theme's other answers together.
LABELLED_SHARE = 1.0
# Rounds of self-training.
ROUNDS = 3
# The self-training ridge regression's penalty, and how sharply its scores (about 0 to 1
# per theme) become probabilities.
RIDGE = 3.0
SHARPNESS = 10.0
# Inverse regularisation of the officers' classifier (a few dozen answers in 384
# dimensions).
OFFICERS_C = 2.0
# How many times a labelled answer counts in its theme's centre when k-means restarts at
# the officers' answers, the rounds of that k-means, and the softmax temperature turning
# cosine similarity to a theme's centre into a probability.
LABELLED_WEIGHT = 3.0
CENTRE_ROUNDS = 10
TEMPERATURE = 0.1
# The answers' words: TF-IDF counts reduced to this many dimensions (LSA, fitted on at
# most WORD_SAMPLE answers) and set beside the unit vectors at this weight.
WORD_DIMENSIONS = 100
WORD_WEIGHT = 0.5
WORD_SAMPLE = 20_000


@dataclass(frozen=True)
class Relearned:
    """Each answer's theme (a column of ``centres``) and the themes' new centres."""

    labels: IntArray
    centres: FloatArray


def _fit(x: FloatArray, y: IntArray, c: float) -> LogisticRegression:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence warnings on a handful of examples
        return LogisticRegression(C=c, max_iter=500).fit(x, y)


def _proba(classifier: LogisticRegression, x: FloatArray, k: int) -> FloatArray:
    """Probabilities over all ``k`` themes (zero for a theme the classifier never saw)."""
    out = np.zeros((len(x), k), dtype=np.float32)
    out[:, classifier.classes_] = classifier.predict_proba(x)
    return out


def _weights(labels: IntArray, rows: IntArray, k: int) -> npt.NDArray[np.float64]:
    """Training weights: each theme keeps its size (its answers' weights add up to how
    many it has), and within it the officers' answers together weigh
    :data:`LABELLED_SHARE` times the others together. Keeping sizes matters: officers
    who check two themes of twenty must not make those two swallow the rest."""
    weight = np.ones(len(labels), dtype=np.float64)
    placed = np.zeros(len(labels), dtype=bool)
    placed[rows] = True
    typical = len(labels) / max(1, len(np.unique(labels)))
    for j in range(k):
        members = labels == j
        checked = int((members & placed).sum())
        others = int((members & ~placed).sum())
        if checked and not others:
            # A theme of officers' answers only (a new theme made from chosen answers)
            # counts as a theme of typical size, so that answers like them can join it.
            weight[members] = LABELLED_SHARE * typical / checked
        elif checked:
            each = LABELLED_SHARE * others / checked
            scale = (checked + others) / (checked * each + others)
            weight[members & placed] = each * scale
            weight[members & ~placed] = scale
    return weight


def _self_trained(
    vectors: FloatArray, current: IntArray, rows: IntArray, themes: IntArray, k: int
) -> FloatArray:
    """The themes corrected by the officers' answers: :data:`ROUNDS` of self-training
    (:func:`analysis.cluster.ridge_rounds`), the answers weighted as :func:`_weights`
    says and the officers' answers held in the themes they chose; the last round's
    scores become probabilities by a softmax at :data:`SHARPNESS`."""
    labels = current.copy()
    labels[rows] = themes
    weight = _weights(labels, rows, k)
    _, scores = ridge_rounds(vectors, labels, k, ROUNDS, RIDGE, weight=weight, fixed=rows)
    if scores is None:  # no round ran (no answers)
        return np.eye(k, dtype=np.float32)[labels]
    shifted = SHARPNESS * (scores - scores.max(axis=1, keepdims=True))
    proba = np.exp(shifted)
    return np.asarray(proba / proba.sum(axis=1, keepdims=True), dtype=np.float32)


def _softmax(scores: FloatArray) -> FloatArray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    out = np.exp(shifted)
    return np.asarray(out / out.sum(axis=1, keepdims=True), dtype=np.float32)


def _seeded_centres(vectors: FloatArray, rows: IntArray, themes: IntArray, centres: FloatArray) -> FloatArray:
    """k-means from the labelled answers' means, labelled answers held in place."""
    out = centres.copy()
    for j in range(len(out)):
        mine = rows[themes == j]
        if len(mine):
            out[j] = normalize(vectors[mine].sum(axis=0).reshape(1, -1))[0]
    weight = np.ones(len(vectors), dtype=np.float32)
    weight[rows] = LABELLED_WEIGHT
    for _ in range(CENTRE_ROUNDS):
        labels = (vectors @ out.T).argmax(axis=1)
        labels[rows] = themes
        for j in range(len(out)):
            members = labels == j
            if members.any():
                total = (vectors[members] * weight[members, None]).sum(axis=0)
                if total.any():
                    out[j] = normalize(total.reshape(1, -1))[0]
    return out


def _nearest(vectors: FloatArray, centres: FloatArray, seeded: FloatArray) -> FloatArray:
    """How near each answer is to each theme: the engine's centres and centres from
    k-means restarted at the officers' answers, averaged."""
    return 0.5 * (
        _softmax((vectors @ centres.T) / TEMPERATURE) + _softmax((vectors @ seeded.T) / TEMPERATURE)
    )


def _word_view(words: sparse.spmatrix | npt.ArrayLike) -> FloatArray | None:
    """Each answer's words as a unit vector of at most :data:`WORD_DIMENSIONS` (LSA of
    the TF-IDF counts; an answer with no counted word gets zeros), or None when there
    are too few words or answers to reduce."""
    matrix = sparse.csr_matrix(words, dtype=np.float32)
    dims = min(WORD_DIMENSIONS, matrix.shape[1] - 1, matrix.shape[0] - 1)
    if dims < 2 or not matrix.nnz:
        return None
    svd = TruncatedSVD(n_components=dims, random_state=0)
    if matrix.shape[0] > WORD_SAMPLE:
        sample = np.random.default_rng(0).choice(matrix.shape[0], WORD_SAMPLE, replace=False)
        svd.fit(matrix[np.sort(sample)])
    else:
        svd.fit(matrix)
    return np.asarray(normalize(svd.transform(matrix)), dtype=np.float32)


def _beside_words(
    vectors: FloatArray, centres: FloatArray, current: IntArray, view: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """The vectors with the words beside them (unit length again), and the themes'
    centres in that space: each theme's own centre (a pinned theme's keeps its seed's
    meaning) beside the mean words of its answers (none for a theme with no answers)."""
    joined = np.asarray(normalize(np.hstack([vectors, WORD_WEIGHT * view])), dtype=np.float32)
    words = np.zeros((len(centres), view.shape[1]), dtype=np.float32)
    for j in range(len(centres)):
        members = current == j
        if members.any():
            words[j] = view[members].sum(axis=0)
    out = np.hstack([centres, WORD_WEIGHT * normalize(words)])
    return joined, np.asarray(normalize(out), dtype=np.float32)


def relearn(
    vectors: FloatArray,
    centres: FloatArray,
    current: IntArray,
    labelled: Mapping[int, int],
    agreement: float,
    words: sparse.spmatrix | npt.ArrayLike | None = None,
) -> Relearned:
    """Re-place answers using officers' labels.

    ``vectors`` are the answers' unit vectors (one row each), ``centres`` the current
    themes' unit centres, ``current`` each answer's theme now (a row of ``centres``),
    ``labelled`` maps an answer's row to the theme an officer put it in, and
    ``agreement`` (0 to 1) is the share of those answers the officer left in the theme
    the engine had given them. ``words``, when given, holds each answer's word counts
    (TF-IDF, one row per answer): the officers' decisions are then learnt from the
    words too. Labelled answers keep their theme; the new centres are in the vectors'
    space. Raises ``ValueError`` with no labelled answers or fewer than two themes."""
    vectors = np.asarray(vectors, dtype=np.float32)
    centres = np.asarray(centres, dtype=np.float32)
    current = np.asarray(current, dtype=np.int64)
    k = len(centres)
    if k < 2:
        raise ValueError("learning needs at least two themes")
    if not labelled:
        raise ValueError("learning needs at least one answer an officer has placed")
    if len(current) != len(vectors) or (current < 0).any() or (current >= k).any():
        raise ValueError("every answer needs its current theme, one of the centres")
    rows = np.fromiter(labelled.keys(), dtype=np.int64, count=len(labelled))
    themes = np.fromiter(labelled.values(), dtype=np.int64, count=len(labelled))
    if (themes < 0).any() or (themes >= k).any():
        raise ValueError("a labelled answer is in a theme that is not one of the centres")
    if words is not None and np.shape(words)[0] != len(vectors):
        raise ValueError("every answer needs its row of word counts")
    view = _word_view(words) if words is not None else None
    read, read_centres = (vectors, centres)
    if view is not None:
        read, read_centres = _beside_words(vectors, centres, current, view)
    seeded = _seeded_centres(read, rows, themes, read_centres)
    corrected = 0.5 * (_nearest(read, read_centres, seeded) + _self_trained(read, current, rows, themes, k))
    examples = np.vstack([read[rows], seeded, read_centres])
    targets = np.concatenate([themes, np.tile(np.arange(k, dtype=np.int64), 2)])
    officers = _proba(_fit(examples, targets, OFFICERS_C), read, k)
    trust = min(max(float(agreement), 0.0), 1.0)
    labels = np.asarray((trust * corrected + (1.0 - trust) * officers).argmax(axis=1), dtype=np.int64)
    labels[rows] = themes
    new_centres = centres.copy()
    for j in range(k):
        members = labels == j
        if members.any():
            total = vectors[members].sum(axis=0)
            if total.any():
                new_centres[j] = normalize(total.reshape(1, -1))[0]
    return Relearned(labels=labels, centres=new_centres)
