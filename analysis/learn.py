"""Learning from officers' corrections: re-place the answers no officer has touched.

An officer who reviews themes leaves behind labelled answers: each answer they accepted
in its theme, moved to another, or chose for a new theme. :func:`relearn` uses them, with
the engine's own theme centres, to re-place every other answer. It mixes two views:

* **the clustering**, corrected: how close an answer is to each theme's centre (a
  softmax of cosine similarity at :data:`TEMPERATURE`), averaged over the engine's
  centres and centres from k-means restarted at the officers' answers (each theme
  starts at the mean of its labelled answers, which stay in their themes and count
  :data:`LABELLED_WEIGHT` times);
* **a classifier**: logistic regression trained on the labelled answers and one example
  per theme (its centre, so a theme nobody has checked keeps a voice).

The mix is weighted by how often officers agreed with the engine: the share of their
decisions that kept an answer where the engine had put it. When they kept most answers
the clustering leads; when they moved most, the classifier trained on their decisions
does. Either view alone helps on some kinds of text and hurts on others; the mix helps
on all four dev sets on average (docs/analysis.md, "Learning from corrections"). The
settings are the same for all data, chosen by their mean over the dev sets.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from analysis.cluster import FloatArray, IntArray

__all__ = ["LABELLED_WEIGHT", "TEMPERATURE", "Relearned", "relearn"]

# How many times a labelled answer counts in its theme's centre.
LABELLED_WEIGHT = 3.0
# Softmax temperature turning cosine similarity to a theme centre into a probability.
TEMPERATURE = 0.1
# Inverse regularisation of the classifier (few examples, 384 dimensions).
C = 10.0
ITERATIONS = 10


@dataclass(frozen=True)
class Relearned:
    """Each answer's theme (a column of ``centres``) and the themes' new centres."""

    labels: IntArray
    centres: FloatArray


def _log_softmax(scores: FloatArray) -> FloatArray:
    top = scores.max(axis=1, keepdims=True)
    shifted = scores - top
    out: FloatArray = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return out


def _seeded_centres(vectors: FloatArray, rows: IntArray, themes: IntArray, centres: FloatArray) -> FloatArray:
    """k-means from the labelled answers' means, labelled answers held in place."""
    out = centres.copy()
    for j in range(len(out)):
        mine = rows[themes == j]
        if len(mine):
            out[j] = normalize(vectors[mine].sum(axis=0).reshape(1, -1))[0]
    weight = np.ones(len(vectors), dtype=np.float32)
    weight[rows] = LABELLED_WEIGHT
    for _ in range(ITERATIONS):
        labels = (vectors @ out.T).argmax(axis=1)
        labels[rows] = themes
        for j in range(len(out)):
            members = labels == j
            if members.any():
                total = (vectors[members] * weight[members, None]).sum(axis=0)
                if total.any():
                    out[j] = normalize(total.reshape(1, -1))[0]
    return out


def _softmax(scores: FloatArray) -> FloatArray:
    return np.asarray(np.exp(_log_softmax(scores)), dtype=np.float32)


def relearn(
    vectors: FloatArray, centres: FloatArray, labelled: Mapping[int, int], agreement: float
) -> Relearned:
    """Re-place answers using officers' labels.

    ``vectors`` are the answers' unit vectors (one row each), ``centres`` the current
    themes' unit centres, ``labelled`` maps an answer's row to the theme (a row of
    ``centres``) an officer put it in, and ``agreement`` (0 to 1) is the share of those
    answers the officer left in the theme the engine had given them. Labelled answers
    keep their theme. Raises ``ValueError`` with no labelled answers or fewer than two
    themes."""
    vectors = np.asarray(vectors, dtype=np.float32)
    centres = np.asarray(centres, dtype=np.float32)
    k = len(centres)
    if k < 2:
        raise ValueError("learning needs at least two themes")
    if not labelled:
        raise ValueError("learning needs at least one answer an officer has placed")
    rows = np.fromiter(labelled.keys(), dtype=np.int64, count=len(labelled))
    themes = np.fromiter(labelled.values(), dtype=np.int64, count=len(labelled))
    if (themes < 0).any() or (themes >= k).any():
        raise ValueError("a labelled answer is in a theme that is not one of the centres")
    seeded = _seeded_centres(vectors, rows, themes, centres)
    examples = np.vstack([vectors[rows], centres])
    targets = np.concatenate([themes, np.arange(k, dtype=np.int64)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence warnings on a handful of examples
        classifier = LogisticRegression(C=C, max_iter=500).fit(examples, targets)
    learnt = classifier.predict_proba(vectors).astype(np.float32)
    near = 0.5 * (
        _softmax((vectors @ centres.T) / TEMPERATURE) + _softmax((vectors @ seeded.T) / TEMPERATURE)
    )
    trust = min(max(float(agreement), 0.0), 1.0)
    labels = np.asarray((trust * near + (1.0 - trust) * learnt).argmax(axis=1), dtype=np.int64)
    labels[rows] = themes
    new_centres = centres.copy()
    for j in range(k):
        members = labels == j
        if members.any():
            total = vectors[members].sum(axis=0)
            if total.any():
                new_centres[j] = normalize(total.reshape(1, -1))[0]
    return Relearned(labels=labels, centres=new_centres)
