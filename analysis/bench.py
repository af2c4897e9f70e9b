"""Time and memory for theming 1k, 10k and 100k answers: ``python -m analysis.bench``.

Answers are resampled from the labelled development sets, with a random word from
another answer appended so that they are not exact repeats. Each size runs in its own
subprocess (a fresh worker), so peak memory (``ru_maxrss``) belongs to that size alone.

For each size it reports the seconds ``ThemeModel(k="auto").fit`` takes, embedding
included, and how many of them were spent embedding; loading the embedding model
(once per worker) is timed separately, before the fit; then the seconds to add 1,000
new answers to the fitted analysis (:meth:`analysis.codebook.ThemeState.add_answers`).
A TF-IDF run at the same sizes is the baseline for the "ratio to TF-IDF" column.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import analysis.embeddings as embeddings_module
from analysis.codebook import ThemeState
from analysis.evaluate import DEFAULT_FILES, default_data_dir
from analysis.model import ThemeModel

__all__ = ["main", "synthesise"]

ADDED = 1000
# Targets: seconds to fit (embedding included, model load excluded) per size.
TARGET_SECONDS = {1000: 5.0, 10_000: 30.0, 100_000: 300.0}
TARGET_PEAK_MIB = 2048.0
TARGET_ADD_SECONDS = 5.0


def synthesise(n: int, data_dir: Path, random_state: int = 0) -> list[str]:
    pool: list[str] = []
    for name in (*DEFAULT_FILES, "library_comments_demo.csv"):
        path = data_dir / name
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as fh:
                pool.extend(row["text"] for row in csv.DictReader(fh))
    if not pool:
        raise SystemExit(f"error: no development data in {data_dir} (use --data-dir)")
    rng = np.random.default_rng(random_state)
    picks = rng.integers(0, len(pool), size=n)
    extras = rng.integers(0, len(pool), size=n)
    out = []
    for i, j in zip(picks, extras, strict=True):
        words = pool[j].split()
        out.append(pool[i] + (" " + words[int(rng.integers(len(words)))] if words else ""))
    return out


class _EncodeTimer:
    """Wraps :func:`analysis.embeddings.encode` and adds up the seconds spent in it."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.real = embeddings_module.encode

    def __call__(self, texts: Sequence[str], name: str | None = embeddings_module.DEFAULT_MODEL) -> Any:
        start = time.perf_counter()
        try:
            return self.real(texts, name)
        finally:
            self.seconds += time.perf_counter() - start


def _run_one(
    n: int, data_dir: Path, k: str, representation: str, question: str | None = None
) -> dict[str, float]:
    texts = synthesise(n, data_dir)
    added = synthesise(ADDED, data_dir, random_state=1)
    load = 0.0
    if representation == "embeddings" and embeddings_module.available():
        start = time.perf_counter()
        embeddings_module._load(embeddings_module.DEFAULT_MODEL)
        load = time.perf_counter() - start
    timer = _EncodeTimer()
    embeddings_module.encode = timer
    start = time.perf_counter()
    model = ThemeModel(
        k=k if k == "auto" else int(k), representation=representation, question=question, random_state=0
    ).fit(texts)
    seconds = time.perf_counter() - start
    embed_fit = timer.seconds
    start = time.perf_counter()
    ThemeState(model).add_answers([f"new{i}" for i in range(ADDED)], added)
    add_seconds = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "n": n,
        "seconds": seconds,
        "embed_seconds": embed_fit,
        "load_seconds": load,
        "add_seconds": add_seconds,
        "add_embed_seconds": timer.seconds - embed_fit,
        "peak_mib": peak_mib,
        "themes": model.n_themes_,
        "representation": 1.0 if model.representation_ == "embeddings" else 0.0,
    }


def _subprocess(size: int, args: argparse.Namespace, representation: str) -> dict[str, float] | None:
    cmd = [sys.executable, "-m", "analysis.bench", "--one", str(size), "--k", args.k]
    cmd += ["--representation", representation, "--data-dir", str(args.data_dir)]
    if args.question:
        cmd += ["--question", args.question]
    print(f"{representation}: {size:,} answers", file=sys.stderr, flush=True)
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return None
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.bench", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated numbers of answers")
    parser.add_argument("--k", default="auto", help="'auto' (default) or a number of themes")
    parser.add_argument("--representation", default="embeddings", choices=("embeddings", "tfidf"))
    parser.add_argument("--data-dir", type=Path, default=default_data_dir())
    parser.add_argument(
        "--question",
        help="the question the answers reply to, as the web app passes it (short answers are "
        "then embedded a second time after it); none by default",
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(_run_one(args.one, args.data_dir, args.k, args.representation, args.question)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    with_baseline = args.representation != "tfidf"
    asked = f"; question {args.question!r}" if args.question else ""
    print(f"## Speed and memory (k={args.k}, {args.representation}{asked}; 2-core machine)\n")
    print(
        "| answers | representation | themes | seconds (fit, embedding included) | of which embedding "
        "| model load (once per worker) | add 1,000 answers (s) | peak memory (MiB) | ratio to TF-IDF |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|", flush=True)
    rows: list[dict[str, float]] = []
    for size in sizes:
        main_run = _subprocess(size, args, args.representation)
        if main_run is None:
            return 1
        base = _subprocess(size, args, "tfidf") if with_baseline else main_run
        if base is None:
            return 1
        rows.append(main_run)
        runs = [(main_run, args.representation)]
        if with_baseline:
            runs.append((base, "tfidf"))
        for r, name in runs:
            if name == "embeddings" and not r["representation"]:
                name = "tfidf (embeddings missing)"
            ratio = r["seconds"] / base["seconds"] if base["seconds"] > 0 else float("nan")
            print(
                f"| {int(r['n']):,} | {name} | {int(r['themes'])} | {r['seconds']:.1f} | "
                f"{r['embed_seconds']:.1f} | {r['load_seconds']:.1f} | {r['add_seconds']:.2f} | "
                f"{r['peak_mib']:.0f} | {ratio:.1f}× |",
                flush=True,
            )
    print("\nTargets (fit seconds exclude the model load):\n")
    print("| answers | fit | peak memory | add 1,000 answers |")
    print("|---:|---|---|---|")
    for r in rows:
        n = int(r["n"])
        limit = TARGET_SECONDS.get(n)
        fit = f"{r['seconds']:.1f} s" + (f" ≤ {limit:g} s {_mark(r['seconds'] <= limit)}" if limit else "")
        print(
            f"| {n:,} | {fit} | {r['peak_mib']:.0f} ≤ {TARGET_PEAK_MIB:g} MiB "
            f"{_mark(r['peak_mib'] <= TARGET_PEAK_MIB)} | {r['add_seconds']:.2f} ≤ {TARGET_ADD_SECONDS:g} s "
            f"{_mark(r['add_seconds'] <= TARGET_ADD_SECONDS)} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
