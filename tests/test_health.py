"""/healthz tells a load balancer whether this instance can serve."""

from __future__ import annotations

from pathlib import Path

from engage import create_app
from tests.conftest import make_settings
from tests.support.pages import PageClient


def test_healthy(client: PageClient) -> None:
    response = client.client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["app"]["name"] == "engage"
    assert body["redis"]["status"] == "not configured"
    assert response.headers["Cache-Control"] == "no-store"


def test_database_unreachable_is_503(tmp_path: Path) -> None:
    settings = make_settings("postgresql+psycopg://nobody@127.0.0.1:1/none")
    app = create_app({"INSTANCE_PATH": tmp_path}, settings=settings)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error"
    assert body["database"] == {"status": "error", "backend": "postgresql", "detail": "OperationalError"}
    # Pages that need the database say so politely, in the layout.
    client = PageClient(app.test_client())
    form = client.get("/staff/sign-in")
    page = client.submit(
        form, {"email": "a@anyshire.gov.uk", "password": "whatever it is"}, expected_status=503
    )
    assert page.h1 == "Sorry, the service is unavailable"
    kept = {str(i["name"]): str(i["value"]) for i in page.soup.select("main form input[type=hidden]")}
    assert kept.get("email") == "a@anyshire.gov.uk", "kept to try again"
    assert "password" not in kept and "whatever it is" not in page.response.get_data(as_text=True)


def test_redis_unreachable_is_degraded_not_down(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(database_url, redis_url="redis://127.0.0.1:1/0")
    app = create_app({"INSTANCE_PATH": tmp_path}, settings=settings)
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["redis"]["status"] == "error"
