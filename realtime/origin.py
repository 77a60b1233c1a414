"""The Origin check of the WebSocket handshake (contract: "The WebSocket")."""

from urllib.parse import urlparse

from channels.security.websocket import OriginValidator
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _checked(origins: list[str]) -> list[str]:
    """The allowed origins, each `scheme://host[:port]` (or `*`); anything else is a setup error."""
    for origin in origins:
        if origin != "*" and (
            urlparse(origin).scheme not in ("http", "https") or not urlparse(origin).hostname
        ):
            raise ImproperlyConfigured(f"CHAT_ALLOWED_ORIGINS: {origin!r} is not scheme://host[:port]")
    return origins


class OptionalOriginValidator(OriginValidator):
    """Channels' OriginValidator over CHAT_ALLOWED_ORIGINS, but a handshake without Origin passes.

    An Origin passes when its scheme, host and port (80 or 443 when omitted)
    all match one allowed origin; a host starting with "." also matches its
    subdomains. A browser always sends Origin, so a page of another site, or
    of another port of this host, is refused (403). A bot or command-line
    client sends none; its ticket alone decides.
    """

    def __init__(self, application):
        super().__init__(application, _checked(list(settings.CHAT_ALLOWED_ORIGINS)))

    def valid_origin(self, parsed_origin):
        if parsed_origin is None:
            return True
        return self.validate_origin(parsed_origin)
