"""The Origin check of the WebSocket handshake (contract: "The WebSocket")."""

from channels.security.websocket import OriginValidator
from django.conf import settings


class OptionalOriginValidator(OriginValidator):
    """Channels' OriginValidator over ALLOWED_HOSTS, but a handshake without Origin passes.

    A browser always sends Origin, so a cross-site page is refused (403). A
    bot or command-line client sends none; its ticket alone decides.
    """

    def __init__(self, application):
        super().__init__(application, settings.ALLOWED_HOSTS)

    def valid_origin(self, parsed_origin):
        if parsed_origin is None:
            return True
        return self.validate_origin(parsed_origin)
