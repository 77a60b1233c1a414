"""ASGI entry point: HTTP goes to Django (bodies capped: core.asgi.BodyLimit), `/ws/chat/`
to the chat consumer.

Served by daphne (`daphne config.asgi:application`). The WebSocket stack is
Origin check -> URL router -> ticket authentication -> consumer: a path no
route serves is refused before any ticket is redeemed, so the ticket still
opens the right path afterwards.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import WebsocketDenier  # noqa: E402
from django.urls import URLPattern, re_path  # noqa: E402

from accounts.middleware import TicketAuthMiddleware  # noqa: E402
from core.asgi import BodyLimit  # noqa: E402
from messaging.routing import websocket_urlpatterns  # noqa: E402
from realtime.origin import OptionalOriginValidator  # noqa: E402


def _authenticated(route: URLPattern) -> URLPattern:
    """`route` with its consumer behind TicketAuthMiddleware."""
    return URLPattern(route.pattern, TicketAuthMiddleware(route.callback), route.default_args, route.name)


application = ProtocolTypeRouter(
    {
        "http": BodyLimit(django_asgi_app),
        "websocket": OptionalOriginValidator(
            URLRouter(
                [_authenticated(route) for route in websocket_urlpatterns]
                # Any other path: the handshake is refused (daphne answers 403), the ticket untouched.
                + [re_path(r"", WebsocketDenier.as_asgi())]
            )
        ),
    }
)
