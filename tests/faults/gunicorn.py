"""engage under a real gunicorn on 127.0.0.1, for the tests that need processes, not a test client."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.faults.proxy import free_port
from tests.support.servers import healthy, wait_until

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def serve(
    database_url: str, *, args: tuple[str, ...] = ("--workers", "1"), **env: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Start ``gunicorn wsgi:app`` as in production on this test's database; yield its base URL
    and master process; stop it afterwards. ``env`` adds or overrides ``ENGAGE_*`` variables."""
    port = free_port()
    environ = dict(
        os.environ,
        ENGAGE_ENV="production",
        ENGAGE_SECRET_KEY=secrets.token_hex(32),
        ENGAGE_DATABASE_URL=database_url,
        ENGAGE_BASE_URL=f"http://127.0.0.1:{port}",
        ENGAGE_LOG_LEVEL="WARNING",
        **env,
    )
    master = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            *args,
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=environ,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: healthy(base), "gunicorn to start", 60)
        yield base, master
    finally:
        master.send_signal(signal.SIGTERM)
        try:
            master.wait(timeout=20)
        except subprocess.TimeoutExpired:
            master.kill()
