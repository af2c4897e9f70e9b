"""Load benchmark of the resident journey, with a bare Flask + database baseline.

    .venv/bin/python scripts/bench/load.py                  # both databases, full length
    .venv/bin/python scripts/bench/load.py --seconds 60     # a quick look
    .venv/bin/python scripts/bench/load.py --backends sqlite

For each backend it makes a throwaway database (PostgreSQL: a new database on the local
server, dropped afterwards; SQLite: a temporary file), migrates it, loads the demo data,
and serves engage as in production: ``ENGAGE_ENV=production``, gunicorn with several
workers, Redis for rate limits and jobs. A second process (this one) drives it over
127.0.0.1 through the real journey: start page, "Start now" (with the CSRF token), every
question page (GET, then POST the answers), check answers, submit, the done page.

It measures, in one run:

1. **page weight** of a question page (HTML + CSS + JavaScript + fonts + images, each
   gzip-compressed as the reverse proxy sends them);
2. **capacity**: engage and the baseline app (one endpoint that inserts one row) each
   driven flat out by the same number of users for ``--capacity-seconds``: the ratio of
   page answers per second to baseline inserts per second;
3. **sustained load**: page answers paced at ``--rate`` per second for ``--seconds``
   (default 600), with p50/p95/p99 latency of the page-answer posts and of every
   request, the count of 5xx and other failures, and afterwards the exactly-once check:
   every submission the generator saw completed is in the database once, and no others.

Results print as Markdown and are written to ``instance/bench/load-<backend>.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from webclient import CSRF, Browser, FormParser, Reply

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
SLUG = "library-co-design"
POSTGRES_ADMIN = os.environ.get("ENGAGE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("ENGAGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REFERENCE = re.compile(rb'id="reference">([^<]+)<')
IDEAS = [
    "Open on Sunday mornings so working families can come.",
    "A quiet study space with plugs for laptops during exams.",
    "More rhyme time sessions for toddlers in the school holidays.",
    "Help with filling in forms online, I struggle with the council website.",
    "A bigger local history collection and talks about the old mill.",
    "Later opening on Thursdays, I cannot get there before five.",
    "Better Wi-Fi, it keeps dropping out upstairs.",
    "Somewhere warm to sit with a cup of tea in winter.",
]
TARGETS = {"postgresql": 150.0, "sqlite": 100.0}


# --------------------------------------------------------------------------- journey


@dataclass
class Step:
    method: str
    path: str
    form: list[tuple[str, str]] = field(default_factory=list)
    answer: bool = False  # a question page's answers: the unit of throughput
    expect: int = 200


def _fill(controls: list[Any]) -> list[tuple[str, str]]:
    """Answers a resident might give: the first choice of each question, text where asked."""
    form: list[tuple[str, str]] = []
    chosen: set[str] = set()
    used: dict[str, set[str]] = {}
    for control in controls:
        if control.kind == "hidden":
            form.append((control.name, control.value))
        elif control.kind in {"radio", "checkbox"}:
            if control.name not in chosen:
                chosen.add(control.name)
                form.append((control.name, control.value))
        elif control.tag == "textarea":
            form.append((control.name, "{idea}"))
        elif control.tag == "select":
            group = used.setdefault(control.name.split(".")[0], set())
            value = next(o for o in control.options if o and o not in group)
            group.add(value)
            form.append((control.name, value))
        elif control.tag == "input":
            form.append((control.name, ""))
    return form


def learn_journey(browser: Browser) -> list[Step]:
    """Walk the demo survey once, as a resident would, and record every request."""
    steps = [Step("GET", f"/s/{SLUG}")]
    reply = browser.request("GET", steps[0].path)
    parser = _parse(reply)
    steps.append(Step("POST", parser.action, _fill(parser.controls), expect=302))
    reply = browser.request("POST", parser.action, steps[-1].form)
    while True:
        path = reply.location
        if not reply.status == 302 or not path:
            raise SystemExit(f"error: expected a redirect, got {reply.status} from {steps[-1].path}")
        steps.append(Step("GET", path))
        reply = browser.request("GET", path)
        if path.endswith("/done"):
            return steps
        parser = _parse(reply)
        template = _fill(parser.controls)
        steps.append(
            Step("POST", parser.action or path, template, answer=not path.endswith("/check"), expect=302)
        )
        form = [(k, v.replace("{idea}", IDEAS[0])) for k, v in template]
        reply = browser.request("POST", steps[-1].path, form)
        if reply.status != 302:
            raise SystemExit(f"error: the page {path} did not accept the learned answers")


def _parse(reply: Reply) -> FormParser:
    parser = FormParser()
    parser.feed(reply.body.decode())
    return parser


# --------------------------------------------------------------------------- load


@dataclass
class Tally:
    answer_latencies: list[float] = field(default_factory=list)
    all_latencies: list[float] = field(default_factory=list)
    answers: int = 0
    journeys: int = 0
    server_errors: int = 0
    other_failures: int = 0
    references: list[str] = field(default_factory=list)
    failure_examples: list[str] = field(default_factory=list)


class Pacer:
    """Hands out evenly spaced send times for page answers (an open-ish schedule)."""

    def __init__(self, rate: float | None) -> None:
        self.interval = 1 / rate if rate else 0.0
        self.next = time.perf_counter()
        self.lock = threading.Lock()
        self.max_lag = 0.0

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            slot = self.next = max(self.next + self.interval, time.perf_counter() - 1.0)
        delay = slot - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        else:
            self.max_lag = max(self.max_lag, -delay)


def _user(port: int, steps: list[Step], pacer: Pacer, deadline: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    while time.perf_counter() < deadline:
        browser = Browser("127.0.0.1", port)
        token = ""
        finished = True
        for step in steps:
            if step.answer:
                pacer.wait()
            form = [
                (k, token if k == "csrf_token" else v.replace("{idea}", rng.choice(IDEAS)))
                for k, v in step.form
            ]
            try:
                reply = browser.request(step.method, step.path, form if step.method == "POST" else None)
            except OSError as error:
                tally.other_failures += 1
                _example(tally, f"{step.method} {step.path}: {error}")
                finished = False
                break
            tally.all_latencies.append(reply.seconds)
            if reply.status >= 500:
                tally.server_errors += 1
                _example(tally, f"{step.method} {step.path}: {reply.status}")
                finished = False
                break
            if reply.status != step.expect:
                tally.other_failures += 1
                _example(tally, f"{step.method} {step.path}: {reply.status}, expected {step.expect}")
                finished = False
                break
            if step.answer:
                tally.answers += 1
                tally.answer_latencies.append(reply.seconds)
            if not token and (found := CSRF.search(reply.body)):
                token = found.group(1).decode()
            if step.path.endswith("/done") and (ref := REFERENCE.search(reply.body)):
                tally.references.append(ref.group(1).decode().strip())
        browser.close()
        if finished:
            tally.journeys += 1


def _example(tally: Tally, text: str) -> None:
    if len(tally.failure_examples) < 5:
        tally.failure_examples.append(text)


def drive(port: int, steps: list[Step], users: int, seconds: float, rate: float | None) -> dict[str, Any]:
    pacer = Pacer(rate)
    tallies = [Tally() for _ in range(users)]
    start = time.perf_counter()
    cpu_start = time.process_time()
    deadline = start + seconds
    threads = [
        threading.Thread(target=_user, args=(port, steps, pacer, deadline, tallies[i], i), daemon=True)
        for i in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    answers = [x for t in tallies for x in t.answer_latencies]
    every = [x for t in tallies for x in t.all_latencies]
    return {
        "users": users,
        "seconds": round(elapsed, 1),
        "paced_rate": rate,
        "page_answers": sum(t.answers for t in tallies),
        "page_answers_per_second": round(sum(t.answers for t in tallies) / elapsed, 1),
        "requests": len(every),
        "requests_per_second": round(len(every) / elapsed, 1),
        "journeys_completed": sum(t.journeys for t in tallies),
        "answer_ms": _percentiles(answers),
        "request_ms": _percentiles(every),
        "server_errors_5xx": sum(t.server_errors for t in tallies),
        "other_failures": sum(t.other_failures for t in tallies),
        "failure_examples": [e for t in tallies for e in t.failure_examples][:5],
        "references": [r for t in tallies for r in t.references],
        "max_schedule_lag_ms": round(pacer.max_lag * 1000, 1),
        "generator_cpu_share": round((time.process_time() - cpu_start) / elapsed, 2),
    }


def drive_baseline(port: int, users: int, seconds: float) -> dict[str, Any]:
    steps = [Step("POST", "/answer", [("answer", "{idea}")], answer=True)]
    return drive(port, steps, users, seconds, None)


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": round(ordered[-1] * 1000, 1)}


# --------------------------------------------------------------------------- page weight


def page_weight(port: int, steps: list[Step]) -> dict[str, Any]:
    """Bytes of the first question page and everything it loads, raw and gzip-compressed."""
    browser = Browser("127.0.0.1", port)
    start = browser.request("GET", steps[0].path)
    token = CSRF.search(start.body)
    assert token is not None, "the start page has no CSRF token"
    path = browser.request("POST", steps[1].path, [("csrf_token", token.group(1).decode())]).location
    html = browser.request("GET", path).body
    assets = sorted({m.decode() for m in re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)})
    items = [(path, html)]
    for asset in assets:
        body = browser.request("GET", asset).body
        items.append((asset, body))
        if asset.endswith(".css"):
            for url in sorted({m.decode() for m in re.findall(rb"url\(['\"]?(/static/[^)'\"]+)", body)}):
                items.append((url, browser.request("GET", url).body))
    browser.close()
    rows = [
        {"path": name, "bytes": len(body), "gzip_bytes": len(gzip.compress(body, compresslevel=6))}
        for name, body in items
    ]
    scripts = re.findall(rb"<script[^>]*>", html)
    return {
        "files": rows,
        "total_bytes": sum(r["bytes"] for r in rows),
        "total_gzip_bytes": sum(r["gzip_bytes"] for r in rows),
        "script_tags": len(scripts),
    }


# --------------------------------------------------------------------------- servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def throwaway_database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="engage-bench-") as folder:
            yield f"sqlite:///{folder}/engage.sqlite3"
        return
    name = f"engage_bench_{uuid.uuid4().hex[:8]}"
    admin = POSTGRES_ADMIN.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def engage_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ENGAGE_ENV="production",
        ENGAGE_SECRET_KEY=secrets.token_hex(32),
        ENGAGE_DATABASE_URL=database_url,
        ENGAGE_REDIS_URL=REDIS_URL,
        ENGAGE_REDIS_NAMESPACE=f"bench-{uuid.uuid4().hex[:8]}",
        ENGAGE_BASE_URL="http://127.0.0.1",
        ENGAGE_LOG_LEVEL="WARNING",
        ENGAGE_SMTP_HOST="",
    )
    return env


def prepare(env: dict[str, str]) -> None:
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )


def workers_rss_mib(master: int) -> list[float]:
    """Resident memory of each gunicorn worker (children of ``master``), from /proc."""
    found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True, check=False)
    sizes = []
    for pid in found.stdout.split():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        sizes.append(round(kb / 1024, 1))
    return sorted(sizes)


@contextmanager
def gunicorn(
    app: str, env: dict[str, str], workers: int, threads: int, chdir: Path = ROOT
) -> Iterator[tuple[int, int]]:
    port = _free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(chdir),
            "--log-level",
            "warning",
            "--keep-alive",
            "5",
            app,
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if Browser("127.0.0.1", port).request("GET", "/healthz").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit(f"error: {app} did not start on port {port}")
            time.sleep(0.3)
        yield port, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def stored_references(database_url: str) -> list[str]:
    query = (
        "SELECT submission.reference FROM submission JOIN response ON response.id = submission.response_id"
        " JOIN survey ON survey.id = response.survey_id"
        f" WHERE survey.slug = '{SLUG}' AND response.channel = 'online'"
    )
    if database_url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
            return [row[0] for row in connection.execute(query)]
    with psycopg.connect(database_url) as connection:
        return [row[0] for row in connection.execute(query)]


# --------------------------------------------------------------------------- one backend


def bench_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {
        "backend": backend,
        "workers": args.workers,
        "threads": args.threads,
        "target_page_answers_per_second": args.rate or TARGETS[backend],
    }
    with throwaway_database(backend) as database_url:
        env = engage_env(database_url)
        prepare(env)
        with gunicorn("wsgi:app", env, args.workers, args.threads) as (port, master):
            steps = learn_journey(Browser("127.0.0.1", port))
            before = set(stored_references(database_url))
            result["journey"] = {
                "requests": len(steps),
                "page_answers": sum(s.answer for s in steps),
                "pages": [s.path for s in steps if s.answer],
            }
            result["page_weight"] = page_weight(port, steps)
            print(f"[{backend}] capacity: engage, {args.users} users, {args.capacity_seconds} s", flush=True)
            result["capacity"] = drive(port, steps, args.users, args.capacity_seconds, None)
            rate = args.rate or TARGETS[backend]
            print(f"[{backend}] sustained: {rate}/s for {args.seconds} s", flush=True)
            rss_before = workers_rss_mib(master)
            result["sustained"] = drive(port, steps, args.users, args.seconds, rate)
            result["sustained"]["workers_rss_mib"] = {"before": rss_before, "after": workers_rss_mib(master)}
        completed = result["capacity"].pop("references") + result["sustained"].pop("references")
        stored = [r for r in stored_references(database_url) if r not in before]
        journeys = result["capacity"]["journeys_completed"] + result["sustained"]["journeys_completed"]
        result["exactly_once"] = {
            "journeys_completed_by_generator": journeys,
            "references_seen_by_generator": len(completed),
            "new_submissions_in_database": len(stored),
            "distinct": len(set(stored)),
            "missing": len(set(completed) - set(stored)),
            "unexpected": len(set(stored) - set(completed)),
            "ok": sorted(completed) == sorted(stored) and len(stored) == journeys,
        }
        baseline_env = dict(os.environ, BASELINE_DATABASE_URL=database_url)
        with gunicorn(
            "baseline_app:app", baseline_env, args.workers, args.threads, chdir=ROOT / "scripts" / "bench"
        ) as (port, _):
            print(
                f"[{backend}] capacity: baseline, {args.users} users, {args.capacity_seconds} s", flush=True
            )
            result["baseline_capacity"] = drive_baseline(port, args.users, args.capacity_seconds)
            result["baseline_capacity"].pop("references")
    result["capacity_ratio"] = round(
        result["capacity"]["page_answers_per_second"]
        / max(result["baseline_capacity"]["page_answers_per_second"], 0.1),
        3,
    )
    return result


def report(result: dict[str, Any]) -> str:
    s, c, b = result["sustained"], result["capacity"], result["baseline_capacity"]
    w, once = result["page_weight"], result["exactly_once"]
    target = result["target_page_answers_per_second"]
    met = (
        s["page_answers_per_second"] >= target * 0.98
        and s["answer_ms"]["p99"] < 300
        and s["server_errors_5xx"] == 0
        and once["ok"]
    )
    lines = [
        f"### {result['backend']} (gunicorn {result['workers']} workers × {result['threads']} threads)",
        "",
        "| run | users | seconds | page answers/s | requests/s | answer p50 / p95 / p99 ms "
        "| request p99 ms | 5xx | other failures |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for label, run in (
        ("baseline capacity", b),
        ("engage capacity", c),
        (f"engage paced at {target:g}/s", s),
    ):
        a = run["answer_ms"]
        lines.append(
            f"| {label} | {run['users']} | {run['seconds']} | {run['page_answers_per_second']} "
            f"| {run['requests_per_second']} | {a['p50']} / {a['p95']} / {a['p99']} "
            f"| {run['request_ms']['p99']} | {run['server_errors_5xx']} | {run['other_failures']} |"
        )
    lines += [
        "",
        f"- Capacity ratio, engage page answers/s ÷ baseline inserts/s: **{result['capacity_ratio']}**"
        f" (each engage page answer is one of {result['journey']['requests']} requests in a journey).",
        f"- Sustained target {target:g} page answers/s, p99 < 300 ms, no 5xx, exactly once: "
        f"**{'met' if met else 'NOT met'}** (schedule lag max {s['max_schedule_lag_ms']} ms, "
        f"generator used {s['generator_cpu_share']} of a core).",
        f"- Exactly once: {once['journeys_completed_by_generator']} journeys completed, "
        f"{once['new_submissions_in_database']} new submissions stored ({once['distinct']} distinct), "
        f"{once['missing']} missing, {once['unexpected']} unexpected: "
        f"**{'ok' if once['ok'] else 'FAILED'}**.",
        f"- Question page weight: {w['total_gzip_bytes'] / 1024:.1f} KB compressed "
        f"({w['total_bytes'] / 1024:.1f} KB raw) over {len(w['files'])} files; "
        f"{w['script_tags']} script tag(s), none needed to finish (this journey ran without JavaScript).",
    ]
    rss = s.get("workers_rss_mib", {})
    if rss:
        lines.append(
            f"- Worker memory (MiB) before / after the sustained run: {rss['before']} / {rss['after']}."
        )
    if s["failure_examples"] or c["failure_examples"]:
        lines.append(f"- Failure examples: {s['failure_examples'] + c['failure_examples']}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--seconds", type=float, default=600, help="sustained run length (default 600)")
    parser.add_argument("--capacity-seconds", type=float, default=30)
    parser.add_argument("--rate", type=float, default=None, help="page answers/s (default: the target)")
    parser.add_argument("--users", type=int, default=24)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--output", type=Path, default=ROOT / "instance" / "bench")
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    failed = False
    for backend in args.backends.split(","):
        result = bench_backend(backend, args)
        (args.output / f"load-{backend}.json").write_text(json.dumps(result, indent=2))
        text = report(result)
        print(text, flush=True)
        failed |= not result["exactly_once"]["ok"] or result["sustained"]["server_errors_5xx"] > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
