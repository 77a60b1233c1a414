"""ASGI entry point: HTTP goes to Django, `/ws/chat/` to the chat consumer.

Served by daphne (`daphne config.asgi:application`). The WebSocket stack is
Origin check -> ticket authentication -> URL router, as the contract's
WebSocket section requires.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from accounts.middleware import TicketAuthMiddleware  # noqa: E402
from messaging.origin import OptionalOriginValidator  # noqa: E402
from messaging.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": OptionalOriginValidator(TicketAuthMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
