from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from messaging.ratelimit import action_rate_check

from .serializers import WsTicketSerializer
from .services import ws_ticket_create


class WsTicketApi(APIView):
    """POST /api/auth/ws-ticket/: a single-use ticket for opening `/ws/chat/`.

    429 `rate_limited` past CHAT_RATE_WS_TICKETS tickets per user.
    """

    @extend_schema(request=None, responses={201: WsTicketSerializer})
    def post(self, request):
        action_rate_check(action="ws_ticket", user_id=request.user.pk)
        ticket = ws_ticket_create(user_id=request.user.pk)
        return Response(
            {"ticket": ticket, "expires_in": settings.WS_TICKET_TTL},
            status=status.HTTP_201_CREATED,
        )
