"""Readiness, metrics, log lines and the shutdown drain of one process (docs/deploy.md)."""

import asyncio
import json
import logging
import threading
import time
import urllib.request

import pytest
from django.test import AsyncClient
from prometheus_client import REGISTRY

from config import lifecycle
from core import logs, metrics

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def not_draining(monkeypatch):
    monkeypatch.setattr(lifecycle, "_draining", False)


async def test_ready_when_database_cache_and_channel_layer_answer(not_draining):
    response = await AsyncClient().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "channel_layer": "ok"}


async def test_not_ready_names_what_failed(not_draining, monkeypatch):
    from config import views

    def broken_cache():
        raise ConnectionError("redis is down")

    monkeypatch.setattr(views, "_cache_answers", broken_cache)
    response = await AsyncClient().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "error", "channel_layer": "ok"}


async def test_not_ready_while_draining_but_still_alive(not_draining):
    lifecycle.begin_draining()
    response = await AsyncClient().get("/readyz")
    assert response.status_code == 503 and response.json() == {"status": "draining"}
    assert (await AsyncClient().get("/healthz")).status_code == 200


def _value(name: str, labels: dict | None = None) -> float:
    return REGISTRY.get_sample_value(name, labels or {}) or 0.0


def test_metrics_listen_on_their_own_port_and_answer_in_prometheus_format():
    from tests.e2e.harness import free_port

    port = free_port()
    assert metrics.serve("127.0.0.1", port)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    for series in (
        "chat_open_sockets",
        "chat_messages_stored_total",
        "chat_fanout_deliveries_total",
        "chat_delivery_lag_seconds_bucket",
        "chat_slow_socket_closes_total",
        "chat_rate_limited_total",
        "chat_db_pool_in_use",
        "chat_channel_layer_errors_total",
    ):
        assert series in text
    assert metrics.serve("127.0.0.1", 0) is False  # 0: no listener


async def test_a_chat_moves_the_counters(chat, open_ws):
    """A message is counted once stored, its fan-out per socket, its lag once per delivery."""
    alice, bob, room = chat
    stored, fanout = _value("chat_messages_stored_total"), _value("chat_fanout_deliveries_total")
    lags = _value("chat_delivery_lag_seconds_count")
    a, b = await open_ws(alice), await open_ws(bob)
    assert _value("chat_open_sockets") == 2
    await a.send({"type": "message.send", "room": room.pk, "body": "hi", "client_id": "c1"})
    await a.recv_until(lambda f: f["type"] == "message.new")
    await b.recv_until(lambda f: f["type"] == "message.new")
    await a.ping()
    assert _value("chat_messages_stored_total") == stored + 1
    assert _value("chat_fanout_deliveries_total") >= fanout + 2
    # Bob's socket got it through the group (the sender's own copy goes out directly).
    assert _value("chat_delivery_lag_seconds_count") >= lags + 1


async def test_a_rate_limit_refusal_is_counted(chat, open_ws, settings):
    settings.CHAT_RATE_LIMIT_MESSAGES = 1
    alice, _, room = chat
    before = _value("chat_rate_limited_total")
    a = await open_ws(alice)
    for n in range(2):
        await a.send({"type": "message.send", "room": room.pk, "body": "x", "client_id": f"r{n}"})
    error = await a.recv_until(lambda f: f["type"] == "error")
    assert error["code"] == "rate_limited"
    assert _value("chat_rate_limited_total") == before + 1


async def test_drain_closes_every_socket_with_1012_after_the_frame_in_progress(chat, open_ws, monkeypatch):
    from messaging import services

    alice, _, room = chat
    a = await open_ws(alice)
    before = _value("chat_restart_closes_total")
    started, store = threading.Event(), services.message_create

    def slow_store(**kwargs):
        started.set()
        time.sleep(0.3)
        return store(**kwargs)

    monkeypatch.setattr(services, "message_create", slow_store)
    await a.send({"type": "message.send", "room": room.pk, "body": "in flight", "client_id": "f1"})
    assert await asyncio.to_thread(started.wait, 5)
    assert await lifecycle.close_sockets() == 1
    assert await lifecycle.close_sockets() == 0  # told once
    ack = await a.recv_until(lambda f: f["type"] == "message.new")
    assert ack["message"]["client_id"] == "f1"
    assert await a.communicator.receive_output(5) == {"type": "websocket.close", "code": 1012}
    assert _value("chat_restart_closes_total") == before + 1
    a.closed = True


def test_json_log_lines_carry_the_request_id():
    config = logs.logging_config(level="INFO", fmt="json")
    handler = logging.StreamHandler()
    from pythonjsonlogger.json import JsonFormatter

    handler.setFormatter(
        JsonFormatter(
            config["formatters"]["chat"]["fmt"], rename_fields=config["formatters"]["chat"]["rename_fields"]
        )
    )
    handler.addFilter(logs.RequestIdFilter())
    record = logging.LogRecord("chat.test", logging.INFO, __file__, 1, "hello %s", ("there",), None)
    token = logs.request_id.set("abc123")
    try:
        handler.filter(record)
        line = handler.format(record)
    finally:
        logs.request_id.reset(token)
    parsed = json.loads(line)
    assert parsed["message"] == "hello there" and parsed["request_id"] == "abc123"
    assert parsed["level"] == "INFO" and parsed["logger"] == "chat.test" and "time" in parsed
    with pytest.raises(ValueError):
        logs.logging_config(level="INFO", fmt="xml")
    logs.logging_config(level="INFO", fmt="text")  # warnings go back to stderr for the other tests


def test_the_request_id_is_the_proxy_s_or_a_new_one(client):
    given = client.get("/healthz", HTTP_X_REQUEST_ID="from-nginx-42")
    assert given["X-Request-ID"] == "from-nginx-42"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert forged["X-Request-ID"] != "bad id\nwith newline" and len(forged["X-Request-ID"]) == 32
