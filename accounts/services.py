"""Account writes: WebSocket tickets, and what ends a user's sessions.

WebSocket tickets are single-use, short-lived credentials for `/ws/chat/`. A
browser cannot set headers on a WebSocket, so it trades its token for a ticket
over REST and puts the ticket in the URL (contract: "The WebSocket"). Tickets
live in the shared cache (Redis when REDIS_URL is set), so any server process
can redeem a ticket another one issued. A ticket records the token it was
issued for: once that token is gone (logout, password change) or the user is
deactivated, the ticket opens nothing.
"""

import secrets

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.authtoken.models import Token

from realtime import events

from .models import User

_PREFIX = "ws-ticket:"


def ws_ticket_create(*, user_id: int, token_key: str | None = None) -> str:
    """Issue a ticket for `user_id`, redeemable once within WS_TICKET_TTL seconds.

    `token_key`: the DRF token the request authenticated with; None takes the
    user's current token (creating it if the user has none, as a login would).
    """
    if token_key is None:
        token_key = Token.objects.get_or_create(user_id=user_id)[0].key
    ticket = secrets.token_urlsafe(32)
    caches["default"].set(_PREFIX + ticket, (user_id, token_key), timeout=settings.WS_TICKET_TTL)
    return ticket


def _cache_take(key: str):
    """Get and delete `key` in one step, so only one caller ever gets its value.

    On Redis one GETDEL round trip (through the client of Django's RedisCache,
    which has no public get-and-delete); elsewhere (the local-memory cache of the
    embedded default) get, then delete: only the caller whose delete removed the
    key wins.
    """
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        full_key = cache.make_and_validate_key(key)
        raw = cache._cache.get_client(full_key, write=True).getdel(full_key)
        return None if raw is None else cache._cache._serializer.loads(raw)  # type: ignore[attr-defined]
    value = cache.get(key)
    if value is None or not cache.delete(key):
        return None
    return value


def ws_ticket_redeem(*, ticket: str) -> User | None:
    """Consume `ticket` and return its active user, or None.

    None when the ticket is unknown, expired or used, when the token it was
    issued for no longer exists (logout, password change), or when the user is
    inactive: one cache round trip and one query.
    """
    if not ticket or len(ticket) > 100:
        return None
    value = _cache_take(_PREFIX + ticket)
    if not isinstance(value, tuple) or len(value) != 2:
        return None
    user_id, token_key = value
    token = (
        Token.objects.select_related("user")
        .filter(key=token_key, user_id=user_id, user__is_active=True)
        .first()
    )
    return token.user if token else None


def user_logged_out(*, user: User) -> None:
    """Logout: the user's token is deleted and every socket of theirs closes (4001, "logout")."""
    Token.objects.filter(user=user).delete()
    events.account_changed(user_id=user.pk, reason="logout")


def user_token_rotate(*, user: User) -> str:
    """A new token for `user` in place of every old one; returns its key.

    After a password change the client that changed it stays logged in with the
    new key, while every other session (their copies of the old key) ends.
    """
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key
