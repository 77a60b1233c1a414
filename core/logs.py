"""Log records with the id of the request or socket they belong to, as text or JSON lines.

`LOG_FORMAT=json` writes one JSON object per line (python-json-logger) with
`time`, `level`, `logger`, `message` and `request_id`; `text` (the default)
writes the message alone, as before. `request_id` is the HTTP request's
(`X-Request-ID` from the proxy when it is a plain token, else a new one,
echoed in the response) or the socket's (`ws-...`, one per WebSocket, for
every line its consumer and the services it calls write); "-" outside both.

What is never logged: tokens, tickets and message bodies. The access log
leaves out query strings (config/serve.py); nothing here logs headers or bodies.
"""

import contextvars
import logging
import re
import uuid

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdFilter(logging.Filter):
    """Puts the current request or socket id on every record as `request_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def new_socket_id() -> str:
    """Bind a fresh `ws-...` id to the running task's context (one WebSocket's consumer) and return it."""
    value = f"ws-{uuid.uuid4().hex[:16]}"
    request_id.set(value)
    return value


class RequestIdMiddleware:
    """Binds the request's id for its log lines and answers it in `X-Request-ID`."""

    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        value = given if _ACCEPTED_ID.match(given) else uuid.uuid4().hex
        # Not reset on the way out: Django logs a failed response's line after the
        # middleware returns; each ASGI request runs in a context of its own.
        request_id.set(value)
        response = self.get_response(request)
        response["X-Request-ID"] = value
        return response


def logging_config(*, level: str, fmt: str) -> dict:
    """Django's LOGGING for `fmt` "text" or "json" (anything else: ValueError).

    With "json", Python's warnings go through logging too (`py.warnings`), so
    that every line is a JSON object.
    """
    if fmt not in ("text", "json"):
        raise ValueError(f"LOG_FORMAT must be text or json, not {fmt!r}")
    logging.captureWarnings(fmt == "json")
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
        if fmt == "json"
        else {"format": "%(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "core.logs.RequestIdFilter"}},
        "formatters": {"chat": formatter},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "chat", "filters": ["request_id"]}
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.channels.server": {"level": "WARNING"}},
    }
