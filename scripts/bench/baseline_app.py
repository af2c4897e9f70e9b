"""The load benchmark's baseline: a bare Flask app whose one endpoint inserts one row.

It is the least any web app on this stack can do per request (parse a form post, write
one row, answer), so engage's throughput divided by this one's says how much of the
machine the product itself uses. Served by the same gunicorn settings as engage.

``BASELINE_DATABASE_URL`` is either ``postgresql://…`` (psycopg, one connection per
thread, autocommit) or ``sqlite:///path`` (the stdlib driver, WAL, like engage).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from typing import Any

import psycopg
from flask import Flask, request

URL = os.environ["BASELINE_DATABASE_URL"]
SQLITE_PREFIX = "sqlite:///"
_local = threading.local()

app = Flask(__name__)


def _connection() -> Any:
    connection = getattr(_local, "connection", None)
    if connection is None:
        if URL.startswith(SQLITE_PREFIX):
            connection = sqlite3.connect(URL.removeprefix(SQLITE_PREFIX), timeout=5, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
        else:
            connection = psycopg.connect(
                URL.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
            )
        _local.connection = connection
    return connection


def create_table() -> None:
    """Every worker runs this as it boots. On PostgreSQL two concurrent
    ``CREATE TABLE IF NOT EXISTS`` can still collide, so they take turns."""
    postgres = not URL.startswith(SQLITE_PREFIX)
    connection = _connection()
    if postgres:
        connection.execute("SELECT pg_advisory_lock(20261125)")
    try:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS bench_baseline (id INTEGER PRIMARY KEY"
            + (" GENERATED ALWAYS AS IDENTITY" if postgres else "")
            + ", answer TEXT NOT NULL)"
        )
    finally:
        if postgres:
            connection.execute("SELECT pg_advisory_unlock(20261125)")


@app.post("/answer")
def answer() -> tuple[str, int]:
    placeholder = "?" if URL.startswith(SQLITE_PREFIX) else "%s"
    _connection().execute(
        f"INSERT INTO bench_baseline (answer) VALUES ({placeholder})",
        (request.form.get("answer", ""),),
    )
    return "stored", 200


@app.get("/healthz")
def healthz() -> tuple[str, int]:
    return "ok", 200


create_table()
