"""The bench's two servers start as `python -m bench` starts them, and the baseline chats.

A bench that cannot start its servers measures nothing: config.serve is
shared by both, so a setting it reads must exist in the baseline's settings too.
"""

import json
import uuid

import pytest
import websockets
from django.conf import settings

from bench.server import start_server

from .harness import database_url

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("kind", ["ours", "baseline"])
def test_the_bench_starts_each_server_healthy(e2e_db, kind):
    server = start_server(
        kind, database_url=database_url(), redis_url=settings.REDIS_URL, prefix=f"t{uuid.uuid4().hex[:8]}"
    )
    try:
        assert server.process is not None and server.process.poll() is None
    finally:
        server.stop()
    assert server.process.returncode is not None


async def test_the_baseline_broadcasts_to_its_room(e2e_db):
    server = start_server(
        "baseline",
        database_url=database_url(),
        redis_url=settings.REDIS_URL,
        prefix=f"t{uuid.uuid4().hex[:8]}",
    )
    try:
        async with (
            websockets.connect(f"{server.ws_url}/ws/chat/?user=1&rooms=5") as one,
            websockets.connect(f"{server.ws_url}/ws/chat/?user=2&rooms=5") as two,
        ):
            assert json.loads(await one.recv())["type"] == "hello"
            assert json.loads(await two.recv())["rooms"] == [5]
            await one.send(json.dumps({"type": "message.send", "room": 5, "body": "hi", "client_id": "c1"}))
            frame = json.loads(await two.recv())
            assert frame["type"] == "message.new"
            assert (frame["message"]["seq"], frame["message"]["body"]) == (1, "hi")
    finally:
        server.stop()
