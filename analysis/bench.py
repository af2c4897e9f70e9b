"""Time and memory for theming 1k, 10k and 100k answers: ``python -m analysis.bench``.

Answers are resampled from the labelled development sets, with a random word from
another answer appended so that they are not exact repeats. Each size runs in its own
subprocess, so peak memory (``ru_maxrss``) belongs to that size alone.
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

import numpy as np

from analysis.evaluate import DEFAULT_FILES, default_data_dir
from analysis.model import ThemeModel

__all__ = ["main", "synthesise"]


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


def _run_one(n: int, data_dir: Path, k: str) -> dict[str, float]:
    texts = synthesise(n, data_dir)
    start = time.perf_counter()
    model = ThemeModel(k=k if k == "auto" else int(k), random_state=0).fit(texts)
    seconds = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"n": n, "seconds": seconds, "peak_mib": peak_mib, "themes": model.n_themes_}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.bench", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--k", default="auto", help="'auto' (default) or a number of themes")
    parser.add_argument("--data-dir", type=Path, default=default_data_dir())
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(_run_one(args.one, args.data_dir, args.k)))
        return 0
    print("| answers | k | themes | seconds | peak memory (MiB) |")
    print("|---:|---|---:|---:|---:|")
    for size in (int(s) for s in args.sizes.split(",")):
        cmd = [sys.executable, "-m", "analysis.bench", "--one", str(size), "--k", args.k]
        cmd += ["--data-dir", str(args.data_dir)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"| {int(r['n']):,} | {args.k} | {int(r['themes'])} | {r['seconds']:.1f} | {r['peak_mib']:.0f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
