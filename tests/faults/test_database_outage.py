"""Faults in the database: PostgreSQL going away mid-survey, and a read-only or full SQLite file.

In every case the resident sees the service's own "try again shortly" page with the
right status, what they typed on the failing page is kept in that page's "Try again"
button, what they saved before is safe, and the journey carries on once the fault clears.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.engine import make_url

from engage import create_app
from engage.platform import clock
from engage.platform.database import db
from surveys import services
from surveys.models import Response
from tests.conftest import BACKEND, make_settings
from tests.faults.proxy import TcpProxy
from tests.residents.conftest import SURVEY
from tests.support.pages import Page, PageClient
from tests.support.residents import ANSWERS, start

UNAVAILABLE = "Sorry, the service is unavailable"


def publish(app: Flask) -> None:
    with app.app_context():
        version = services.save_definition(db(), dict(SURVEY), clock.now())
        services.publish(db(), version.survey, clock.now())
        db().commit()


def stored_answers(app: Flask) -> dict[str, Any]:
    with app.app_context():
        response = db().scalar(select(Response))
        assert response is not None
        return dict(response.answers)


def kept_fields(page: Page) -> set[tuple[str, str]]:
    form = page.form()
    return {
        (str(i["name"]), str(i["value"]))
        for i in form.select("input[type=hidden]")
        if i["name"] != "csrf_token"
    }


def fail_then_recover(
    client: PageClient, app: Flask, break_it: Callable[[], None], mend_it: Callable[[], None]
) -> None:
    """Answer the first page, break the database, answer the second, mend it, try again."""
    publish(app)
    page = client.submit(start(client), ANSWERS["use"])
    assert page.h1 == "Your library"
    break_it()
    failed = client.submit(page, ANSWERS["details"], expected_status=503)
    assert failed.h1 == UNAVAILABLE
    assert "Try again shortly" in failed.text
    assert failed.response.headers["Retry-After"] == "30"
    assert failed.response.headers["Cache-Control"].startswith("no-store")
    assert {("services", "books"), ("services", "computers"), ("branch", "river-mill")} <= kept_fields(failed)
    assert "Traceback" not in failed.text
    mend_it()
    resumed = client.submit(failed)
    assert resumed.h1 == "Your views", "the kept answers were sent and the journey goes on"
    answers = stored_answers(app)
    assert answers["visits"] == "weekly", "the page saved before the fault is intact"
    assert answers["services"] == ["books", "computers"] and answers["branch"] == "river-mill"


# --- PostgreSQL goes away ----------------------------------------------------------------------


@pytest.fixture
def proxied_app(database_url: str, tmp_path: Path) -> Iterator[tuple[Flask, TcpProxy]]:
    if BACKEND != "postgresql":
        pytest.skip("the PostgreSQL outage needs the PostgreSQL backend (SQLite faults are below)")
    url = make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = create_app({"INSTANCE_PATH": tmp_path / "instance"}, settings=make_settings(through_proxy))
    yield app, proxy
    proxy.stop()
    app.extensions["engage.engine"].dispose()


def test_postgresql_going_away_mid_survey(proxied_app: tuple[Flask, TcpProxy]) -> None:
    app, proxy = proxied_app
    client = PageClient(app.test_client())
    health = app.test_client()

    def outage() -> None:
        proxy.stop()
        down = health.get("/healthz")
        assert down.status_code == 503 and down.get_json()["database"]["status"] == "error"
        other = client.get("/s/test-survey", expected_status=503)
        assert other.h1 == UNAVAILABLE

    def recovery() -> None:
        proxy.start()
        assert health.get("/healthz").status_code == 200

    fail_then_recover(client, app, outage, recovery)


# --- SQLite read-only or full ------------------------------------------------------------------


def sqlite_fault(app: Flask, pragma: str) -> tuple[Callable[[], None], Callable[[], None]]:
    """Apply ``pragma`` to every new connection of the app's engine (and remove it again)."""
    engine = app.extensions["engage.engine"]

    def apply(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(pragma)

    def break_it() -> None:
        event.listen(engine, "connect", apply)
        engine.dispose()

    def mend_it() -> None:
        event.remove(engine, "connect", apply)
        engine.dispose()

    return break_it, mend_it


def integrity(database_url: str) -> str:
    with closing(sqlite3.connect(make_url(database_url).database or "")) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


@pytest.fixture
def sqlite_only() -> None:
    if BACKEND != "sqlite":
        pytest.skip("a SQLite file fault")


@pytest.mark.usefixtures("sqlite_only")
def test_read_only_sqlite(app: Flask, client: PageClient, database_url: str) -> None:
    break_it, mend_it = sqlite_fault(app, "PRAGMA query_only = ON")
    fail_then_recover(client, app, break_it, mend_it)
    assert integrity(database_url) == "ok"


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 8 MB file system (tmpfs) that the test can fill up."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount_point)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"needs permission to mount a small tmpfs: {mounted.stderr.decode().strip()}")
    yield mount_point
    subprocess.run(["umount", "--lazy", str(mount_point)], check=False)


def fill(path: Path) -> int:
    """Write zeros to ``path`` until the file system is full; return the error number."""
    with path.open("wb", buffering=0) as out:
        while True:
            try:
                out.write(b"\0" * 65536)
            except OSError as error:
                return error.errno or 0


@pytest.mark.usefixtures("sqlite_only")
def test_full_disk_under_sqlite(database_url: str, tiny_disk: Path, tmp_path: Path) -> None:
    path = tiny_disk / "engage.sqlite3"
    shutil.copyfile(make_url(database_url).database or "", path)
    url = f"sqlite:///{path}"
    app = create_app({"INSTANCE_PATH": tmp_path / "instance"}, settings=make_settings(url))
    client = PageClient(app.test_client())
    filler = tiny_disk / "filler"

    def disk_full() -> None:
        with closing(sqlite3.connect(path)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the next write needs new space
        assert fill(filler) == errno.ENOSPC

    def disk_freed() -> None:
        assert integrity(url) == "ok", "a refused write leaves the file intact"
        filler.unlink()

    try:
        fail_then_recover(client, app, disk_full, disk_freed)
        assert integrity(url) == "ok"
    finally:
        app.extensions["engage.engine"].dispose()
