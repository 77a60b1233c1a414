"""WebSocket tickets: single-use, short-lived credentials for `/ws/chat/`.

A browser cannot set headers on a WebSocket, so it trades its token for a
ticket over REST and puts the ticket in the URL (contract: "The WebSocket").
Tickets live in the shared cache (Redis when REDIS_URL is set), so any server
process can redeem a ticket another one issued.
"""

import secrets

from django.conf import settings
from django.core.cache import cache

_PREFIX = "ws-ticket:"


def ws_ticket_create(*, user_id: int) -> str:
    """Issue a ticket for `user_id`; it is redeemable once within WS_TICKET_TTL seconds."""
    ticket = secrets.token_urlsafe(32)
    cache.set(_PREFIX + ticket, user_id, timeout=settings.WS_TICKET_TTL)
    return ticket


def ws_ticket_redeem(*, ticket: str) -> int | None:
    """Consume `ticket` and return its user id, or None if unknown, expired or used.

    Only the caller whose delete removed the key wins, so two concurrent
    redemptions of one ticket cannot both succeed.
    """
    if not ticket or len(ticket) > 100:
        return None
    key = _PREFIX + ticket
    user_id = cache.get(key)
    if user_id is None or not cache.delete(key):
        return None
    return int(user_id)
