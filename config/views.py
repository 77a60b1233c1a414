"""Health check and the single-page app's shell."""

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.http import FileResponse, JsonResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)


def _database_answers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _channel_layer_answers() -> None:
    # A PING on the layer's own connection: it takes no lock the sockets hold.
    await asyncio.wait_for(get_channel_layer().ping(), timeout=2)


async def healthz(request):
    """200 `{"status": "ok", "database": "ok", "channel_layer": "ok"}`, else 503 with "error" where it failed."""
    return await _checked(
        "health",
        {"database": database_sync_to_async(_database_answers)(), "channel_layer": _channel_layer_answers()},
    )


async def _checked(kind: str, checks: dict) -> JsonResponse:
    """200 with "ok" for each awaited check that passed, else 503 with "error" where one raised (logged)."""
    body = {"status": "ok"}
    for name, check in checks.items():
        try:
            await check
            body[name] = "ok"
        except Exception:
            logger.exception("%s check of %s failed", kind, name)
            body[name] = "error"
            body["status"] = "error"
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)


def spa(request, **route):
    """The React app's index.html for any non-API path; a plain page if it is not built."""
    index = settings.FRONTEND_DIST / "index.html"
    if index.is_file():
        response = FileResponse(index.open("rb"), content_type="text/html; charset=utf-8")
        response["Cache-Control"] = "no-cache"
        return response
    return render(request, "placeholder.html")


def _cache_answers() -> None:
    from django.core.cache import cache

    key = "readyz"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not keep a value")


async def readyz(request):
    """Readiness: 200 `{"status": "ok", "database": "ok", "cache": "ok", "channel_layer": "ok"}`.

    503 with "error" where a check failed, or `{"status": "draining"}` once the
    process is shutting down (config.lifecycle), so a balancer drains it. The
    cache is Redis when REDIS_URL is set (tickets, rate limits, presence).
    """
    from .lifecycle import draining

    if draining():
        return JsonResponse({"status": "draining"}, status=503)
    checks = {
        "database": database_sync_to_async(_database_answers)(),
        "cache": asyncio.wait_for(asyncio.to_thread(_cache_answers), timeout=2),
        "channel_layer": _channel_layer_answers(),
    }
    return await _checked("readiness", checks)
