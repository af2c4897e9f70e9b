"""Measure theme quality against labelled data: ``python -m analysis.evaluate``.

For every labelled CSV (columns id, text, label) it prints NMI, ARI and accuracy
(best one-to-one theme-to-label matching, Hungarian) for a plain TF-IDF + k-means
baseline and for :class:`~analysis.model.ThemeModel`, at the gold number of themes and
with ``k="auto"``. Unassigned answers count against a method: they form one extra
group for NMI/ARI and are always wrong for accuracy. Gold labels are only used to
score, never to fit.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from analysis.model import ThemeModel

__all__ = ["Score", "accuracy", "baseline", "default_data_dir", "main", "score"]

DEFAULT_FILES = ("nhs_fft_v6_single_label.csv", "agnews_8000.csv", "biomedical_5000.csv", "tweet.csv")


def default_data_dir() -> Path:
    """``<project root>/../shared/data/dev``, the project's shared development data."""
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "dev"


def accuracy(gold: Sequence[str], predicted: Sequence[int]) -> float:
    """Clustering accuracy under the best one-to-one mapping; -1 (unassigned) never matches."""
    golds = {g: i for i, g in enumerate(sorted(set(gold)))}
    preds = {p: i for i, p in enumerate(sorted({p for p in predicted if p >= 0}))}
    if not preds:
        return 0.0
    table = np.zeros((len(preds), len(golds)))
    for p, g in zip(predicted, gold, strict=True):
        if p >= 0:
            table[preds[p], golds[g]] += 1
    rows, cols = linear_sum_assignment(-table)
    return float(table[rows, cols].sum() / len(gold))


@dataclass
class Score:
    method: str
    k: int
    nmi: float
    ari: float
    acc: float
    unassigned: int
    seconds: float


def score(method: str, gold: Sequence[str], predicted: Sequence[int], seconds: float) -> Score:
    pred = [int(p) for p in predicted]
    return Score(
        method=method,
        k=len({p for p in pred if p >= 0}),
        nmi=float(normalized_mutual_info_score(gold, pred)),
        ari=float(adjusted_rand_score(gold, pred)),
        acc=accuracy(gold, pred),
        unassigned=sum(p < 0 for p in pred),
        seconds=seconds,
    )


def baseline(texts: Sequence[str], k: int, random_state: int = 0) -> list[int]:
    """The floor to beat: TF-IDF with English stop words, then k-means on it directly."""
    matrix = TfidfVectorizer(stop_words="english").fit_transform(texts)
    labels = KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(matrix)
    return [int(x) for x in labels]


def read_labelled(path: Path, limit: int | None = None) -> tuple[list[str], list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if limit and len(rows) > limit:
        rng = np.random.default_rng(0)
        rows = [rows[i] for i in np.sort(rng.choice(len(rows), limit, replace=False))]
    return [r["text"] for r in rows], [r["label"] for r in rows]


def _timed(fn: Callable[[], Sequence[int]]) -> tuple[list[int], float]:
    start = time.perf_counter()
    out = [int(x) for x in fn()]
    return out, time.perf_counter() - start


def evaluate_file(
    path: Path, random_state: int = 0, auto: bool = True, limit: int | None = None, embeddings: bool = False
) -> list[Score]:
    texts, gold = read_labelled(path, limit)
    k = len(set(gold))
    results = []
    pred, secs = _timed(lambda: baseline(texts, k, random_state))
    results.append(score("baseline TF-IDF + k-means (k=gold)", gold, pred, secs))
    runs: list[tuple[str, str, int | str]] = [("ThemeModel tfidf", "tfidf", k)]
    if auto:
        runs.append(("ThemeModel tfidf", "tfidf", "auto"))
    if embeddings:
        runs.append(("ThemeModel embeddings", "embeddings", k))
    for name, representation, k_param in runs:
        model = ThemeModel(k=k_param, representation=representation, random_state=random_state)
        pred, secs = _timed(lambda m=model: m.fit(texts).labels_)  # type: ignore[misc]
        label = f"{name} (k={'gold' if k_param != 'auto' else 'auto'})"
        results.append(score(label, gold, pred, secs))
    return results


def markdown(results: dict[str, list[Score]], gold_k: dict[str, int]) -> str:
    lines = [
        "| data set | method | themes | NMI | ARI | ACC | unassigned | seconds |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, scores in results.items():
        for s in scores:
            lines.append(
                f"| {name} (gold k={gold_k[name]}) | {s.method} | {s.k} | {s.nmi:.3f} | {s.ari:.3f} | "
                f"{s.acc:.3f} | {s.unassigned} | {s.seconds:.1f} |"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.evaluate", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=default_data_dir())
    parser.add_argument("--files", help="comma-separated file names (default: the four labelled dev sets)")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="at most 1,500 rows per set and no k=auto")
    parser.add_argument("--embeddings", action="store_true", help="also score the optional embeddings")
    args = parser.parse_args(argv)
    files = args.files.split(",") if args.files else list(DEFAULT_FILES)
    paths = [args.data_dir / f for f in files]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"error: labelled data not found: {', '.join(missing)} (use --data-dir)", file=sys.stderr)
        return 2
    results: dict[str, list[Score]] = {}
    gold_k: dict[str, int] = {}
    for path in paths:
        limit = 1500 if args.quick else None
        gold_k[path.name] = len(set(read_labelled(path, limit)[1]))
        results[path.name] = evaluate_file(
            path, args.random_state, auto=not args.quick, limit=limit, embeddings=args.embeddings
        )
        print(f"scored {path.name}", file=sys.stderr, flush=True)
    print(markdown(results, gold_k))
    return 0


if __name__ == "__main__":
    sys.exit(main())
