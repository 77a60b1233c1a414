"""ASGI middleware that authenticates a WebSocket by its `?ticket=` query parameter."""

from urllib.parse import parse_qs

from django.contrib.auth.models import AnonymousUser

from core.db import in_pool

from .services import ws_ticket_redeem


def _user_for_ticket(ticket: str):
    # On the pool's threads: on the one thread-sensitive thread every handshake
    # of the process waited behind the others' redemptions.
    return ws_ticket_redeem(ticket=ticket) or AnonymousUser()


class TicketAuthMiddleware:
    """Puts `scope["user"]`: the ticket's user, or AnonymousUser (the consumer then refuses)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        query = parse_qs(scope.get("query_string", b"").decode("latin1"))
        ticket = (query.get("ticket") or [""])[0]
        scope = dict(scope, user=await in_pool(_user_for_ticket)(ticket))
        return await self.app(scope, receive, send)
