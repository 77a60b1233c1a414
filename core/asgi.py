"""ASGI middleware of the HTTP side: a cap on request bodies before Django reads them.

Django's ASGI handler reads a whole body (to a temporary file past
FILE_UPLOAD_MAX_MEMORY_SIZE) before any view runs, so a view's own check
comes after the disk has been filled. Daphne sets no limit of its own.
"""

import json

from django.conf import settings


class BodyLimit:
    """Answer 413 `too_large` to a request whose body is over CHAT_UPLOAD_MAX_REQUEST_BYTES.

    A declared Content-Length over the limit is refused before a byte of the
    body is read (the error shape of core.errors: `{"detail", "code",
    "limit"}`). A body without a length (chunked) is counted as it arrives,
    and once past the limit the application is told the client went away
    (`http.disconnect`): Django then stops reading and answers nothing.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = settings.CHAT_UPLOAD_MAX_REQUEST_BYTES
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            return await _too_large(send, limit)
        received = 0

        async def counted_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    return {"type": "http.disconnect"}
            return message

        return await self.app(scope, counted_receive, send)


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(send, limit: int) -> None:
    body = json.dumps(
        {"detail": f"A request body is at most {limit} bytes.", "code": "too_large", "limit": limit}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
