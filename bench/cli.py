"""`python -m bench`: run the scenarios, print markdown tables, optionally write them to a file."""

import argparse
import os
import platform
import shlex
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from . import report, scenarios, server, users


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Load benchmark of the chat server against a minimal Channels baseline (issue 8). "
        "Needs DATABASE_URL (PostgreSQL) and REDIS_URL.",
    )
    parser.add_argument(
        "scenarios", nargs="*", metavar="SCENARIO",
        help="a: fan-out sweep, b: ingest sweep, c: one room of 1,000 sockets, d: 5,000 idle sockets, "
        "e: REST reads, f: (a) plain against replies and reactions mixed in (default: all)",
    )  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="every scenario small (under ~2 minutes in all)")
    parser.add_argument("--output", type=Path, help="also write the report (markdown) to this file")
    parser.add_argument("--url", help="our server's http://HOST:PORT instead of starting one; DATABASE_URL "
                        "must then be its database (users are written there)")  # fmt: skip
    parser.add_argument("--server-pid", type=int, help="with --url: its pid, for CPU and RSS figures")
    parser.add_argument("--no-baseline", action="store_true", help="run our server only")
    parser.add_argument("--db-name", default=os.environ.get("BENCH_DB_NAME", "chat_bench_run"),
                        help="the database the bench creates (dropped first!) next to DATABASE_URL's "
                        "(default: $BENCH_DB_NAME or chat_bench_run)")  # fmt: skip
    parser.add_argument("--redis-db", type=int, default=_int_env("BENCH_REDIS_DB"),
                        help="Redis database number to use instead of REDIS_URL's ($BENCH_REDIS_DB)")  # fmt: skip
    parser.add_argument("--prefix", default=os.environ.get("BENCH_PREFIX", "bench"),
                        help="channel-layer and cache key prefix (default: $BENCH_PREFIX or bench)")  # fmt: skip
    return parser


def _int_env(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else None


def machine(database: str, redis_url: str) -> str:
    """The machine and versions a run is on, as markdown lines."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor() or "unknown",
    )  # fmt: skip
    mem = next(line.split(":", 1)[1].strip() for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))  # fmt: skip
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=server.ROOT).stdout.strip()  # fmt: skip
    import psycopg

    with psycopg.connect(database) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    return "\n".join(
        [
            f"- nproc: {os.cpu_count()}; CPU: {cpu}; memory: {mem}",
            f"- Python {platform.python_version()}, PostgreSQL {pg}, Redis {server.redis_version(redis_url)}",
            f"- commit {commit}",
        ]
    )


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the servers this run started are stopped too.
    signal.signal(signal.SIGTERM, _interrupt)
    wanted = args.scenarios or ["all"]
    unknown = set(wanted) - {"all", *scenarios.SCENARIOS}
    if unknown:
        print(
            f"unknown scenario(s): {', '.join(sorted(unknown))} (choose from all, a, b, c, d, e, f)",
            file=sys.stderr,
        )
        return 2
    chosen = list(scenarios.SCENARIOS) if "all" in wanted else list(dict.fromkeys(wanted))
    base_db, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if not base_db or not redis_url:
        print("DATABASE_URL (PostgreSQL) and REDIS_URL must be set.", file=sys.stderr)
        return 2
    redis_url = server.with_redis_db(redis_url, args.redis_db)
    nofile = server.raise_nofile_limit()
    if "d" in chosen and nofile < 2 * scenarios.FULL.d_sockets + 1000 and not args.quick:
        print(
            f"!!! RLIMIT_NOFILE is {nofile}: scenario (d) may run out of file descriptors.", file=sys.stderr
        )
    if args.url:
        database_url = base_db
    else:
        db = server.BenchDatabase(base_db, args.db_name)
        print(f"==> Creating and migrating database {args.db_name}", file=sys.stderr)
        db.recreate()
        database_url = db.url
    users.setup_django(database_url)
    target = scenarios.Target(
        database_url=database_url, redis_url=redis_url, prefix=args.prefix, url=args.url,
        server_pid=args.server_pid, baseline=not args.no_baseline,
    )  # fmt: skip
    sizes = scenarios.QUICK if args.quick else scenarios.FULL
    started = datetime.now(UTC)
    head = [
        f"Run {started:%Y-%m-%d %H:%M} UTC{' (--quick)' if args.quick else ''}.",
        machine(database_url, redis_url),
        f"- load average at the start: {loadavg()}",
        f"- command: `{shlex.join(['python', '-m', 'bench', *(argv if argv is not None else sys.argv[1:])])}`",
    ]
    sections, timings = [], []
    for name in chosen:
        print(f"==> Scenario ({name})", file=sys.stderr)
        t0 = time.monotonic()
        outcome = scenarios.SCENARIOS[name](target, sizes)
        section = report.SECTIONS[name](outcome)
        timings.append(f"({name}) {time.monotonic() - t0:.0f} s")
        print(section + "\n", flush=True)
        sections.append(section)
    tail = f"Load average at the end: {loadavg()}. Time per scenario: {', '.join(timings)}."
    print(tail)
    if args.output:
        args.output.write_text("\n".join(head) + "\n\n" + "\n\n".join(sections) + "\n\n" + tail + "\n")
    else:
        print("\n".join(head), file=sys.stderr)
    return 0
