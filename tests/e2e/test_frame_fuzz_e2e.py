"""Arbitrary frames over a real socket (Hypothesis): none closes it, none logs a traceback.

After every frame the socket must still answer `ping`, with only frames the protocol
names in between; at the end the server's log holds no traceback and its memory has
not run away.
"""

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from websockets.sync.client import connect

from .harness import ChatClient

pytestmark = pytest.mark.e2e

SERVER_FRAMES = {"error", "message.new", "typing", "read", "presence", "pong"}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
odd_text = st.text(
    st.characters(codec="utf-8", categories=["L", "M", "N", "P", "S", "Z", "C"]),
    max_size=200,
) | st.sampled_from(["\x00", "\u202e", "\u200b\u200b", "\ufeff", "\\ud800", "x" * 4001])


@st.composite
def frames(draw, room_id: int) -> str:
    kind = draw(st.sampled_from(["frame", "frame", "frame", "raw", "deep"]))
    if kind == "raw":
        return draw(odd_text)
    if kind == "deep":
        depth = draw(st.integers(min_value=50, max_value=6000))
        return draw(st.sampled_from(["[", '{"a":'])) * depth
    frame = {
        "type": draw(
            st.sampled_from(["message.send", "typing", "read", "ping", "room.added", "", "x"]) | st.text()
        ),
        "room": draw(st.sampled_from([room_id, room_id, 0, -1, 2**63]) | json_values),
    }
    for field in ("body", "client_id", "seq"):
        if draw(st.booleans()):
            frame[field] = draw(odd_text | json_values)
    # json.dumps keeps lone surrogates as \ud800 escapes, so they reach the server.
    return json.dumps(frame)


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def test_arbitrary_frames_never_break_the_socket(server):
    alice = ChatClient(server)
    room = alice.call("POST", "/api/rooms/", {"name": "fuzz", "kind": "public"})
    ticket = alice.call("POST", "/api/auth/ws-ticket/")["ticket"]
    ws = connect(f"{server.ws_url}/ws/chat/?ticket={ticket}", max_size=None)
    assert json.loads(ws.recv(5))["type"] == "hello"
    rss_before = _rss_kib(server.process.pid)

    def send(**fields) -> str:
        return json.dumps({"type": "message.send", "room": room["id"], **fields})

    @settings(max_examples=250, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(frames(room["id"]))
    @example(send(body="a\x00b"))
    @example(send(body="\ud800"))
    @example(send(body="ok", client_id="c\x00"))
    @example(send(body="ok", client_id="\udfff"))
    @example(send(body="\u200b\u2060"))
    @example("[" * 5000 + "]" * 5000)
    def one_frame(text: str) -> None:
        ws.send(text)
        ws.send('{"type":"ping"}')
        while True:
            frame = json.loads(ws.recv(10))
            assert frame["type"] in SERVER_FRAMES, frame
            if frame["type"] == "error":
                assert frame["code"] in {"bad_request", "invalid", "forbidden", "not_found"}, frame
            if frame["type"] == "pong":
                return

    try:
        one_frame()
    finally:
        ws.close()
    log = server.log_path.read_text()
    assert "Traceback" not in log, log[-3000:]
    grown_mib = (_rss_kib(server.process.pid) - rss_before) / 1024
    assert grown_mib < 30, f"the server grew by {grown_mib:.0f} MiB"
