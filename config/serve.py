"""`python -m config.serve ARGS`: daphne's command line, with two changes to its WebSocket.

- **Oversize frames close with 1009.** Daphne enforces
  `--websocket-max-message-size` / `--websocket-max-frame-size` through
  autobahn, whose default on a violation is to drop the TCP connection. The
  contract says a frame over 64 KiB closes the socket with code 1009, so the
  factory is told to fail with a closing handshake instead.
- **A socket that does not read is closed with 4008.** Daphne hands every
  frame to Twisted, which buffers what the peer has not taken yet without
  limit. When more than CHAT_SOCKET_BUFFER_BYTES wait unsent for one socket,
  it is closed with 4008 ("too slow: reconnect and catch up",
  docs/protocol.md) and nothing more is queued for it; autobahn drops the
  connection if the peer does not answer the close within its close timeout.
- **A frame goes out at once when nothing waits before it.** Twisted buffers
  every write and sends it on the next writable event, which costs two
  epoll changes and a loop turn per frame; as asyncio's own transports do, a
  TCP write with an empty buffer is tried on the socket first, and only what
  the kernel does not take is buffered.
"""

import logging
import os

from autobahn.twisted.websocket import WebSocketServerFactory
from daphne.cli import CommandLineInterface
from daphne.ws_protocol import WebSocketProtocol
from twisted.internet import tcp

CLOSE_TOO_SLOW = 4008
_reset = WebSocketServerFactory.resetProtocolOptions
_server_send = WebSocketProtocol.serverSend
_tcp_write = tcp.Connection.write
logger = logging.getLogger("config.serve")


def _reset_with_close_frame(self):
    _reset(self)
    self.failByDrop = False


def unsent_bytes(transport) -> int:
    """Bytes a Twisted TCP transport holds that the peer has not taken yet (0 if unknown)."""
    buffered = getattr(transport, "dataBuffer", b"")
    return len(buffered) - getattr(transport, "offset", 0) + getattr(transport, "_tempDataLen", 0)


def _server_send_bounded(self, content, binary=False):
    if getattr(self, "too_slow", False):
        return
    _server_send(self, content, binary)
    from django.conf import settings

    if unsent_bytes(self.transport) > settings.CHAT_SOCKET_BUFFER_BYTES:
        self.too_slow = True
        logger.warning(
            "closing a WebSocket that does not read: %d bytes unsent", unsent_bytes(self.transport)
        )
        self.sendClose(code=CLOSE_TOO_SLOW, reason="too slow: reconnect and catch up")


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


WebSocketServerFactory.resetProtocolOptions = _reset_with_close_frame  # type: ignore[method-assign]
tcp.Connection.write = _tcp_write_now  # type: ignore[method-assign]
WebSocketProtocol.serverSend = _server_send_bounded

if __name__ == "__main__":
    CommandLineInterface.entrypoint()
    # The reactor has stopped. A worker thread of database_sync_to_async that
    # was sending an event when it stopped (a disconnect handler announcing
    # presence offline, say) waits forever on async_to_sync for the stopped
    # loop, and the interpreter's exit would join it: leave without waiting.
    logging.shutdown()
    os._exit(0)
