"""The PDF report for the demo survey: how long it takes, now and against an older version.

    .venv/bin/python scripts/bench/report_pdf.py                   # this version only
    .venv/bin/python scripts/bench/report_pdf.py --against 2125b39 # and that commit's PDF

Makes a throwaway SQLite database with the demo data, signs in as an officer and asks for
*/staff/surveys/library-co-design/report.pdf* through the Flask test client (server time:
the counts, the themes, the template and WeasyPrint). With ``--against`` it also makes the
PDF from that commit's ``templates/reports/pdf.html`` the way that version did (untagged),
taking turns with this version, so both see the same machine: the ratio is what to read.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SLUG = "library-co-design"
URL = f"/staff/surveys/{SLUG}/report.pdf"


def signed_in_client(app: Any) -> Any:
    from engage.accounts import services as accounts
    from engage.accounts.models import Role
    from engage.platform.database import db

    password = secrets.token_urlsafe(16)
    with app.app_context():
        accounts.create_staff(
            db(),
            email="bench.officer@anyshire.gov.uk",
            name="Bench Officer",
            role=Role.OFFICER,
            password=password,
        )
        db().commit()
    client = app.test_client()
    page = client.get("/staff/sign-in").get_data(as_text=True)
    found = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found is not None, "the sign-in form has no CSRF token"
    signed = client.post(
        "/staff/sign-in",
        data={"csrf_token": found.group(1), "email": "bench.officer@anyshire.gov.uk", "password": password},
    )
    assert signed.status_code in {302, 303}, signed.status_code
    return client


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--against", help="a git commit whose PDF template to time as well")
    args = parser.parse_args()
    from pypdf import PdfReader

    import engage.reports.views as views
    from engage import create_app
    from engage.demo import load_demo
    from engage.platform.config import Settings
    from engage.platform.database import db, upgrade
    from engage.reports import pdf

    versions: dict[str, tuple[str | None, Any]] = {"this version": (None, pdf.render)}
    if args.against:
        old = subprocess.run(
            ["git", "show", f"{args.against}:templates/reports/pdf.html"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

        def untagged(html: str) -> bytes:
            from weasyprint import HTML

            document: bytes = HTML(string=html, url_fetcher=pdf._refuse).write_pdf()
            return document

        versions = {args.against: (old, untagged), **versions}

    with tempfile.TemporaryDirectory(prefix="engage-bench-") as folder:
        url = f"sqlite:///{folder}/engage.sqlite3"
        upgrade(url)
        settings = Settings(
            env="production",
            secret_key=secrets.token_hex(32),
            database_url=url,
            allowed_hosts="localhost",
            log_level="WARNING",
            argon2_time_cost=1,
            argon2_memory_cost=1024,
            argon2_parallelism=1,
        )
        app = create_app({"INSTANCE_PATH": Path(folder)}, settings=settings)
        with app.app_context():
            for _line in load_demo(db(), folder):
                pass
            db().commit()
        client = signed_in_client(app)
        real_template = views.render_template
        times: dict[str, list[float]] = {name: [] for name in versions}
        made: dict[str, bytes] = {}
        for _ in range(args.repeats):
            for name, (template, render) in versions.items():

                def chosen(name_: str, _template: str | None = template, **context: Any) -> str:
                    if _template is not None and name_ == "reports/pdf.html":
                        return app.jinja_env.from_string(_template).render(**context)
                    return real_template(name_, **context)

                views.render_template = chosen  # type: ignore[assignment]
                pdf.render = render  # type: ignore[assignment]
                started = time.perf_counter()
                reply = client.get(URL)
                times[name].append(time.perf_counter() - started)
                assert reply.status_code == 200, reply.status_code
                made[name] = reply.get_data()
        app.extensions["engage.engine"].dispose()
    print(f"### The PDF report for the demo survey ({args.repeats} runs each, taking turns)")
    print()
    print("| version | median s | fastest s | pages | size KB | tagged |")
    print("|---|---:|---:|---:|---:|---|")
    for name, taken in times.items():
        reader = PdfReader(io.BytesIO(made[name]))
        tagged = "/StructTreeRoot" in reader.trailer["/Root"]
        print(
            f"| {name} | {statistics.median(taken):.2f} | {min(taken):.2f} | {len(reader.pages)} "
            f"| {len(made[name]) // 1024} | {'yes' if tagged else 'no'} |"
        )
    if args.against:
        ratio = statistics.median(times["this version"]) / statistics.median(times[args.against])
        print()
        print(f"This version takes {ratio:.2f} times as long as {args.against} (medians).")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("ENGAGE_LOG_LEVEL", "WARNING")
    sys.exit(main())
