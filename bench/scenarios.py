"""The five scenarios of issue 8, each run on our server and then on the baseline.

(a) fan-out: 10 rooms x 20 sockets, 2 senders a room, a sweep of offered deliveries/s;
(b) ingest: 100 rooms x 2 sockets, 1 sender a room, persisted messages/s;
(c) one room of 1,000 sockets at 2 messages/s, the last recipient's latency;
(d) 5,000 idle authenticated sockets, server RSS per socket;
(e) REST reads (ours only): history pages at depth in a 1M-message room, the room list;
(f) (a) on ours alone, plain against one send in ten a reply or with a reaction (issue 11).

Every scenario builds its users and rooms through the ORM first, then runs
one server at a time (never both at once: they share the machine's 2 cores).
"""

import asyncio
import http.client
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from . import stats, users
from .generator import BaselineConnector, Load, OurConnector, StepResult
from .procstat import ProcessMeter
from .server import Server, start_server
from .users import TicketClient

SERVERS = ("ours", "baseline")


@dataclass(frozen=True)
class Sizes:
    """How big and how long each scenario is (full or --quick)."""

    a_rooms: int  # of 20 sockets
    a_rates: tuple[int, ...]  # offered deliveries/s
    a_duration: float
    b_rooms: int  # of 2 sockets
    b_rates: tuple[int, ...]  # offered messages/s
    b_duration: float
    c_sockets: int
    c_duration: float
    d_sockets: int
    e_messages: int
    e_requests: int
    drain: float
    connect_limit: float  # seconds to open a scenario's sockets; the rest stay closed


FULL = Sizes(
    a_rooms=10,
    a_rates=(400, 800, 1200, 2000, 3000, 4000, 6000, 8000),
    a_duration=10,
    b_rooms=100,
    b_rates=(50, 100, 200, 400, 700, 1000, 1500, 2000),
    b_duration=10,
    c_sockets=1000,
    c_duration=20,
    d_sockets=5000,
    e_messages=1_000_000,
    e_requests=200,
    drain=5,
    connect_limit=180,
)
QUICK = Sizes(
    a_rooms=4,
    a_rates=(400, 1600),
    a_duration=2,
    b_rooms=20,
    b_rates=(50, 200),
    b_duration=2,
    c_sockets=100,
    c_duration=3,
    d_sockets=200,
    e_messages=20_000,
    e_requests=20,
    drain=2,
    connect_limit=30,
)


@dataclass
class Target:
    """Where the servers come from: started here, or our server at --url (the baseline is always started)."""

    database_url: str
    redis_url: str
    prefix: str
    url: str | None = None
    server_pid: int | None = None
    baseline: bool = True

    @property
    def kinds(self) -> tuple[str, ...]:
        return SERVERS if self.baseline else ("ours",)

    @contextmanager
    def server(self, kind: str) -> Iterator[Server]:
        if kind == "ours" and self.url:
            yield Server("ours", self.url.rstrip("/"), meter=ProcessMeter(self.server_pid))
            return
        server = start_server(
            kind, database_url=self.database_url, redis_url=self.redis_url, prefix=self.prefix
        )
        try:
            yield server
        finally:
            server.stop()


@dataclass
class Outcome:
    """A scenario's results: step results per server, and extra figures by name."""

    name: str
    rooms: int = 0
    steps: dict[str, list[StepResult]] = field(default_factory=dict)
    figures: dict[str, dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


async def _with_load(server: Server, rooms, body, *, connect_limit: float | None = None):
    """Open a socket per user of `rooms` on `server`, run `body(load, connect_seconds)`, close them.

    Opening stops after `connect_limit` s (the sockets not opened are
    reported); then the connects' presence events are let through.
    """
    tickets = TicketClient(server.url) if server.kind == "ours" else None
    connector = OurConnector(server, tickets) if tickets else BaselineConnector(server)
    load = Load(server, connector, rooms)
    try:
        seconds = await load.open_all(limit=connect_limit)
        # Presence and member events of the connects reach the sockets already open.
        await load.quiet(idle=2.0, cap=30.0)
        load.idle_cpu_share = await _idle_cpu_share(server)
        return await body(load, seconds)
    finally:
        await load.close_all()
        if tickets:
            await tickets.aclose()


async def _idle_cpu_share(server: Server, seconds: float = 2.0) -> float | None:
    """The server's CPU, as a share of one core, over `seconds` with its sockets open and idle."""
    before, started = server.meter.cpu_seconds(), time.monotonic()
    await asyncio.sleep(seconds)
    if before is None:
        return None
    return (server.meter.cpu_seconds() - before) / (time.monotonic() - started)


async def _sweep(load: Load, *, senders, rates, duration, drain, p99_limit, use_ack, count_stored=None):
    """Steps at rising offered load until the server is clearly past its knee.

    A step that misses the latency limit alone does not stop the sweep (on a
    shared machine p99 wavers near the limit); it stops after a step that is
    overloaded: under 80 % of the offered load delivered in the window,
    anything missing after the drain, or p99 over ten times the limit.
    """
    results = []
    for rate in rates:
        result = await load.run_step(
            label=str(rate),
            senders=senders,
            rate=rate,
            duration=duration,
            drain=drain,
            count_stored=count_stored,
        )
        results.append(result)
        p99 = (result.ack if use_ack else result.latency).p99
        if (
            result.delivered_per_s < 0.8 * result.offered_deliveries
            or result.missing
            or p99 is None
            or p99 > 10 * p99_limit
        ):
            break
    return results


def _connect_figures(load: Load, seconds: float) -> dict:
    return {
        "sockets": len(load.sockets),
        "open": load.open_count,
        "connect_s": seconds,
        "failures": dict(load.connect_failures),
        "idle_cpu_share": load.idle_cpu_share,
    }


def fanout(target: Target, sizes: Sizes) -> Outcome:
    """(a) `a_rooms` rooms (10) x 20 sockets, 2 senders per room; the sweep is in offered deliveries/s."""
    outcome = Outcome("a", rooms=sizes.a_rooms)
    rooms = users.rooms_of_users(tag="a", rooms=sizes.a_rooms, size=20)
    for kind in target.kinds:
        with target.server(kind) as server:

            async def body(load: Load, seconds: float, kind=kind):
                outcome.figures[kind] = _connect_figures(load, seconds)
                senders = [(load.by_room[r.id][i], r.id) for r in rooms for i in range(2)]
                return await _sweep(
                    load, senders=senders, rates=[d / 20 for d in sizes.a_rates], duration=sizes.a_duration,
                    drain=sizes.drain, p99_limit=0.2, use_ack=False,
                )  # fmt: skip

            outcome.steps[kind] = asyncio.run(
                _with_load(server, rooms, body, connect_limit=sizes.connect_limit)
            )
    return outcome


def ingest(target: Target, sizes: Sizes) -> Outcome:
    """(b) `b_rooms` rooms (100) x 2 sockets, one sender each; the sweep is in offered messages/s."""
    outcome = Outcome("b", rooms=sizes.b_rooms)
    rooms = users.rooms_of_users(tag="b", rooms=sizes.b_rooms, size=2)
    room_ids = [r.id for r in rooms]
    for kind in target.kinds:
        with target.server(kind) as server:

            async def count_stored() -> int:
                return await asyncio.to_thread(users.messages_count, room_ids=room_ids)

            async def body(load: Load, seconds: float, kind=kind):
                outcome.figures[kind] = _connect_figures(load, seconds)
                senders = [(load.by_room[r.id][0], r.id) for r in rooms]
                return await _sweep(
                    load, senders=senders, rates=sizes.b_rates, duration=sizes.b_duration, drain=sizes.drain,
                    p99_limit=0.1, use_ack=True, count_stored=count_stored if kind == "ours" else None,
                )  # fmt: skip

            outcome.steps[kind] = asyncio.run(
                _with_load(server, rooms, body, connect_limit=sizes.connect_limit)
            )
    return outcome


def big_room(target: Target, sizes: Sizes) -> Outcome:
    """(c) one room of `c_sockets` sockets, 2 senders, 2 messages/s in total."""
    outcome = Outcome("c")
    rooms = users.rooms_of_users(tag="c", rooms=1, size=sizes.c_sockets)
    for kind in target.kinds:
        with target.server(kind) as server:

            async def body(load: Load, seconds: float, kind=kind):
                outcome.figures[kind] = _connect_figures(load, seconds)
                senders = [(load.by_room[rooms[0].id][i], rooms[0].id) for i in range(2)]
                step = await load.run_step(
                    label="2", senders=senders, rate=2, duration=sizes.c_duration, drain=sizes.drain
                )
                return [step]

            outcome.steps[kind] = asyncio.run(
                _with_load(server, rooms, body, connect_limit=sizes.connect_limit)
            )
    return outcome


def idle_sockets(target: Target, sizes: Sizes) -> Outcome:
    """(d) `d_sockets` idle sockets (users in rooms of 5); RSS after minus before, per socket.

    "Before" is measured after 20 warm-up sockets, so what the first socket
    loads once (modules, Redis pools) does not count against every socket.
    """
    outcome = Outcome("d")
    warm = users.rooms_of_users(tag="dwarm", rooms=4, size=5)
    rooms = users.rooms_of_users(tag="d", rooms=sizes.d_sockets // 5, size=5)
    for kind in target.kinds:
        with target.server(kind) as server:

            async def run(server=server, kind=kind):
                async def warmed(warm_load: Load, _seconds: float):
                    before = server.meter.rss_kib()

                    async def idle(load: Load, seconds: float):
                        await asyncio.sleep(2)
                        after = server.meter.rss_kib()
                        figures = _connect_figures(load, seconds)
                        figures.update(rss_before_kib=before, rss_after_kib=after)
                        if before is not None and load.open_count:
                            figures["kib_per_socket"] = (after - before) / load.open_count
                        figures["peak_rss_kib"] = server.meter.peak_rss_kib()
                        return figures

                    return await _with_load(server, rooms, idle, connect_limit=sizes.connect_limit)

                return await _with_load(server, warm, warmed)

            outcome.figures[kind] = asyncio.run(run())
    return outcome


def rest_reads(target: Target, sizes: Sizes) -> Outcome:
    """(e) history pages of 50 at several depths of one big room, and GET /api/rooms/ with 50 rooms.

    Sequential requests on an idle server over one keep-alive connection.
    Server time comes from a `Server-Timing` header when the server sends
    one; else it is the client's time per request (request sent to response
    read), and the table says which.
    """
    outcome = Outcome("e")
    big = users.rooms_of_users(tag="e", rooms=1, size=2)[0]
    reader, author = big.members
    started = time.monotonic()
    users.messages_insert(room_id=big.id, author_id=author.id, count=sizes.e_messages)
    insert_s = time.monotonic() - started
    lister = users.users_create(tag="elist", count=2)
    listed = users.rooms_create(tag="elist", members=[list(lister)] * 50)
    for room in listed:
        users.messages_insert(room_id=room.id, author_id=lister[1].id, count=20)
    users.analyze()
    outcome.notes.append(
        f"{sizes.e_messages:,} messages inserted in {insert_s:.1f} s (one INSERT ... SELECT)"
    )
    n = sizes.e_messages
    depths = sorted({0, 1_000, n // 10, n // 2, n - 50} & set(range(0, n - 49)))
    with target.server("ours") as server:
        rows = []
        with _Http(server.url, reader.token) as client:
            for depth in depths:
                query = "limit=50" if depth == 0 else f"limit=50&before={n + 1 - depth}"
                rows.append(client.measure(f"/api/rooms/{big.id}/messages/?{query}", sizes.e_requests, depth))
        with _Http(server.url, lister[0].token) as client:
            rows.append(client.measure("/api/rooms/", sizes.e_requests, None))
        outcome.figures["ours"] = {"rows": rows}
    return outcome


class _Http:
    """One keep-alive HTTP/1.1 connection with a user's token, for sequential timed GETs."""

    def __init__(self, url: str, token: str):
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.headers = {"Authorization": f"Token {token}"}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.conn.close()

    def get(self, path: str) -> tuple[float, float | None, bytes]:
        """(client seconds, Server-Timing total in seconds or None, body); RuntimeError unless 200."""
        started = time.perf_counter()
        self.conn.request("GET", path, headers=self.headers)
        response = self.conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {body[:200]!r}")
        return elapsed, _server_timing(response.getheader("Server-Timing")), body

    def measure(self, path: str, count: int, depth: int | None) -> dict:
        for _ in range(5):
            self.get(path)
        client, server = [], []
        for _ in range(count):
            elapsed, timing, body = self.get(path)
            client.append(elapsed)
            if timing is not None:
                server.append(timing)
        measured = server if len(server) == count else client
        return {
            "path": path,
            "depth": depth,
            "bytes": len(body),
            "count": count,
            "summary": stats.summarize(measured),
            "source": "Server-Timing" if measured is server else "client",
        }


def _server_timing(header: str | None) -> float | None:
    """Server time in seconds from a Server-Timing header (W3C Server Timing; `dur` in ms).

    The metric named `total` when there is one, else the largest `dur`
    (metrics may nest, so they are not summed); None without any `dur`.
    """
    if not header:
        return None
    durations: dict[str, float] = {}
    for metric in header.split(","):
        name, *params = (part.strip() for part in metric.split(";"))
        for param in params:
            key, _, value = param.partition("=")
            if key == "dur":
                try:
                    durations[name] = float(value.strip('"'))
                except ValueError:
                    pass
    if not durations:
        return None
    return durations.get("total", max(durations.values())) / 1000


def feature_mix(target: Target, sizes: Sizes) -> Outcome:
    """(f) scenario (a) on our server alone, each rate twice: plain sends, then with one send in
    ten a reply or followed by a reaction (issue 11: within 10 % of the plain figures).

    Plain and mixed steps alternate on the same server and sockets, so both
    see the same machine load; `outcome.steps` has "plain" and "mixed".
    """
    outcome = Outcome("f", rooms=sizes.a_rooms)
    rooms = users.rooms_of_users(tag="f", rooms=sizes.a_rooms, size=20)
    with target.server("ours") as server:

        async def body(load: Load, seconds: float):
            outcome.figures["ours"] = _connect_figures(load, seconds)
            senders = [(load.by_room[r.id][i], r.id) for r in rooms for i in range(2)]
            plain: list[StepResult] = []
            mixed: list[StepResult] = []
            for deliveries in sizes.a_rates:
                for mix, results in ((False, plain), (True, mixed)):
                    load.mix = mix
                    results.append(
                        await load.run_step(
                            label=f"{deliveries}{' mix' if mix else ''}", senders=senders,
                            rate=deliveries / 20, duration=sizes.a_duration, drain=sizes.drain,
                        )
                    )  # fmt: skip
            return plain, mixed

        plain, mixed = asyncio.run(_with_load(server, rooms, body, connect_limit=sizes.connect_limit))
    outcome.steps = {"plain": plain, "mixed": mixed}
    return outcome


SCENARIOS = {
    "a": fanout,
    "b": ingest,
    "c": big_room,
    "d": idle_sockets,
    "e": rest_reads,
    "f": feature_mix,
}
