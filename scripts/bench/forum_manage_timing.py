"""How long ``POST /forums/manage`` takes for a registered address and for an unknown one.

The page must not reveal membership by its timing (docs/forums.md, "No enumeration").
This builds a throwaway SQLite database (or uses ``--database-url``), adds one forum
with one confirmed member, then posts the lost-link form ``--rounds`` times for each
address, alternating, through Flask's test client (no network, so the figures are the
server's own work), and prints the median and quartiles of each, and of the difference
between the two requests of each round.

    PYTHONPATH=. .venv/bin/python scripts/bench/forum_manage_timing.py --rounds 400

Rate limits are raised for the run (they would refuse the fourth request for an
address); CSRF is off because the test client sends no token.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import select

from engage import create_app
from engage.forums import services
from engage.forums.models import Forum
from engage.platform import clock, database
from engage.platform.config import Settings
from engage.platform.database import db

KNOWN = "priya@example.org"
UNKNOWN = "nobody@example.org"


def build_app(url: str, instance: Path) -> object:
    settings = Settings(
        env="testing",
        secret_key="timing-" + "x" * 40,
        database_url=url,
        forum_signups_per_hour=1_000_000,
        log_level="WARNING",
    )
    app = create_app({"INSTANCE_PATH": instance, "WTF_CSRF_ENABLED": False}, settings=settings)
    with app.app_context():
        forum = Forum(
            slug="timing-forum",
            name="Timing Forum",
            purpose="Measuring.",
            localities=["Northbrook"],
            interests=["culture-creativity"],
            capacity=None,
            opens_on=date(2026, 1, 1),
            closes_on=None,
            created_at=clock.now(),
        )
        db().add(forum)
        db().commit()
        forum = db().scalar(select(Forum).where(Forum.slug == "timing-forum"))
        assert forum is not None
        data = services.SignUp(
            name="Priya Shah",
            email=KNOWN,
            organisation="Northbrook Arts Collective",
            role="Coordinator",
            organisation_type="arts-heritage",
            localities=["Northbrook"],
            interests=["culture-creativity"],
            access_needs="",
            purposes=["membership"],
        )
        wording = services.current_wording(db(), clock.now())
        outcome = services.sign_up(db(), forum, data, wording, clock.now(), services.Retention())
        services.confirm(db(), outcome.member, clock.now(), services.Retention())
        db().commit()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/timing.sqlite3"
        database.upgrade(url)
        app = build_app(url, Path(folder) / "instance")
        # Per-address limits are fixed at 3 an hour; lift them for the measurement.
        from engage.forums import public
        from engage.platform.ratelimit import Limit

        public._limits = lambda: (Limit("forum:client", 10**9, 3600), Limit("forum:email", 10**9, 3600))  # type: ignore[attr-defined]
        client = app.test_client()  # type: ignore[attr-defined]
        times: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
        for round_number in range(args.rounds + 20):
            for email in (KNOWN, UNKNOWN) if round_number % 2 else (UNKNOWN, KNOWN):
                started = time.perf_counter()
                reply = client.post("/forums/manage", data={"email": email})
                elapsed = time.perf_counter() - started
                assert reply.status_code == 200, reply.status_code
                if round_number >= 20:  # the first rounds warm caches up
                    times[email].append(elapsed * 1000)
        for email, label in ((KNOWN, "registered"), (UNKNOWN, "not registered")):
            q1, median, q3 = statistics.quantiles(times[email], n=4)
            print(
                f"{label:15} median {median:6.2f} ms  (quartiles {q1:.2f}-{q3:.2f} ms, n={len(times[email])})"
            )
        # Each round's pair ran back to back, so their difference is steadier than the medians
        # when the machine is busy with other work.
        paired = [known - unknown for known, unknown in zip(times[KNOWN], times[UNKNOWN], strict=True)]
        q1, median, q3 = statistics.quantiles(paired, n=4)
        print(f"{'difference':15} median {median:+6.2f} ms  (quartiles {q1:+.2f} to {q3:+.2f} ms)")


if __name__ == "__main__":
    main()
