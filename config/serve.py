"""`python -m config.serve ARGS`: daphne's command line, closing oversize frames with 1009.

Daphne enforces `--websocket-max-message-size` / `--websocket-max-frame-size`
through autobahn, whose default on a violation is to drop the TCP
connection. The contract says a frame over 64 KiB closes the socket with
code 1009, so the factory is told to fail with a closing handshake instead.
"""

import logging
import os

from autobahn.twisted.websocket import WebSocketServerFactory
from daphne.cli import CommandLineInterface

_reset = WebSocketServerFactory.resetProtocolOptions


def _reset_with_close_frame(self):
    _reset(self)
    self.failByDrop = False


WebSocketServerFactory.resetProtocolOptions = _reset_with_close_frame  # type: ignore[method-assign]

if __name__ == "__main__":
    CommandLineInterface.entrypoint()
    # The reactor has stopped. A worker thread of database_sync_to_async that
    # was sending an event when it stopped (a disconnect handler announcing
    # presence offline, say) waits forever on async_to_sync for the stopped
    # loop, and the interpreter's exit would join it: leave without waiting.
    logging.shutdown()
    os._exit(0)
