"""Percentiles, open-loop schedules and the knee of a sweep: the bench's pure logic."""

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0 < q <= 100) by the nearest-rank method; None for no values.

    Nearest rank: the smallest value with at least q % of the values at or
    below it, so p100 is the maximum and a p99 of 100 values is the 99th.
    """
    if not values:
        return None
    if not 0 < q <= 100:
        raise ValueError("q must be in (0, 100]")
    ordered = sorted(values)
    rank = math.ceil(q / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


@dataclass(frozen=True)
class Summary:
    """Latencies in seconds: count, p50, p95, p99 and max (None when there were none)."""

    count: int
    p50: float | None
    p95: float | None
    p99: float | None
    max: float | None


def summarize(values: Sequence[float]) -> Summary:
    ordered = sorted(values)
    return Summary(
        count=len(ordered),
        p50=percentile(ordered, 50),
        p95=percentile(ordered, 95),
        p99=percentile(ordered, 99),
        max=ordered[-1] if ordered else None,
    )


def schedule(*, senders: int, rate: float, duration: float, start: float = 0.0) -> list[list[float]]:
    """Send times of an open-loop load: `rate` messages/s in total over `senders`, for `duration` s.

    Each sender sends at rate/senders, the senders evenly staggered, so the
    merged stream is one message every 1/rate s. Times are absolute
    (`start` + offset), fixed before the run starts.
    """
    if senders < 1 or rate <= 0 or duration <= 0:
        raise ValueError("senders, rate and duration must be positive")
    interval = senders / rate
    times = []
    for i in range(senders):
        first = i / rate
        count = max(0, math.ceil((duration - first) / interval))
        times.append([start + first + k * interval for k in range(count)])
    return times


@dataclass(frozen=True)
class SweepPoint:
    """One step of a sweep: the offered load, its p99 (seconds) and what went wrong in it."""

    offered: float
    p99: float | None
    missing: int
    closed: int = 0
    errors: int = 0


def passes(point: SweepPoint, *, p99_limit: float) -> bool:
    """Kept up: p99 under the limit, nothing missing, no socket closed by the server, no error."""
    return (
        point.p99 is not None
        and point.p99 < p99_limit
        and point.missing == 0
        and point.closed == 0
        and point.errors == 0
    )


def knee(points: Sequence[SweepPoint], *, p99_limit: float = 0.2) -> float | None:
    """The highest offered load that passed (see `passes`); None when no step passed."""
    good = [p.offered for p in points if passes(p, p99_limit=p99_limit)]
    return max(good) if good else None


def ratio(ours: float | None, theirs: float | None) -> float | None:
    """ours / theirs, or None when either is unknown or theirs is zero."""
    if ours is None or theirs is None or theirs == 0:
        return None
    return ours / theirs
