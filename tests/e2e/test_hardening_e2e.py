"""Issue 9's posture fixes on a real daphne: slow clients are cut off, the WebSocket
handshake checks the Origin in full and routes before redeeming the ticket."""

import socket
import time

import pytest
import websockets

from .harness import ChatClient

pytestmark = pytest.mark.e2e


def trickle_until_closed(port: int, first: bytes, *, byte_every: float, max_bytes: int) -> int:
    """Send `first`, then one header byte every `byte_every` s; the bytes sent when the server closed.

    Returns `max_bytes + 1` if the server kept the connection open throughout.
    """
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(byte_every)
        sock.sendall(first)
        for sent in range(max_bytes):
            try:
                sock.sendall(b"a")
                if sock.recv(1024) == b"":
                    return sent
            except TimeoutError:
                continue  # nothing from the server yet: the connection is open
            except (ConnectionResetError, BrokenPipeError):
                return sent
    return max_bytes + 1


def test_a_client_trickling_a_request_is_cut_off(start_server):
    server = start_server(request_timeout=2)
    # 40 bytes at 0.5 s each would take 20 s; Twisted's idle timer alone never fires.
    for first in (b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", b"G"):
        assert trickle_until_closed(server.port, first, byte_every=0.5, max_bytes=40) <= 40
    # A request sent whole is served, and a kept-alive connection serves the next.
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.settimeout(10)
        request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        for _ in range(2):
            sock.sendall(request)
            answer = b""
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                chunk = sock.recv(4096)
                assert chunk, answer
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200")
            time.sleep(0.5)


async def test_the_origin_is_compared_in_scheme_host_and_port(server):
    alice = ChatClient(server)
    for origin in ("http://localhost:9999", f"https://evil.example:{server.port}", "http://127.0.0.1"):
        ticket = alice.call("POST", "/api/auth/ws-ticket/")["ticket"]
        with pytest.raises(websockets.InvalidStatus) as refused:
            await websockets.connect(f"{server.ws_url}/ws/chat/?ticket={ticket}", origin=origin)
        assert refused.value.response.status_code == 403
    for origin in (f"http://127.0.0.1:{server.port}", f"http://localhost:{server.port}"):
        ticket = alice.call("POST", "/api/auth/ws-ticket/")["ticket"]
        ws = await websockets.connect(f"{server.ws_url}/ws/chat/?ticket={ticket}", origin=origin)
        assert '"hello"' in await ws.recv()
        await ws.close()


async def test_an_unknown_path_is_refused_and_the_ticket_still_opens_the_chat(server):
    alice = ChatClient(server)
    ticket = alice.call("POST", "/api/auth/ws-ticket/")["ticket"]
    for path in ("/ws/other/", "/ws/chat/x/", "/api/rooms/"):
        with pytest.raises(websockets.InvalidStatus) as refused:
            await websockets.connect(f"{server.ws_url}{path}?ticket={ticket}")
        assert refused.value.response.status_code == 403
    ws = await websockets.connect(f"{server.ws_url}/ws/chat/?ticket={ticket}")
    assert '"hello"' in await ws.recv()
    await ws.close()
    assert "Traceback" not in server.log_path.read_text()


async def test_the_access_log_has_paths_without_query_strings(start_server):
    server = start_server()
    alice = ChatClient(server)
    alice.call("GET", "/api/search/?q=zebrasecret&page_size=5")
    ticket = alice.call("POST", "/api/auth/ws-ticket/")["ticket"]
    ws = await websockets.connect(f"{server.ws_url}/ws/chat/?ticket={ticket}")
    await ws.recv()
    await ws.close()
    server.stop()
    log = server.log_path.read_text()
    assert '"GET /api/search/" 200' in log
    assert "WSCONNECT /ws/chat/" in log
    assert "zebrasecret" not in log and ticket not in log and "?" not in log
