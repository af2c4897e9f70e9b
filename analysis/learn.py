"""Learning from officers' corrections: re-place the answers no officer has touched.

An officer who reviews themes leaves behind labelled answers: each answer they accepted
in its theme, moved to another, or chose for a new theme. :func:`relearn` uses them, with
the themes as they stand, to re-place every other answer. It mixes two views:

* **the themes, corrected** (self-training): a ridge classifier trained on every answer
  in its current theme, with the officers' answers in the themes they chose and weighing
  :data:`LABELLED_SHARE` times as much as all the others together; each answer is then
  put where the classifier says, and this is repeated :data:`ROUNDS` times, so the
  officers' decisions move the boundaries between themes a step at a time while the
  themes keep their shape;
* **the officers' decisions alone**: logistic regression trained on the labelled answers
  and one example per theme (its centre, so a theme nobody has checked keeps a voice).

The mix is weighted by how often officers agreed with the engine: the share of their
decisions that kept an answer where the engine had put it. When they kept most answers
the corrected themes lead; when they moved most, the classifier trained on their
decisions alone does, and answers follow the officers even where that joins themes the
engine kept apart. The settings are the same for all data, chosen by their mean over the
dev sets (docs/analysis.md, "Learning from corrections").
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from analysis.cluster import FloatArray, IntArray

__all__ = ["LABELLED_SHARE", "RIDGE", "ROUNDS", "SHARPNESS", "Relearned", "relearn"]

# The officers' answers together weigh this many times all the other answers together
# in the self-training classifier.
LABELLED_SHARE = 2.0
# Rounds of self-training.
ROUNDS = 6
# The self-training ridge regression's penalty, and how sharply its scores (about 0 to 1
# per theme) become probabilities.
RIDGE = 3.0
SHARPNESS = 10.0
# Inverse regularisation of the officers' classifier (a few dozen answers in 384
# dimensions).
OFFICERS_C = 3.0


@dataclass(frozen=True)
class Relearned:
    """Each answer's theme (a column of ``centres``) and the themes' new centres."""

    labels: IntArray
    centres: FloatArray


def _fit(x: FloatArray, y: IntArray, c: float, weight: FloatArray | None = None) -> LogisticRegression:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence warnings on a handful of examples
        return LogisticRegression(C=c, max_iter=500).fit(x, y, sample_weight=weight)


def _proba(classifier: LogisticRegression, x: FloatArray, k: int) -> FloatArray:
    """Probabilities over all ``k`` themes (zero for a theme the classifier never saw)."""
    out = np.zeros((len(x), k), dtype=np.float32)
    out[:, classifier.classes_] = classifier.predict_proba(x)
    return out


def _self_trained(
    vectors: FloatArray, current: IntArray, rows: IntArray, themes: IntArray, k: int
) -> FloatArray:
    """The themes corrected by the officers' answers: :data:`ROUNDS` of self-training.

    The classifier is a ridge regression from each answer's vector to its theme (one
    column per theme), solved in closed form, so a round costs one pass over the answers
    however many there are; its scores become probabilities by a softmax at
    :data:`SHARPNESS`."""
    n = len(vectors)
    weight = np.ones(n, dtype=np.float64)
    weight[rows] = max(1.0, LABELLED_SHARE * (n - len(rows)) / len(rows))
    x = np.hstack([vectors.astype(np.float64), np.ones((n, 1))])  # with an intercept
    weighted = (x * weight[:, None]).T
    gram = weighted @ x + RIDGE * np.eye(x.shape[1])
    labels = current.copy()
    labels[rows] = themes
    scores = np.eye(k)[labels]
    for _ in range(ROUNDS):
        scores = x @ np.linalg.solve(gram, weighted @ np.eye(k)[labels])
        labels = np.asarray(scores.argmax(axis=1), dtype=np.int64)
        labels[rows] = themes
    shifted = SHARPNESS * (scores - scores.max(axis=1, keepdims=True))
    proba = np.exp(shifted)
    return np.asarray(proba / proba.sum(axis=1, keepdims=True), dtype=np.float32)


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
    corrected = _self_trained(vectors, current, rows, themes, k)
    examples = np.vstack([vectors[rows], centres])
    targets = np.concatenate([themes, np.arange(k, dtype=np.int64)])
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
