"""Prometheus metrics of one server process, served on their own port (prometheus-client).

The metrics listen on METRICS_ADDR:METRICS_PORT (default 127.0.0.1, PORT + 1000),
never on the public port: nothing behind the load balancer reaches them, and
daphne's --proxy-headers (which believes any X-Forwarded-For) cannot fool an
address check that does not exist. `config.serve` starts the listener in
daphne's process; tests and management commands do not.

On the delivery path only counters and one histogram are touched: no lock of
ours, only prometheus-client's own per-value lock. Fan-out deliveries are
counted once per batch (one `inc(n)` per group event and process), and
open sockets and the database pool are read at scrape time, not kept up to
date on every change. docs/deploy.md lists the series and a scrape config.
"""

import logging

from prometheus_client import REGISTRY, Counter, Gauge, Histogram, start_http_server

logger = logging.getLogger(__name__)

MESSAGES_STORED = Counter("chat_messages_stored_total", "Messages committed to the database.")
FANOUT_DELIVERIES = Counter(
    "chat_fanout_deliveries_total", "Group events queued for local sockets (one per socket per event)."
)
DELIVERY_LAG = Histogram(
    "chat_delivery_lag_seconds",
    "From a message's commit to its message.new leaving this process for a socket.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SLOW_SOCKET_CLOSES = Counter(
    "chat_slow_socket_closes_total", "Sockets closed with 4008 (too slow).", ["cause"]
)
RATE_LIMITED = Counter(
    "chat_rate_limited_total", "Writes and actions refused by a rate limit (rate_limited)."
)
CHANNEL_LAYER_ERRORS = Counter(
    "chat_channel_layer_errors_total", "Channel-layer calls that failed.", ["operation"]
)
SHUTDOWN_CLOSES = Counter("chat_restart_closes_total", "Sockets closed with 1012 at shutdown.")


def _pool_in_use() -> int:
    from django.db import connections

    pool = getattr(connections["default"], "pool", None)  # PostgreSQL with a pool only
    if pool is None:
        return 0
    stats = pool.get_stats()
    return stats.get("pool_size", 0) - stats.get("pool_available", 0)


# Read at scrape time from the hub's sockets (messaging.hub sets its function).
OPEN_SOCKETS = Gauge("chat_open_sockets", "WebSockets open on this process.")
DB_POOL_IN_USE = Gauge("chat_db_pool_in_use", "Database connections of this process's pool lent out.")
DB_POOL_IN_USE.set_function(_pool_in_use)


def serve(addr: str, port: int) -> bool:
    """Start the metrics listener in a daemon thread; False (logged) if the port cannot be had.

    A chat that cannot publish its metrics still serves: the error is logged
    and the process goes on (port 0 means: no listener).
    """
    if not port:
        return False
    try:
        start_http_server(port, addr=addr, registry=REGISTRY)
    except OSError:
        logger.error("metrics: could not listen on %s:%d", addr, port, exc_info=True)
        return False
    logger.info("metrics on http://%s:%d/metrics", addr, port)
    return True
