"""Markdown tables of a run: one per scenario, ours beside the baseline with their ratio."""

from .generator import StepResult
from .scenarios import Outcome
from .stats import knee, ratio


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds >= 1:
        return f"{seconds:.1f} s"
    return f"{seconds * 1000:.1f} ms" if seconds < 0.01 else f"{seconds * 1000:.0f} ms"


def num(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def times(value: float | None) -> str:
    return "—" if value is None else f"×{value:.2f}"


def mib(kib: int | None) -> str:
    return "—" if kib is None else f"{kib / 1024:.0f} MiB"


def share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


def missing(r: StepResult) -> str:
    return "0" if not r.missing else f"{r.missing:,} ({r.missing_share * 100:.1f} %)"


def closed(r: StepResult) -> str:
    lost = r.send_failed
    text = ", ".join(f"{n}×{code}" for code, n in sorted(r.closed.items(), key=str)) or "0"
    return text + (f" ({lost} unsent)" if lost else "")


def _errors(r: StepResult) -> str:
    return ", ".join(f"{n}×{code}" for code, n in r.errors.items()) or "0"


def _connects(outcome: Outcome) -> str:
    parts = []
    for kind, f in outcome.figures.items():
        if "connect_s" not in f:
            continue
        each = f["connect_s"] / f["sockets"] * 1000 if f["sockets"] else 0
        fail = f", failed: {f['failures']}" if f["failures"] else ""
        if f.get("idle_cpu_share") is not None:
            fail += f"; idle server CPU then {share(f['idle_cpu_share'])}"
        parts.append(
            f"{kind} opened {f['open']:,} of {f['sockets']:,} sockets in {f['connect_s']:.1f} s ({each:.1f} ms each{fail})"
        )
    return "Connect: " + "; ".join(parts) + "." if parts else ""


def _by_load(outcome: Outcome, key) -> list[tuple[float, dict[str, StepResult]]]:
    loads: dict[float, dict[str, StepResult]] = {}
    for kind, results in outcome.steps.items():
        for r in results:
            loads.setdefault(key(r), {})[kind] = r
    return sorted(loads.items())


def fanout(outcome: Outcome) -> str:
    headers = ["offered deliveries/s", "server", "delivered/s", "p50", "p95", "p99", "max", "missing after drain",
               "dup", "out of order", "closed by server", "errors", "server CPU µs/delivery", "server CPU",
               "generator CPU", "server peak RSS"]  # fmt: skip
    rows = []
    for load, by_kind in _by_load(outcome, lambda r: r.offered_deliveries):
        for kind in ("ours", "baseline"):
            r = by_kind.get(kind)
            if r:
                rows.append([num(load), kind, num(r.delivered_per_s), ms(r.latency.p50), ms(r.latency.p95),
                             ms(r.latency.p99), ms(r.latency.max), missing(r), str(r.duplicates), str(r.out_of_order),
                             closed(r), _errors(r), num(r.server_cpu_us_per_delivery), share(r.server_cpu_share),
                             share(r.generator_cpu_share), mib(r.server_peak_rss_kib)])  # fmt: skip
        if len(by_kind) == 2:
            o, b = by_kind["ours"], by_kind["baseline"]
            rows.append([num(load), "**ours ÷ baseline**", times(ratio(o.delivered_per_s, b.delivered_per_s)),
                         times(ratio(o.latency.p50, b.latency.p50)), times(ratio(o.latency.p95, b.latency.p95)),
                         times(ratio(o.latency.p99, b.latency.p99)), times(ratio(o.latency.max, b.latency.max)),
                         "", "", "", "", "", times(ratio(o.server_cpu_us_per_delivery, b.server_cpu_us_per_delivery)),
                         "", "", times(ratio(o.server_peak_rss_kib, b.server_peak_rss_kib))])  # fmt: skip
    knees = {k: knee([r.sweep_point() for r in v], p99_limit=0.2) for k, v in outcome.steps.items()}
    return "\n\n".join(
        [
            f"### (a) Fan-out: {outcome.rooms} rooms × 20 sockets, 2 senders per room",
            table(headers, rows),
            _knee_line(knees, "deliveries/s", "p99 < 200 ms, nothing missing, no socket closed, no error"),
            _connects(outcome),
        ]
    )


def _knee_line(knees: dict, unit: str, rule: str) -> str:
    def show(k):
        return "below the lowest step" if k is None else f"{k:,.0f} {unit}"

    text = f"Knee ({rule}): " + "; ".join(f"{kind} {show(k)}" for kind, k in knees.items())
    if len(knees) == 2:
        text += f"; ours ÷ baseline {times(ratio(knees['ours'], knees['baseline']))}"
    return text + "."


def ingest(outcome: Outcome) -> str:
    headers = ["offered messages/s", "server", "persisted/s", "stored / sent", "ack p50", "ack p95", "ack p99",
               "ack max", "delivered/s (all sockets)", "missing after drain", "dup", "out of order",
               "closed by server", "errors", "server CPU µs/message", "server CPU", "generator CPU", "server peak RSS"]  # fmt: skip
    rows = []
    for load, by_kind in _by_load(outcome, lambda r: r.offered_messages):
        for kind in ("ours", "baseline"):
            r = by_kind.get(kind)
            if r:
                stored = "—" if r.stored is None else f"{r.stored:,} / {r.sent:,}"
                rows.append([num(load), kind, num(r.persisted_per_s), stored, ms(r.ack.p50), ms(r.ack.p95),
                             ms(r.ack.p99), ms(r.ack.max), num(r.delivered_per_s), missing(r), str(r.duplicates),
                             str(r.out_of_order), closed(r), _errors(r), num(r.server_cpu_us_per_message),
                             share(r.server_cpu_share), share(r.generator_cpu_share),
                             mib(r.server_peak_rss_kib)])  # fmt: skip
        if len(by_kind) == 2:
            o, b = by_kind["ours"], by_kind["baseline"]
            rows.append([num(load), "**ours ÷ baseline**", "", "", times(ratio(o.ack.p50, b.ack.p50)),
                         times(ratio(o.ack.p95, b.ack.p95)), times(ratio(o.ack.p99, b.ack.p99)),
                         times(ratio(o.ack.max, b.ack.max)), times(ratio(o.delivered_per_s, b.delivered_per_s)),
                         "", "", "", "", "", times(ratio(o.server_cpu_us_per_message, b.server_cpu_us_per_message)),
                         "", "", times(ratio(o.server_peak_rss_kib, b.server_peak_rss_kib))])  # fmt: skip
    knees = {
        k: knee([r.sweep_point(use_ack=True) for r in v], p99_limit=0.1) for k, v in outcome.steps.items()
    }
    return "\n\n".join(
        [
            f"### (b) Ingest: {outcome.rooms} rooms × 2 sockets, one sender per room",
            "Ack: from the scheduled send to the sender's own `message.new`. Persisted/s: rows stored "
            "during the send window (counted in the database); the baseline stores nothing.",
            table(headers, rows),
            _knee_line(knees, "messages/s", "ack p99 < 100 ms, nothing missing, no socket closed, no error"),
            _connects(outcome),
        ]
    )


def big_room(outcome: Outcome) -> str:
    headers = ["server", "sockets", "offered deliveries/s", "delivered/s", "last recipient p50", "p95", "p99",
               "max", "all deliveries p99", "missing after drain", "dup", "out of order", "closed by server",
               "server CPU µs/delivery", "server CPU", "generator CPU", "server peak RSS"]  # fmt: skip
    rows = []
    results = {k: v[0] for k, v in outcome.steps.items() if v}
    for kind, r in results.items():
        rows.append([kind, num(r.sockets), num(r.offered_deliveries), num(r.delivered_per_s), ms(r.last_recipient.p50),
                     ms(r.last_recipient.p95), ms(r.last_recipient.p99), ms(r.last_recipient.max), ms(r.latency.p99),
                     missing(r), str(r.duplicates), str(r.out_of_order), closed(r),
                     num(r.server_cpu_us_per_delivery), share(r.server_cpu_share), share(r.generator_cpu_share),
                     mib(r.server_peak_rss_kib)])  # fmt: skip
    if len(results) == 2:
        o, b = results["ours"], results["baseline"]
        rows.append(["**ours ÷ baseline**", "", "", times(ratio(o.delivered_per_s, b.delivered_per_s)),
                     times(ratio(o.last_recipient.p50, b.last_recipient.p50)),
                     times(ratio(o.last_recipient.p95, b.last_recipient.p95)),
                     times(ratio(o.last_recipient.p99, b.last_recipient.p99)),
                     times(ratio(o.last_recipient.max, b.last_recipient.max)), times(ratio(o.latency.p99, b.latency.p99)),
                     "", "", "", "", times(ratio(o.server_cpu_us_per_delivery, b.server_cpu_us_per_delivery)), "", "",
                     times(ratio(o.server_peak_rss_kib, b.server_peak_rss_kib))])  # fmt: skip
    sockets = next(iter(results.values())).sockets if results else 0
    return "\n\n".join(
        [
            f"### (c) One room of {sockets:,} sockets, 2 messages/s",
            "Last recipient: per message, the latency of the socket that got it last (messages some open "
            "socket never got are counted as missing instead).",
            table(headers, rows),
            _connects(outcome),
        ]
    )


def idle_sockets(outcome: Outcome) -> str:
    headers = ["server", "sockets open", "connect time", "sockets/s", "RSS before", "RSS after", "KiB per socket",
               "peak RSS", "connect failures"]  # fmt: skip
    rows = []
    for kind, f in outcome.figures.items():
        rate = f["open"] / f["connect_s"] if f["connect_s"] else None
        rows.append([kind, num(f["open"]), f"{f['connect_s']:.1f} s", num(rate), mib(f["rss_before_kib"]),
                     mib(f["rss_after_kib"]), num(f.get("kib_per_socket"), 1), mib(f["peak_rss_kib"]),
                     str(f["failures"] or 0)])  # fmt: skip
    if len(outcome.figures) == 2:
        o, b = outcome.figures["ours"], outcome.figures["baseline"]
        rows.append(["**ours ÷ baseline**", "", times(ratio(o["connect_s"], b["connect_s"])), "", "", "",
                     times(ratio(o.get("kib_per_socket"), b.get("kib_per_socket"))), "", ""])  # fmt: skip
    return "\n\n".join(
        [
            "### (d) Idle authenticated sockets (users in rooms of 5)",
            "RSS before: after 20 warm-up sockets; after: 2 s after the last socket opened. "
            "KiB per socket = (after − before) / sockets open.",
            table(headers, rows),
        ]
    )


def rest_reads(outcome: Outcome) -> str:
    headers = ["request", "depth (messages from the newest)", "response bytes", "requests", "p50", "p99", "max",
               "measured by"]  # fmt: skip
    rows = []
    for row in outcome.figures["ours"]["rows"]:
        s = row["summary"]
        rows.append([f"`GET {row['path']}`", "—" if row["depth"] is None else num(row["depth"]), num(row["bytes"]),
                     str(row["count"]), ms(s.p50), ms(s.p99), ms(s.max), row["source"]])  # fmt: skip
    return "\n\n".join(
        [
            "### (e) REST reads, one request at a time on an idle server (ours only: the baseline has no REST)",
            "History pages of 50 in one room; the room list of a user with 50 rooms (20 messages each). "
            + _timing_source(outcome.figures["ours"]["rows"]),
            table(headers, rows),
            *outcome.notes,
        ]
    )


def _timing_source(rows: list[dict]) -> str:
    if all(row["source"] == "Server-Timing" for row in rows):
        return "Server time from the server's `Server-Timing` header."
    return (
        '"client" = time from sending the request to reading the whole response, over one keep-alive '
        "loopback connection (the server sent no `Server-Timing` header), so it includes daphne and HTTP."
    )


MIX_TOLERANCE = 1.10  # issue 11: the mixed figures within 10 % of the plain ones


def feature_mix(outcome: Outcome) -> str:
    """(f): plain and mixed steps per offered load, their ratio, and the verdict of issue 11's rule.

    The rule is judged at the loads the plain steps kept up with (nothing
    missing, no socket closed, no error, p99 under 200 ms): there, mixed
    CPU per delivery and p99 may be at most 10 % above plain, and mixed must
    deliver everything too. Past the plain knee both are overloaded and the
    ratio says little.
    """
    headers = ["offered deliveries/s", "sends", "replies", "reactions", "delivered/s", "p50", "p99",
               "missing after drain", "closed by server", "errors", "server CPU µs/delivery"]  # fmt: skip
    rows, verdicts = [], []
    for plain, mixed in zip(outcome.steps.get("plain", []), outcome.steps.get("mixed", []), strict=True):
        for name, r in (("plain", plain), ("mixed", mixed)):
            rows.append([num(plain.offered_deliveries), name, str(r.replies), str(r.reactions),
                         num(r.delivered_per_s), ms(r.latency.p50), ms(r.latency.p99), missing(r), closed(r),
                         _errors(r), num(r.server_cpu_us_per_delivery)])  # fmt: skip
        cpu = ratio(mixed.server_cpu_us_per_delivery, plain.server_cpu_us_per_delivery)
        p99 = ratio(mixed.latency.p99, plain.latency.p99)
        rows.append([num(plain.offered_deliveries), "**mixed ÷ plain**", "", "", "", times(ratio(mixed.latency.p50, plain.latency.p50)),
                     times(p99), "", "", "", times(cpu)])  # fmt: skip
        point = plain.sweep_point()
        if point.missing or point.closed or point.errors or point.p99 is None or point.p99 >= 0.2:
            continue
        ok = (
            cpu is not None and cpu <= MIX_TOLERANCE and p99 is not None
            and (p99 <= MIX_TOLERANCE or (mixed.latency.p99 or 0) < 0.2)
            and not mixed.missing and not mixed.errors and not mixed.closed
        )  # fmt: skip
        verdicts.append(f"{num(plain.offered_deliveries)}/s {'PASS' if ok else 'FAIL'}")
    rule = (
        "Verdict (mixed CPU per delivery at most ×1.10 of plain, p99 at most ×1.10 or under 200 ms, nothing "
        "missing, at the loads plain kept up with): "
        + ("; ".join(verdicts) or "no load where plain kept up")
        + "."
    )
    return "\n\n".join(
        [
            f"### (f) Feature mix: {outcome.rooms} rooms × 20 sockets, one send in ten a reply or with a reaction",
            table(headers, rows),
            rule,
            _connects(outcome),
        ]
    )


SECTIONS = {
    "a": fanout,
    "b": ingest,
    "c": big_room,
    "d": idle_sockets,
    "e": rest_reads,
    "f": feature_mix,
}
