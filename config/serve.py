"""`python -m config.serve ARGS`: daphne's command line, with nine fixes for a public chat server.

1. Frames over the size limit close with 1009. Daphne enforces
   `--websocket-max-message-size` / `--websocket-max-frame-size` through
   autobahn, whose default on a violation is to drop the TCP connection. The
   contract says a frame over 64 KiB closes the socket with code 1009, so the
   factory is told to fail with a closing handshake instead.
2. Slow clients cannot hold connections: `--request-timeout SECONDS` (ours,
   default 30). Twisted's HTTP channel restarts its idle timer on every byte
   received, so a client trickling a request a byte at a time is never timed
   out. Here the timer is not restarted by data: a request must arrive whole
   within SECONDS of the connection opening or of the previous response, or
   the connection is closed. Once a request has arrived the timer stops and
   daphne's `--http-timeout` bounds the application's answer instead; a
   WebSocket, once upgraded, is kept alive by `--ping-interval`/`--ping-timeout`.
3. The access log leaves out query strings: they carry search terms
   (`/api/search/?q=...`) and WebSocket tickets. Daphne's access log writes
   the request's full URI; here it gets the path alone.
4. A socket that does not read is closed with 4008. Daphne hands every
   frame to Twisted, which buffers what the peer has not taken yet without
   limit. When more than CHAT_SOCKET_BUFFER_BYTES wait unsent for one socket,
   it is closed with 4008 ("too slow: reconnect and catch up",
   docs/protocol.md) and nothing more is queued for it; autobahn drops the
   connection if the peer does not answer the close within its close timeout.
5. A frame goes out at once when nothing waits before it. Twisted buffers
   every write and sends it on the next writable event, which costs two
   epoll changes and a loop turn per frame; as asyncio's own transports do, a
   TCP write with an empty buffer is tried on the socket first, and only what
   the kernel does not take is buffered.
6. SIGTERM drains instead of cutting: daphne's before-shutdown step, which
   cancels every application at once, first runs `config.lifecycle.drain`:
   readiness fails, the listeners close, every socket closes with 1012 after
   the frame in progress, and the process waits for what is running, for at
   most CHAT_SHUTDOWN_TIMEOUT seconds. The metrics listener
   (`core.metrics`, METRICS_ADDR:METRICS_PORT) starts with the server.
7. With LOG_FORMAT=json the access log goes through `logging` (logger
   `daphne.access`), so it is JSON lines like every other log line.
8. The server's close codes of RFC 6455 go out: autobahn's sendClose lets an
   application send 1000 and 3000-4999 only, and raised on the protocol's
   1011 (server error), 1012 (service restart) and 1013 (try again later),
   which docs/protocol.md promises; those are sent as close frames as is.
9. A text frame can be sent without a trip through the application's send.
   Every WebSocket scope gets the extension `chat.send_text`:
   `{"send": send_text(text) -> bool}`, which frames `text` and writes it to
   the socket now, with fix 4's bound, and says False when the socket is
   closing or gone. The channel layer uses it to hand a group event straight
   to an idle socket (messaging.consumers, `deliver_now`). A group event
   reaches every local socket as the same `str`, so the frame of the last
   text sent is kept and reused for the next socket (autobahn's prepared
   messages): one encoding and framing per event and process, not per socket.
"""

import asyncio
import functools
import logging
import os
import sys

from autobahn.twisted.websocket import WebSocketServerFactory
from autobahn.websocket.protocol import PreparedMessage
from daphne.access import AccessLogGenerator
from daphne.cli import CommandLineInterface
from daphne.http_protocol import HTTPFactory
from daphne.server import Server
from daphne.ws_protocol import WebSocketProtocol
from twisted.internet import defer, tcp
from twisted.protocols import basic
from twisted.web.http import HTTPChannel

CLOSE_TOO_SLOW = 4008
logger = logging.getLogger("config.serve")

_reset = WebSocketServerFactory.resetProtocolOptions


def _reset_with_close_frame(self):
    _reset(self)
    self.failByDrop = False


_server_send = WebSocketProtocol.serverSend
_tcp_write = tcp.Connection.write


def unsent_bytes(transport) -> int:
    """Bytes a Twisted TCP transport holds that the peer has not taken yet (0 if unknown)."""
    buffered = getattr(transport, "dataBuffer", b"")
    return len(buffered) - getattr(transport, "offset", 0) + getattr(transport, "_tempDataLen", 0)


def _server_send_bounded(self, content, binary=False):
    # A frame for a socket already closing (the peer sent its close, or it was closed
    # as too slow) is dropped: autobahn would raise Disconnected into the application,
    # which learns of the close from the websocket.disconnect that follows.
    if getattr(self, "too_slow", False) or self.state not in (self.STATE_OPEN, self.STATE_CONNECTING):
        return
    _server_send(self, content, binary)
    _close_if_over_bound(self)


def _close_if_over_bound(self) -> None:
    from django.conf import settings

    bound = getattr(settings, "CHAT_SOCKET_BUFFER_BYTES", None)  # None: not the chat's settings
    if bound is not None and unsent_bytes(self.transport) > bound:
        self.too_slow = True
        from core.metrics import SLOW_SOCKET_CLOSES

        SLOW_SOCKET_CLOSES.labels("buffer").inc()
        logger.warning(
            "closing a WebSocket that does not read: %d bytes unsent", unsent_bytes(self.transport)
        )
        self.sendClose(code=CLOSE_TOO_SLOW, reason="too slow: reconnect and catch up")


SEND_TEXT_EXTENSION = "chat.send_text"  # messaging.consumers reads it under the same name
# The last text framed by _send_text_now, kept by identity: (text, its frame).
_last_frame: tuple[str, PreparedMessage] | None = None


def _send_text_now(server, protocol, text: str) -> bool:
    """Fix 9: send `text` as one text frame now; False if the socket is closing or gone."""
    global _last_frame
    connection = server.connections.get(protocol)
    if (
        connection is None
        or connection.get("disconnected")
        or getattr(protocol, "too_slow", False)
        or protocol.state != protocol.STATE_OPEN
    ):
        return False
    if _last_frame is None or _last_frame[0] is not text:
        _last_frame = (text, PreparedMessage(text.encode("utf-8"), False, False, False))
    protocol.sendPreparedMessage(_last_frame[1])
    _close_if_over_bound(protocol)
    return True


_create_application = Server.create_application


def _create_application_with_send_text(self, protocol, scope):
    if scope.get("type") == "websocket":
        scope.setdefault("extensions", {})[SEND_TEXT_EXTENSION] = {
            "send": functools.partial(_send_text_now, self, protocol)
        }
    return _create_application(self, protocol, scope)


# Close codes RFC 6455 (7.4.1) and IANA's registry give a server, beyond autobahn's 1000 and 3000-4999.
SERVER_CLOSE_CODES = frozenset({1001, 1011, 1012, 1013, 1014})
_server_close = WebSocketProtocol.serverClose


def _server_close_with_protocol_codes(self, code=None):
    if code in SERVER_CLOSE_CODES:
        self.sendCloseFrame(code=code, reasonUtf8=None, isReply=False)
        return
    _server_close(self, code)


def _tcp_write_now(self, data):
    if (
        data
        and self.connected
        and not self._writeDisconnected
        and not self._tempDataLen
        and len(self.dataBuffer) == self.offset
        and self.producer is None
    ):
        sent = self.writeSomeData(data)
        if isinstance(sent, int) and sent > 0:
            if sent == len(data):
                return
            data = data[sent:]
    _tcp_write(self, data)


def _data_received_without_resetting_the_timer(self, data):
    basic.LineReceiver.dataReceived(self, data)


_log_action = AccessLogGenerator.__call__


def _log_action_without_query(self, protocol, action, details):
    if isinstance(details.get("path"), str):
        details = {**details, "path": details["path"].split("?", 1)[0]}
    return _log_action(self, protocol, action, details)


def _write_entry_as_log(self, host, date, request, status=None, length=None, ident=None, user=None):
    logging.getLogger("daphne.access").info(
        "%s %s %s", host, request, status or "-", extra={"client": host, "status": status, "length": length}
    )


_listen_success = Server.listen_success


def _listen_success_keeping_the_port(self, port):
    self.chat_ports = [*getattr(self, "chat_ports", []), port]
    return _listen_success(self, port)


def _drain_then_kill(self):
    from django.conf import settings

    from config import lifecycle

    drained = defer.Deferred.fromFuture(
        asyncio.ensure_future(
            lifecycle.drain(self, getattr(self, "chat_ports", []), settings.CHAT_SHUTDOWN_TIMEOUT)
        )
    )
    drained.addErrback(lambda failure: logger.error("shutdown: draining failed: %s", failure.value))
    drained.addCallback(lambda _: _cancel_the_rest(self))
    return drained


def _cancel_the_rest(server):
    # Daphne's own kill_all_applications, minus its KeyError on a kept-alive HTTP
    # connection whose application has already finished.
    running = [
        d["application_instance"]
        for d in server.connections.values()
        if "application_instance" in d and not d["application_instance"].done()
    ]
    for instance in running:
        instance.cancel()
    logger.info("shutdown: cancelled %d applications still running", len(running))
    return defer.Deferred.fromFuture(asyncio.gather(*running, return_exceptions=True))


_server_run = Server.run


def _run_with_metrics(self):
    from django.conf import settings

    from core.metrics import serve

    serve(settings.METRICS_ADDR, settings.METRICS_PORT)
    return _server_run(self)


def _request_timeout(argv: list[str]) -> tuple[int, list[str]]:
    """`--request-timeout N` taken out of daphne's arguments: (N, the rest)."""
    seconds, rest, args = 30, [], iter(argv)
    for arg in args:
        if arg == "--request-timeout":
            seconds = int(next(args))
        elif arg.startswith("--request-timeout="):
            seconds = int(arg.split("=", 1)[1])
        else:
            rest.append(arg)
    return seconds, rest


def _install(request_timeout: int) -> None:
    WebSocketServerFactory.resetProtocolOptions = _reset_with_close_frame  # type: ignore[method-assign]
    HTTPChannel.dataReceived = _data_received_without_resetting_the_timer  # type: ignore[method-assign]
    AccessLogGenerator.__call__ = _log_action_without_query
    WebSocketProtocol.serverSend = _server_send_bounded
    WebSocketProtocol.serverClose = _server_close_with_protocol_codes
    tcp.Connection.write = _tcp_write_now  # type: ignore[method-assign]
    Server.listen_success = _listen_success_keeping_the_port
    Server.kill_all_applications = _drain_then_kill
    Server.run = _run_with_metrics
    Server.create_application = _create_application_with_send_text
    if os.environ.get("LOG_FORMAT") == "json":
        AccessLogGenerator.write_entry = _write_entry_as_log
    _factory_init = HTTPFactory.__init__

    def factory_init(self, server):
        _factory_init(self, server)
        self.timeOut = request_timeout

    HTTPFactory.__init__ = factory_init


if __name__ == "__main__":
    timeout, sys.argv[1:] = _request_timeout(sys.argv[1:])
    _install(timeout)
    CommandLineInterface.entrypoint()
    # The reactor has stopped. A worker thread of database_sync_to_async that
    # was sending an event when it stopped (a disconnect handler announcing
    # presence offline, say) waits forever on async_to_sync for the stopped
    # loop, and the interpreter's exit would join it: leave without waiting.
    logging.shutdown()
    sys.stdout.flush()  # the access log, which os._exit would not write out
    os._exit(0)
