from dj_rest_auth.views import LoginView, LogoutView, PasswordChangeView
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import RateLimited
from realtime.ratelimit import action_rate_check

from .lockout import lockout_detail, lockout_retry_after
from .serializers import PasswordChangedSerializer, WsTicketSerializer
from .services import user_logged_out, user_token_rotate, ws_ticket_create


class WsTicketApi(APIView):
    """POST /api/auth/ws-ticket/: a single-use ticket for opening `/ws/chat/`, bound to the caller's token.

    429 `rate_limited` past CHAT_RATE_WS_TICKETS tickets per user.
    """

    @extend_schema(request=None, responses={201: WsTicketSerializer})
    def post(self, request):
        action_rate_check(action="ws_ticket", user_id=request.user.pk)
        ticket = ws_ticket_create(user_id=request.user.pk, token_key=getattr(request.auth, "key", None))
        return Response(
            {"ticket": ticket, "expires_in": settings.WS_TICKET_TTL},
            status=status.HTTP_201_CREATED,
        )


class LoginApi(LoginView):
    """POST /api/auth/login/: dj-rest-auth's login under django-axes' lockout.

    After LOGIN_FAILURE_LIMIT wrong passwords for one username from one
    address, that pair gets 429 `{"detail", "code": "rate_limited",
    "retry_after_ms"}` with Retry-After, the right password included, until
    the cool-off ends. axes flags DRF's request, which its middleware never
    sees, so the flag is read here.
    """

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            if getattr(request, "axes_locked_out", False):
                raise RateLimited(
                    lockout_detail(request), retry_after_ms=lockout_retry_after(request) * 1000
                ) from None
            raise


class LogoutApi(LogoutView):
    """POST /api/auth/logout/: dj-rest-auth's logout, which also closes the user's sockets (4001)."""

    def logout(self, request):
        if request.auth is None:
            return super().logout(request)  # dj-rest-auth's 400 "You should be logged in"
        user_logged_out(user=request.user)
        return Response({"detail": _("Successfully logged out.")}, status=status.HTTP_200_OK)


class PasswordChangeApi(PasswordChangeView):
    """POST /api/auth/password/change/ `{old_password, new_password1, new_password2}`.

    dj-rest-auth's password change, with the old password required. The change
    ends every session: the old token stops working and every socket of the user
    closes (4001, "password_changed"). The answer carries the new token, `key`,
    so the client that changed the password stays logged in.
    """

    @extend_schema(responses={200: PasswordChangedSerializer})
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            serializer.save()  # accounts.signals deletes the tokens and closes the sockets
            key = user_token_rotate(user=request.user)
        return Response({"detail": _("New password has been saved."), "key": key})
