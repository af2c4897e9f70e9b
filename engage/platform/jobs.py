"""Background jobs: RQ on Redis when ``ENGAGE_REDIS_URL`` is set, in-process otherwise.

Callers use :func:`enqueue` with an importable function and plain arguments. With
Redis the job goes to the ``engage`` queue and a worker (``flask --app wsgi jobs
worker``) runs it inside an application context, retrying on failure. Without
Redis the job runs straight away in the calling process, so the embedded default
needs no second program; its errors are logged and reported to the caller. If Redis is
configured but unreachable, the job runs in the calling process too, and that is logged
at ERROR.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis
from flask import Flask, current_app
from rq import Queue, Retry

log = logging.getLogger(__name__)


def setting(name: str) -> Any:
    """One of the running application's settings (``ENGAGE_<NAME>``), for services that
    decide whether work is big enough to run as a job."""
    return getattr(current_app.config["ENGAGE_SETTINGS"], name)


def queue_name(app: Flask) -> str:
    return str(app.config["ENGAGE_SETTINGS"].redis_namespace)


@dataclass(frozen=True)
class JobHandle:
    id: str
    backend: str
    status: str
    error: str | None = None


def _queue(app: Flask) -> Queue | None:
    client: redis.Redis | None = app.extensions.get("engage.redis")
    if client is None:
        return None
    return Queue(queue_name(app), connection=client)


def enqueue(func: Callable[..., Any], *args: Any, retries: int = 3, **kwargs: Any) -> JobHandle:
    """Run ``func(*args, **kwargs)`` in the background (or now, without Redis)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    queue = _queue(app)
    if queue is not None:
        try:
            job = queue.enqueue(
                run_in_app_context,
                f"{func.__module__}:{func.__qualname__}",
                args,
                kwargs,
                retry=Retry(max=retries, interval=[10, 60, 300][:retries]) if retries else None,
                result_ttl=24 * 3600,
                failure_ttl=7 * 24 * 3600,
            )
        except redis.RedisError as error:
            # Redis keeps no data of record: without it, do the work now rather than lose it.
            log.error(
                "Redis unavailable, running job %s in this process instead: %s", func.__qualname__, error
            )
        else:
            return JobHandle(id=job.id, backend="rq", status="queued")
    try:
        func(*args, **kwargs)
    except Exception as error:
        log.exception("In-process job %s failed", func.__qualname__)
        return JobHandle(id="inline", backend="inline", status="failed", error=str(error))
    return JobHandle(id="inline", backend="inline", status="finished")


def run_in_app_context(target: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What the RQ worker runs: import ``module:function`` and call it in a fresh app."""
    import importlib

    from flask import has_app_context

    module_name, _, qualname = target.partition(":")
    func: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        func = getattr(func, part)
    if has_app_context():
        return func(*args, **kwargs)
    # Imported here: a job worker builds its own app; the app factory imports this module.
    from engage import create_app

    with create_app().app_context():
        return func(*args, **kwargs)
