"""Graceful shutdown of one server process: drain, close sockets with 1012, then stop.

On SIGTERM (or SIGINT) daphne stops its reactor; before it does, `drain`
(installed by config/serve.py as daphne's before-shutdown step) runs:

1. `/readyz` answers 503 from now on, so a balancer that polls it takes the
   process out;
2. the process stops listening: new connections go to the other processes;
3. every open socket is sent a `chat.restart` event. Channels runs a
   consumer's handlers one at a time, so the event is handled after the frame
   in progress: a message being stored is committed and acknowledged first.
   The consumer then closes with 1012 ("service restart", docs/protocol.md)
   and the client reconnects to another process and catches up by seq;
4. it waits until every connection's application (sockets and HTTP requests
   alike) has finished, for at most CHAT_SHUTDOWN_TIMEOUT seconds; what is
   still running then is cancelled, as daphne would have done at once.
"""

import asyncio
import logging
import time

logger = logging.getLogger(__name__)

_draining = False


def draining() -> bool:
    """True once this process has begun to shut down (readiness fails from then on)."""
    return _draining


def begin_draining() -> None:
    global _draining
    _draining = True


async def close_sockets() -> int:
    """Send `chat.restart` to every open socket of this process; the number told."""
    from messaging.hub import local_sockets
    from realtime.events import EVENT_RESTART

    told = 0
    for consumer in local_sockets():
        if consumer.ending or getattr(consumer, "told_restart", False):
            continue
        consumer.told_restart = True
        await consumer.channel_layer.send(consumer.channel_name, {"type": EVENT_RESTART})
        told += 1
    return told


async def drain(server, ports, timeout: float) -> None:
    """Steps 1-4 of the module docstring for a daphne `server` listening on `ports`."""
    begin_draining()
    started = time.monotonic()
    for port in ports:
        port.stopListening()
    told = 0
    while True:
        told += await close_sockets()  # again each turn: a handshake in progress may finish meanwhile
        running = [
            d["application_instance"]
            for d in server.connections.values()
            if "application_instance" in d and not d["application_instance"].done()
        ]
        if not running:
            break
        if time.monotonic() - started > timeout:
            logger.warning(
                "shutdown: %d connections still busy after %.0f s; cancelling them", len(running), timeout
            )
            break
        await asyncio.sleep(0.05)
    logger.info("shutdown: %d sockets closed with 1012 in %.1f s", told, time.monotonic() - started)
