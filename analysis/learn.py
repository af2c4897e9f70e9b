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


def relearn(
    vectors: FloatArray, centres: FloatArray, current: IntArray, labelled: Mapping[int, int], agreement: float
) -> Relearned:
    """Re-place answers using officers' labels.

    ``vectors`` are the answers' unit vectors (one row each), ``centres`` the current
    themes' unit centres, ``current`` each answer's theme now (a row of ``centres``),
    ``labelled`` maps an answer's row to the theme an officer put it in, and
    ``agreement`` (0 to 1) is the share of those answers the officer left in the theme
    the engine had given them. Labelled answers keep their theme. Raises ``ValueError``
    with no labelled answers or fewer than two themes."""
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
    seeded = _seeded_centres(vectors, rows, themes, centres)
    corrected = 0.5 * (_nearest(vectors, centres, seeded) + _self_trained(vectors, current, rows, themes, k))
    examples = np.vstack([vectors[rows], seeded, centres])
    targets = np.concatenate([themes, np.tile(np.arange(k, dtype=np.int64), 2)])
    officers = _proba(_fit(examples, targets, OFFICERS_C), vectors, k)
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
