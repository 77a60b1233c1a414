"""config.serve fix 9: the `chat.send_text` extension sends a text frame now, framed once per text."""

from types import SimpleNamespace

from config import serve


class Protocol:
    """The parts of daphne's WebSocketProtocol that _send_text_now uses."""

    STATE_OPEN, STATE_CLOSING = 1, 2

    def __init__(self):
        self.state = self.STATE_OPEN
        self.transport = SimpleNamespace(dataBuffer=b"", offset=0, _tempDataLen=0)
        self.prepared: list = []
        self.closed_with: list[int] = []

    def sendPreparedMessage(self, prepared):  # noqa: N802 (autobahn's name)
        self.prepared.append(prepared)

    def sendClose(self, code=None, reason=None):  # noqa: N802
        self.closed_with.append(code)


def test_each_text_is_framed_once_and_sent_to_every_open_socket(settings):
    settings.CHAT_SOCKET_BUFFER_BYTES = 1_000_000
    one, two, gone, closing = Protocol(), Protocol(), Protocol(), Protocol()
    closing.state = Protocol.STATE_CLOSING
    server = SimpleNamespace(connections={one: {}, two: {}, gone: {"disconnected": True}, closing: {}})
    text = '{"type":"message.new","body":"é"}'
    assert [serve._send_text_now(server, p, text) for p in (one, two, gone, closing)] == [
        True,
        True,
        False,
        False,
    ]
    assert one.prepared[0] is two.prepared[0]
    assert one.prepared[0].payloadHybi == b"\x81" + bytes([len(text.encode())]) + text.encode()
    assert gone.prepared == closing.prepared == []
    assert serve._send_text_now(server, Protocol(), text) is False  # not a connection of the server
    other = "".join(['{"type":"pong"', "}"])
    assert serve._send_text_now(server, one, other)
    assert one.prepared[1] is not one.prepared[0]
    assert one.prepared[1].payloadHybi.endswith(other.encode())


def test_a_socket_over_its_buffer_bound_is_closed_as_too_slow_and_sent_nothing_more(settings):
    settings.CHAT_SOCKET_BUFFER_BYTES = 10
    slow = Protocol()
    server = SimpleNamespace(connections={slow: {}})
    slow.transport.dataBuffer = b"x" * 11
    assert serve._send_text_now(server, slow, "a")
    assert slow.closed_with == [serve.CLOSE_TOO_SLOW] and slow.too_slow
    assert serve._send_text_now(server, slow, "b") is False
    assert len(slow.prepared) == 1


def test_websocket_scopes_get_the_extension_and_http_scopes_do_not(monkeypatch):
    created = []
    monkeypatch.setattr(serve, "_create_application", lambda server, protocol, scope: created.append(scope))
    server, protocol = SimpleNamespace(connections={}), Protocol()
    serve._create_application_with_send_text(server, protocol, {"type": "websocket", "extensions": {"x": {}}})
    serve._create_application_with_send_text(server, protocol, {"type": "http"})
    send = created[0]["extensions"][serve.SEND_TEXT_EXTENSION]["send"]
    assert set(created[0]["extensions"]) == {"x", serve.SEND_TEXT_EXTENSION}
    assert "extensions" not in created[1]
    assert send("hi") is False  # the protocol is not among the server's connections
