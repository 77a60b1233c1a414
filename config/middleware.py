"""`Server-Timing: total;dur=MS` on every HTTP response, when SERVER_TIMING is on.

The W3C Server Timing header lets a load test (bench/, scenario e) read the
server's own time for a request, without the client's and the loopback's. It
is off by default: timings are for the operator, not for every client.
"""

import time

from django.conf import settings


class ServerTimingMiddleware:
    """Adds the time Django spent on the request (the middleware below it and the view), in ms."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.SERVER_TIMING:
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"total;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response
