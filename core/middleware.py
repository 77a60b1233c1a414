"""Middleware of the bottom layer: keeping Django's HTTP middleware chain on one thread.

Under ASGI, Django builds the chain from the innermost handler (async) outwards,
and every `MiddlewareMixin` middleware that can run async does: then each of its
`process_request` and `process_response` is a `sync_to_async` hop onto a
thread and back (Django's docs, "Asynchronous support": each switch costs about
a millisecond). With the eight such middlewares of `config.settings.base`, a
401 took about 34 hops and 7 ms in `AsyncClient`, against 1 ms through the
sync test client.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class SyncChainMiddleware:
    """A pass-through that can only run sync, placed near the bottom of `MIDDLEWARE`.

    Django makes every middleware above a sync-only one sync too (a sync handler
    below, and they can run sync), so the whole chain above it runs in one
    thread: one hop in at the top, one hop out to the async handler below it,
    and the sync view's own hop. It changes no request or response.
    """

    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
