from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from .serializers import WsTicketSerializer
from .services import ws_ticket_create


class WsTicketApi(APIView):
    """POST /api/auth/ws-ticket/: a single-use ticket for opening `/ws/chat/`."""

    @extend_schema(request=None, responses={201: WsTicketSerializer})
    def post(self, request):
        ticket = ws_ticket_create(user_id=request.user.pk)
        return Response(
            {"ticket": ticket, "expires_in": settings.WS_TICKET_TTL},
            status=status.HTTP_201_CREATED,
        )
