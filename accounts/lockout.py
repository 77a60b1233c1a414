"""Login lockout (django-axes) for the API login and `/admin/login/` alike.

django-axes counts failed logins per username and client address and refuses
the pair once AXES_FAILURE_LIMIT is reached, for AXES_COOLOFF_TIME. Its
middleware answers the admin's form; the API login (dj-rest-auth's serializer,
which authenticates with DRF's request) is answered by `accounts.apis.LoginApi`.
"""

import math

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.throttling import BaseThrottle

DETAIL = "Too many failed login attempts. Try again in {minutes} minutes."


def client_ip(request: HttpRequest) -> str | None:
    """The client's address exactly as DRF's throttles see it (REMOTE_ADDR, or
    X-Forwarded-For read through NUM_PROXIES = TRUSTED_PROXIES)."""
    return BaseThrottle().get_ident(request)  # type: ignore[arg-type]  # reads only META


def lockout_retry_after(request) -> int:
    """Seconds until a locked-out client may try again (the cool-off)."""
    cool_off = get_cool_off(request)
    return max(1, math.ceil(cool_off.total_seconds())) if cool_off else 0


def lockout_detail(request) -> str:
    return DETAIL.format(minutes=max(1, math.ceil(lockout_retry_after(request) / 60)))


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After; JSON `{"detail", "code"}` under /api/, text elsewhere."""
    retry_after = lockout_retry_after(request)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": lockout_detail(request), "code": "rate_limited", "retry_after_ms": retry_after * 1000},
            status=429,
        )
    else:
        response = HttpResponse(lockout_detail(request), status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response
