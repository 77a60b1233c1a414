"""REST endpoints of messages and read positions (contract: Messages and history)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from rooms.selectors import room_for_reader

from . import services
from .selectors import message_history, message_history_around, message_search, search_time_limit
from .serializers import (
    HistoryQuerySerializer,
    HistorySerializer,
    MessageCreateSerializer,
    MessageSearchQuerySerializer,
    MessageSerializer,
    MessageUpdateSerializer,
    ReadSerializer,
    message_to_dict,
    messages_to_dicts,
)


class RoomMessageListCreateApi(APIView):
    """GET: a page of history (keyset on seq; `around` centres it on a seq, docs/messages.md).
    POST: send a message, as the WebSocket does."""

    @extend_schema(parameters=[HistoryQuerySerializer], responses=HistorySerializer)
    def get(self, request, room_id: int):
        query = HistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        room_for_reader(user=request.user, room_id=room_id)
        params = query.validated_data
        if "around" in params:
            messages, before, after = message_history_around(
                room_id=room_id, around=params["around"], limit=params["limit"]
            )
            return Response(
                {
                    "results": messages_to_dicts(messages),
                    "has_more": before or after,
                    "has_more_before": before,
                    "has_more_after": after,
                }
            )
        messages, has_more = message_history(room_id=room_id, **params)
        return Response({"results": messages_to_dicts(messages), "has_more": has_more})

    @extend_schema(
        request=MessageCreateSerializer, responses={201: MessageSerializer, 200: MessageSerializer}
    )
    def post(self, request, room_id: int):
        data = MessageCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        room_for_reader(user=request.user, room_id=room_id)
        message, created = services.message_create(
            room_id=room_id,
            author=request.user,
            body=data.validated_data["body"],
            client_id=data.validated_data.get("client_id"),
        )
        return Response(
            message_to_dict(message), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class MessageDetailApi(APIView):
    """PATCH: edit (the author). DELETE: delete (the author, the room's owner and moderators, staff)."""

    @extend_schema(request=MessageUpdateSerializer, responses=MessageSerializer)
    def patch(self, request, message_id: int):
        data = MessageUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_update(
            actor=request.user, message_id=message_id, body=data.validated_data["body"]
        )
        return Response(message_to_dict(message))

    @extend_schema(responses={204: None})
    def delete(self, request, message_id: int):
        services.message_delete(actor=request.user, message_id=message_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoomReadApi(APIView):
    """POST: move the caller's read position forward to `seq` (204)."""

    @extend_schema(request=ReadSerializer, responses={204: None})
    def post(self, request, room_id: int):
        data = ReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.read_mark(user=request.user, room_id=room_id, seq=data.validated_data["seq"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MessageSearchPagination(PageNumberPagination):
    """DRF pages: `{"count", "next", "previous", "results"}`, 20 a page, `page_size` up to 100."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class MessageSearchApi(ListAPIView):
    """GET `?q=TEXT&room=ID`: messages matching `q` in the rooms the caller may read, best first.

    400 (`invalid`) for an empty `q` or one over 200 characters, one with
    nothing to find but excluded words (`-zebra`), one of more than
    CHAT_SEARCH_MAX_TERMS terms, and a search that runs past
    CHAT_SEARCH_TIMEOUT_MS; 404 for a `room` the caller may not read; 429
    past the `search` throttle (SEARCH_THROTTLE_RATE, per user). `count`
    is at most CHAT_SEARCH_CANDIDATES on PostgreSQL. See
    `messaging.selectors.message_search`.
    """

    serializer_class = MessageSerializer
    pagination_class = MessageSearchPagination
    throttle_scope = "search"

    @extend_schema(parameters=[MessageSearchQuerySerializer])
    def get(self, request, *args, **kwargs):
        # The whole page (count, rows, serialization) runs under the time limit.
        with search_time_limit():
            return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = MessageSearchQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        room_id = query.validated_data.get("room")
        if room_id is not None:
            room_for_reader(user=self.request.user, room_id=room_id)
        return message_search(user=self.request.user, text=query.validated_data["q"], room_id=room_id)
