"""Errors the services raise, and how REST shows them.

Each carries the contract's error code ("Error codes" in the WebSocket
section), so the consumer turns it into an error frame and the REST API into
the matching status: invalid 400, forbidden 403, not_found 404,
rate_limited 429 with Retry-After, too_large 413 (uploads). A dependency that is down (PostgreSQL or
Redis unreachable) answers 503 `unavailable` with Retry-After, never 500.
"""

import logging
import math

import redis
from django.db import InterfaceError, OperationalError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)

UNAVAILABLE_RETRY_AFTER_SECONDS = 1


class ChatError(Exception):
    """Base of the refusals a service can raise; `code` is the contract's error code."""

    code: str = "bad_request"
    status_code: int = status.HTTP_400_BAD_REQUEST

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class Invalid(ChatError):
    """Input that breaks a rule, e.g. an empty or over-long body (400 / `invalid`)."""

    code = "invalid"


class Forbidden(ChatError):
    """The user may not do this: not a member, banned, muted, room locked (403)."""

    code = "forbidden"
    status_code = status.HTTP_403_FORBIDDEN


class NotFound(ChatError):
    """No such object, or one the user may not know of (404)."""

    code = "not_found"
    status_code = status.HTTP_404_NOT_FOUND


class RateLimited(ChatError):
    """Too many messages in the window; `retry_after_ms` says when to try again (429)."""

    code = "rate_limited"
    status_code = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, detail: str, *, retry_after_ms: int):
        super().__init__(detail)
        self.retry_after_ms = retry_after_ms


class TooLarge(ChatError):
    """An upload over a size limit (413 / `too_large`); `limit` is that limit in bytes."""

    code = "too_large"
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE

    def __init__(self, detail: str, *, limit: int):
        super().__init__(detail)
        self.limit = limit


def api_exception_handler(exc, context):
    """DRF's handler, plus ChatError as `{"detail", "code"}` with its status, and 503 for a
    dependency that is down (`{"detail", "code": "unavailable", "retry_after_ms"}`, Retry-After)."""
    if isinstance(exc, ChatError):
        body: dict[str, object] = {"detail": exc.detail, "code": exc.code}
        headers = {}
        if isinstance(exc, RateLimited):
            body["retry_after_ms"] = exc.retry_after_ms
            headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after_ms / 1000)))
        if isinstance(exc, TooLarge):
            body["limit"] = exc.limit
        return Response(body, status=exc.status_code, headers=headers)
    if isinstance(exc, OperationalError | InterfaceError | redis.ConnectionError | redis.TimeoutError):
        logger.warning("answering 503: a dependency is down", exc_info=exc)
        return Response(
            {
                "detail": "The service is briefly unavailable; try again.",
                "code": "unavailable",
                "retry_after_ms": UNAVAILABLE_RETRY_AFTER_SECONDS * 1000,
            },
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER_SECONDS)},
        )
    return exception_handler(exc, context)
