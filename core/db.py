"""Running ORM work from async code on the threads of the database connection pool.

Channels' `database_sync_to_async` runs on Django's one thread-sensitive
thread by default, so every socket's ORM call waited behind every other's.
`in_pool` runs them on an executor with a thread per pooled connection.
"""

from concurrent.futures import ThreadPoolExecutor

from channels.db import database_sync_to_async
from django.conf import settings

_executor: ThreadPoolExecutor | None = None


def database_executor() -> ThreadPoolExecutor:
    """The threads `in_pool` runs ORM work on: as many as the connection pool can serve.

    asyncio's default executor has min(32, CPUs + 4) threads, 6 on two cores:
    with each thread waiting on PostgreSQL round trips most of a call, six
    threads capped the whole process's writes. One thread per pooled
    connection, less one for the thread-sensitive thread (Django's sync
    views and admin) and one spare, lets the pool's connections work at once.
    """
    global _executor
    if _executor is None:
        pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool") or {}
        size = pool.get("max_size", 8) if isinstance(pool, dict) else 8
        _executor = ThreadPoolExecutor(max_workers=max(4, size - 2), thread_name_prefix="chat-db")
    return _executor


def in_pool(func):
    """`func` as a coroutine function that runs on the thread pool, so on PostgreSQL's
    connection pool: ORM work of different sockets runs at once, not one call after
    another on the one thread-sensitive thread. SQLite has one writer and, in tests,
    a shared-cache memory database that refuses concurrent access: it keeps that thread.
    """
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        return database_sync_to_async(func)
    return database_sync_to_async(func, thread_sensitive=False, executor=database_executor())
