"""`/healthz` (contract: One server, one origin) and the single-page app's shell."""

import pytest
from django.test import AsyncClient

pytestmark = pytest.mark.django_db(transaction=True)


async def test_health_is_ok_when_the_database_and_the_channel_layer_answer():
    response = await AsyncClient().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "channel_layer": "ok"}


async def test_health_is_503_and_names_what_failed(monkeypatch):
    from channels.layers import get_channel_layer

    layer = get_channel_layer()

    async def broken_ping():
        raise ConnectionError("the channel layer is down")

    monkeypatch.setattr(layer, "ping", broken_ping)
    response = await AsyncClient().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "channel_layer": "error"}


async def test_health_stays_ok_while_sockets_are_open_and_idle(chat, open_ws):
    # The probe once received on a channel of its own, waiting behind the receive
    # lock an idle socket holds in channels_redis's core layer, and timed out.
    alice, bob, _ = chat
    await open_ws(alice)
    await open_ws(bob)
    for _ in range(3):
        response = await AsyncClient().get("/healthz")
        assert (response.status_code, response.json()["channel_layer"]) == (200, "ok")


async def test_health_is_503_when_the_database_fails(monkeypatch):
    from config import views

    def broken_database():
        raise OSError("the database is down")

    monkeypatch.setattr(views, "_database_answers", broken_database)
    response = await AsyncClient().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error" and response.json()["channel_layer"] == "ok"


def test_non_api_paths_get_the_app_shell_and_api_paths_do_not(client, settings, tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    settings.FRONTEND_DIST = tmp_path
    for path in ("/", "/rooms/12", "/login"):
        response = client.get(path)
        assert response.status_code == 200
        assert b"<div id=root>" in b"".join(response.streaming_content)
    assert client.get("/api/nothing-here/").status_code == 404


def test_without_a_built_app_the_shell_links_the_api_docs(client, settings, tmp_path):
    settings.FRONTEND_DIST = tmp_path / "missing"
    response = client.get("/")
    assert response.status_code == 200
    assert b'href="/api/docs/"' in response.content
