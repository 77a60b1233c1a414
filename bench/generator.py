"""The open-loop load: real WebSockets, one per user, and what each one receives.

Send times are fixed before a step starts (`stats.schedule`); a sender that
falls behind sends at once but its latency still counts from the scheduled
time, so a stalled server pays for the stall. Every `message.send` carries
a unique `client_id`; every receiving socket looks it up and records
`now - scheduled` for that delivery, plus duplicates and seq order. After
the last send the step drains (waits up to `drain` s for what is still on
its way), then counts what is missing on the sockets that stayed open.

Everything runs in one asyncio process. Receivers parse each frame once
(json.loads) and touch only `type`, `room`, `seq` and `client_id`.
"""

import asyncio
import json
import os
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from . import stats
from .server import Server
from .users import BenchRoom, BenchUser, TicketClient

BODY_PAD = "x" * 64
MIX_EVERY = 10  # scenario (f): one send in ten is a reply or brings a reaction (issue 11's load criterion)
MIX_EMOJI = "\U0001f44d"


class OurConnector:
    """Sockets of our server: a fresh ticket over REST for each one."""

    def __init__(self, server: Server, tickets: TicketClient):
        self.server, self.tickets = server, tickets

    async def url(self, user: BenchUser, rooms: tuple[int, ...]) -> str:
        return f"{self.server.ws_url}/ws/chat/?ticket={await self.tickets.ticket(user)}"


class BaselineConnector:
    """Sockets of the baseline: user and rooms in the query string (it has no auth)."""

    def __init__(self, server: Server):
        self.server = server

    async def url(self, user: BenchUser, rooms: tuple[int, ...]) -> str:
        return f"{self.server.ws_url}/ws/chat/?user={user.id}&rooms={','.join(map(str, rooms))}"


class Socket:
    """One user's socket: the rooms it follows and the last seq it saw in each."""

    __slots__ = ("index", "user", "rooms", "ws", "is_open", "was_open", "last_seq", "last_id", "reader")

    def __init__(self, index: int, user: BenchUser, rooms: tuple[int, ...]):
        self.index, self.user, self.rooms = index, user, rooms
        self.ws = None
        self.is_open = False
        self.was_open = False
        self.last_seq: dict[int, int] = {}
        self.last_id: dict[int, int] = {}  # room -> id of the newest message.new (scenario f's targets)
        self.reader: asyncio.Task | None = None


class Sent:
    """A message sent in a step: when it was due, where, by whom, and which sockets got it."""

    __slots__ = ("due", "room", "sender", "receivers", "last")

    def __init__(self, due: float, room: int, sender: Socket):
        self.due, self.room, self.sender = due, room, sender
        self.receivers: set[int] = set()
        self.last = 0.0


@dataclass
class Step:
    """What one step of load collects while it runs."""

    label: str
    window_end: float
    sent: dict[str, Sent] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    acks: list[float] = field(default_factory=list)
    expected: int = 0
    delivered: int = 0
    in_window: int = 0
    duplicates: int = 0
    out_of_order: int = 0
    stale: int = 0
    errors: Counter = field(default_factory=Counter)
    closed: Counter = field(default_factory=Counter)
    send_failed: int = 0
    replies: int = 0
    reactions: int = 0


@dataclass
class StepResult:
    """The figures of one step. Latencies in seconds; rates per second; CPU in µs; memory in KiB."""

    label: str
    server: str
    duration: float
    sockets: int
    offered_messages: float
    offered_deliveries: float
    sent: int
    delivered_per_s: float
    latency: stats.Summary
    ack: stats.Summary
    last_recipient: stats.Summary
    missing: int
    expected: int
    duplicates: int
    out_of_order: int
    stale: int
    errors: dict
    closed: dict
    send_failed: int
    server_cpu_us_per_delivery: float | None
    server_cpu_us_per_message: float | None
    server_cpu_share: float | None
    generator_cpu_share: float
    server_peak_rss_kib: int | None
    persisted_per_s: float | None = None
    stored: int | None = None
    replies: int = 0  # scenario (f): sends that replied, and reactions added beside sends
    reactions: int = 0

    @property
    def missing_share(self) -> float:
        return self.missing / self.expected if self.expected else 0.0

    def sweep_point(self, *, use_ack: bool = False) -> stats.SweepPoint:
        return stats.SweepPoint(
            offered=self.offered_deliveries if not use_ack else self.offered_messages,
            p99=(self.ack if use_ack else self.latency).p99,
            missing=self.missing,
            closed=sum(self.closed.values()),
            errors=sum(self.errors.values()) + self.send_failed,
        )


class Load:
    """The sockets of one scenario on one server, and the steps of load run over them."""

    def __init__(self, server: Server, connector, rooms: list[BenchRoom]):
        self.server, self.connector = server, connector
        self.sockets: list[Socket] = []
        self.by_room: dict[int, list[Socket]] = {room.id: [] for room in rooms}
        rooms_of: dict[int, list[int]] = {}
        users: dict[int, BenchUser] = {}
        for room in rooms:
            for user in room.members:
                rooms_of.setdefault(user.id, []).append(room.id)
                users[user.id] = user
        for user_id, room_ids in rooms_of.items():
            sock = Socket(len(self.sockets), users[user_id], tuple(room_ids))
            self.sockets.append(sock)
            for room_id in room_ids:
                self.by_room[room_id].append(sock)
        self.step: Step | None = None
        self.last_frame = time.monotonic()
        self.closing = False
        self.connect_failures: Counter = Counter()
        self.closed_outside_steps: Counter = Counter()
        self.idle_cpu_share: float | None = None
        # Scenario (f): every MIX_EVERY-th send of a step is a reply to, or comes with a
        # reaction to, the newest message its socket has; off (plain sends) when False.
        self.mix = False

    # --- sockets ---------------------------------------------------------

    async def _open(self, sock: Socket) -> None:
        try:
            url = await self.connector.url(sock.user, sock.rooms)
            sock.ws = await connect(
                url, compression=None, ping_interval=None, open_timeout=120, close_timeout=5, max_size=2**20
            )
            hello = json.loads(await asyncio.wait_for(sock.ws.recv(), 120))
        except InvalidStatus as exc:
            self.connect_failures[f"HTTP {exc.response.status_code}"] += 1
            return
        except (OSError, TimeoutError, ConnectionClosed, Exception) as exc:  # noqa: B014 - counted, not raised
            self.connect_failures[type(exc).__name__] += 1
            return
        if hello.get("type") != "hello":
            self.connect_failures["no hello"] += 1
            await sock.ws.close()
            return
        sock.is_open = sock.was_open = True
        sock.reader = asyncio.create_task(self._read(sock))

    async def open_all(
        self, *, concurrency: int = 20, limit: float | None = None, only: list[Socket] | None = None
    ) -> float:
        """Open every closed socket (or those of `only`), `concurrency` at a time; the seconds it took.

        With `limit` (seconds), sockets not yet started by then are left
        closed and counted in `connect_failures` as "connect time limit",
        so a server that connects slowly still gives a bounded run.
        """
        gate = asyncio.Semaphore(concurrency)
        deadline = None if limit is None else time.monotonic() + limit

        async def one(sock: Socket) -> None:
            async with gate:
                if deadline is not None and time.monotonic() > deadline:
                    self.connect_failures["connect time limit"] += 1
                    return
                await self._open(sock)

        started = time.monotonic()
        await asyncio.gather(*(one(s) for s in (self.sockets if only is None else only) if not s.is_open))
        return time.monotonic() - started

    @property
    def open_count(self) -> int:
        return sum(1 for s in self.sockets if s.is_open)

    async def close_all(self) -> None:
        self.closing = True
        open_ = [s for s in self.sockets if s.is_open]
        for i in range(0, len(open_), 500):
            await asyncio.gather(*(s.ws.close() for s in open_[i : i + 500]), return_exceptions=True)
        await asyncio.gather(*(s.reader for s in self.sockets if s.reader), return_exceptions=True)

    async def _read(self, sock: Socket) -> None:
        ws = sock.ws
        try:
            async for text in ws:
                self._frame(sock, text)
        except ConnectionClosed:
            pass
        finally:
            sock.is_open = False
            if not self.closing:
                code = ws.close_code
                (self.step.closed if self.step else self.closed_outside_steps)[code] += 1

    def _frame(self, sock: Socket, text: str) -> None:
        now = time.monotonic()
        self.last_frame = now
        step = self.step
        if step is None:
            return
        frame = json.loads(text)
        kind = frame.get("type")
        if kind == "message.new":
            message = frame["message"]
            sent = step.sent.get(message.get("client_id"))
            if sent is None:
                step.stale += 1
                return
            if sock.index in sent.receivers:
                step.duplicates += 1
                return
            sent.receivers.add(sock.index)
            latency = now - sent.due
            step.latencies.append(latency)
            if latency > sent.last:
                sent.last = latency
            if sock is sent.sender:
                step.acks.append(latency)
            step.delivered += 1
            if now <= step.window_end:
                step.in_window += 1
            room, seq = message["room"], message["seq"]
            if seq <= sock.last_seq.get(room, 0):
                step.out_of_order += 1
            else:
                sock.last_seq[room] = seq
                sock.last_id[room] = message["id"]
        elif kind == "error":
            step.errors[frame.get("code")] += 1

    async def quiet(self, *, idle: float = 1.0, cap: float = 15.0) -> None:
        """Wait until no frame arrived for `idle` s (the previous step's tail), at most `cap` s."""
        deadline = time.monotonic() + cap
        while time.monotonic() < deadline and time.monotonic() - self.last_frame < idle:
            await asyncio.sleep(0.1)

    # --- a step of load --------------------------------------------------

    async def _send(self, step: Step, sock: Socket, room: int, times: list[float], tag: str) -> None:
        peers = self.by_room[room]
        for k, due in enumerate(times):
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if not sock.is_open:
                step.send_failed += len(times) - k
                return
            cid = f"{tag}.{sock.index}.{k}"
            step.sent[cid] = Sent(due, room, sock)
            step.expected += sum(1 for p in peers if p.is_open)
            # Offset by the socket, so one send in MIX_EVERY is mixed even when each sends few.
            turn = sock.index + k
            target = sock.last_id.get(room) if self.mix and turn % MIX_EVERY == 0 else None
            reply = f',"reply_to":{target}' if target is not None and (turn // MIX_EVERY) % 2 == 0 else ""
            try:
                await sock.ws.send(
                    f'{{"type":"message.send","room":{room},"body":"bench {cid} {BODY_PAD}","client_id":"{cid}"{reply}}}'
                )
                if target is not None and not reply:
                    step.reactions += 1
                    await sock.ws.send(f'{{"type":"reaction.add","message":{target},"emoji":"{MIX_EMOJI}"}}')
                elif reply:
                    step.replies += 1
            except ConnectionClosed:
                del step.sent[cid]
                step.send_failed += len(times) - k
                return

    async def run_step(
        self,
        *,
        label: str,
        senders: list[tuple[Socket, int]],
        rate: float,
        duration: float,
        drain: float,
        count_stored: Callable[[], Awaitable[int]] | None = None,
    ) -> StepResult:
        """Send `rate` messages/s in total from `senders` ((socket, room) pairs) for `duration` s.

        Then wait up to `drain` s after the last due time (less when every
        expected delivery arrived) and return the step's figures. Server CPU
        is counted from just before the first send to the end of the drain.
        `count_stored`, if given, counts stored messages (ingest): at the
        start, at the end of the send window and after the drain.
        """
        await self.reconnect()
        await self.quiet()
        sockets = self.open_count
        # Offered deliveries: each message to the sockets of its room open at the start.
        fanout = sum(sum(1 for p in self.by_room[room] if p.is_open) for _, room in senders) / len(senders)
        tag = f"s{label}".replace(" ", "").replace(".", "_")
        start = time.monotonic() + 0.3
        plan = stats.schedule(senders=len(senders), rate=rate, duration=duration, start=start)
        step = Step(label=label, window_end=start + duration)
        stored_before = await count_stored() if count_stored else None
        stored_window: list[int] = []

        async def at_window_end() -> None:
            await asyncio.sleep(max(0.0, step.window_end - time.monotonic()))
            stored_window.append(await count_stored())

        meter = self.server.meter
        cpu0, gen0, wall0 = meter.cpu_seconds(), _own_cpu(), time.monotonic()
        self.step = step
        counter = asyncio.create_task(at_window_end()) if count_stored else None
        await asyncio.gather(
            *(
                self._send(step, sock, room, times, tag)
                for (sock, room), times in zip(senders, plan, strict=True)
            )
        )
        last_due = max((t[-1] for t in plan if t), default=start)
        while time.monotonic() < last_due + drain and step.delivered < step.expected:
            await asyncio.sleep(0.05)
        cpu1, gen1, wall1 = meter.cpu_seconds(), _own_cpu(), time.monotonic()
        self.step = None
        if counter:
            await counter
        stored_after = await count_stored() if count_stored else None
        return self._result(
            step, rate, duration, cpu0, cpu1, gen1 - gen0, wall1 - wall0,
            stored_before, stored_window, stored_after, sockets, fanout,
        )  # fmt: skip

    async def reconnect(self) -> None:
        """Reopen the sockets the server closed (as a client would), before a step starts."""
        closed = [s for s in self.sockets if s.was_open and not s.is_open]
        if closed:
            await self.open_all(only=closed, limit=60)

    def _result(
        self, step, rate, duration, cpu0, cpu1, gen_cpu, wall, before, window, after, sockets, fanout
    ):
        open_by_room = {r: [s.index for s in socks if s.is_open] for r, socks in self.by_room.items()}
        missing, last = 0, []
        for sent in step.sent.values():
            absent = sum(1 for i in open_by_room[sent.room] if i not in sent.receivers)
            missing += absent
            if not absent:
                last.append(sent.last)
        server_cpu = None if cpu0 is None else cpu1 - cpu0
        return StepResult(
            label=step.label,
            server=self.server.kind,
            duration=duration,
            sockets=sockets,
            offered_messages=rate,
            offered_deliveries=rate * fanout,
            sent=len(step.sent),
            delivered_per_s=step.in_window / duration,
            latency=stats.summarize(step.latencies),
            ack=stats.summarize(step.acks),
            last_recipient=stats.summarize(last),
            missing=missing,
            expected=step.expected,
            duplicates=step.duplicates,
            out_of_order=step.out_of_order,
            stale=step.stale,
            errors=dict(step.errors),
            closed=dict(step.closed),
            send_failed=step.send_failed,
            server_cpu_us_per_delivery=server_cpu * 1e6 / step.delivered
            if server_cpu and step.delivered
            else None,
            server_cpu_us_per_message=server_cpu * 1e6 / len(step.sent) if server_cpu and step.sent else None,
            server_cpu_share=None if server_cpu is None else server_cpu / wall,
            generator_cpu_share=gen_cpu / wall,
            server_peak_rss_kib=self.server.meter.peak_rss_kib(),
            persisted_per_s=(window[0] - before) / duration if window else None,
            stored=(after - before) if after is not None else None,
            replies=step.replies,
            reactions=step.reactions,
        )


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system
