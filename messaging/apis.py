"""REST endpoints of messages and read positions (contract: Messages and history), and of
the rooms that answer with the Room object, whose unread count and last message are read here."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from messaging.models import Message
from rooms import services as room_services
from rooms.access import room_access_for_reading
from rooms.serializers import RoomCreateSerializer, UsernameSerializer

from . import services
from .selectors import (
    message_history,
    message_history_around,
    message_search,
    my_reactions,
    public_room_list,
    reaction_users,
    room_detail_for_user,
    room_list_for_user,
    search_time_limit,
)
from .serializers import (
    HistoryQuerySerializer,
    HistorySerializer,
    MessageCreateSerializer,
    MessageSearchQuerySerializer,
    MessageSerializer,
    NotificationLevelSerializer,
    ReactionSummarySerializer,
    ReactionUsersSerializer,
    ReadSerializer,
    RoomSerializer,
    message_to_dict,
    messages_to_dicts,
    room_to_dict,
    rooms_to_dicts,
)


class RoomMessageListCreateApi(APIView):
    """GET: a page of history (keyset on seq; `around` centres it on a seq, docs/messages.md).
    POST: send a message, as the WebSocket does."""

    @extend_schema(parameters=[HistoryQuerySerializer], responses=HistorySerializer)
    def get(self, request, room_id: int):
        query = HistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        room_access_for_reading(user=request.user, room_id=room_id)
        params = query.validated_data
        if "around" in params:
            messages, before, after = message_history_around(
                room_id=room_id, around=params["around"], limit=params["limit"]
            )
            return Response(
                {
                    "results": messages_to_dicts(
                        messages, my_reactions(user=request.user, messages=messages)
                    ),
                    "has_more": before or after,
                    "has_more_before": before,
                    "has_more_after": after,
                }
            )
        messages, has_more = message_history(room_id=room_id, **params)
        mine = my_reactions(user=request.user, messages=messages)
        return Response({"results": messages_to_dicts(messages, mine), "has_more": has_more})

    @extend_schema(
        request=MessageCreateSerializer, responses={201: MessageSerializer, 200: MessageSerializer}
    )
    def post(self, request, room_id: int):
        data = MessageCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        room_access_for_reading(user=request.user, room_id=room_id)
        message, created = services.message_create(
            room_id=room_id,
            author=request.user,
            body=data.validated_data["body"],
            client_id=data.validated_data.get("client_id"),
            reply_to=data.validated_data.get("reply_to"),
        )
        return Response(
            message_to_dict(message), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


def _reactions_answer(request, message_id: int, counts: list[dict]) -> Response:
    mine = {
        e
        for e in Message.objects.filter(pk=message_id, reactions__user=request.user).values_list(
            "reactions__emoji", flat=True
        )
    }
    reactions = [{"emoji": e["emoji"], "count": e["count"], "me": e["emoji"] in mine} for e in counts]
    return Response({"message": message_id, "reactions": reactions})


class MessageReactionListApi(APIView):
    """GET: who reacted to the message, per emoji (readers of its room)."""

    @extend_schema(responses=ReactionUsersSerializer(many=True))
    def get(self, request, message_id: int):
        room_id = Message.objects.filter(pk=message_id).values_list("room_id", flat=True).first()
        if room_id is None:
            raise NotFound("Message not found.")
        try:
            room_access_for_reading(user=request.user, room_id=room_id)
        except NotFound:
            raise NotFound("Message not found.") from None
        return Response(reaction_users(message_id=message_id))


class MessageReactionApi(APIView):
    """PUT: add the caller's reaction with EMOJI (idempotent: 201 new, 200 already there).
    DELETE: take it back (200, also when there was none). Both answer the message's reactions."""

    @extend_schema(request=None, responses={201: ReactionSummarySerializer, 200: ReactionSummarySerializer})
    def put(self, request, message_id: int, emoji: str):
        counts, added = services.reaction_add(user=request.user, message_id=message_id, emoji=emoji)
        answer = _reactions_answer(request, message_id, counts)
        answer.status_code = status.HTTP_201_CREATED if added else status.HTTP_200_OK
        return answer

    @extend_schema(request=None, responses=ReactionSummarySerializer)
    def delete(self, request, message_id: int, emoji: str):
        counts, _ = services.reaction_remove(user=request.user, message_id=message_id, emoji=emoji)
        return _reactions_answer(request, message_id, counts)


class RoomNotificationsApi(APIView):
    """PUT `{"level": "all" | "mentions" | "muted"}`: the caller's notification level in the room
    (members); answers the Room."""

    @extend_schema(request=NotificationLevelSerializer, responses=RoomSerializer)
    def put(self, request, room_id: int):
        data = NotificationLevelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.notification_level_set(
            user=request.user, room_id=room_id, level=data.validated_data["level"]
        )
        return Response(room_to_dict(room_detail_for_user(user=request.user, room_id=room_id)))


class RoomStarApi(APIView):
    """PUT: star the room for the caller; DELETE: unstar it. Members only; both are idempotent
    and answer the Room (with `starred`). 404 for a hidden room, 403 for a public room the
    caller has not joined."""

    @extend_schema(request=None, responses=RoomSerializer)
    def put(self, request, room_id: int):
        room_services.room_star_set(user=request.user, room_id=room_id, starred=True)
        return room_response(request, room_id)

    @extend_schema(request=None, responses=RoomSerializer)
    def delete(self, request, room_id: int):
        room_services.room_star_set(user=request.user, room_id=room_id, starred=False)
        return room_response(request, room_id)


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
            room_access_for_reading(user=self.request.user, room_id=room_id)
        return message_search(user=self.request.user, text=query.validated_data["q"], room_id=room_id)


# --- Rooms as their viewer sees them (the read model of messaging.selectors) ----


def room_response(request, room_id: int, status_code: int = status.HTTP_200_OK) -> Response:
    """The Room object of `room_id` as the caller sees it."""
    room = room_detail_for_user(user=request.user, room_id=room_id)
    return Response(room_to_dict(room), status=status_code)


class RoomListCreateApi(APIView):
    """GET: the caller's rooms, most recent activity first. POST: create a room, owned by the caller."""

    @extend_schema(responses=RoomSerializer(many=True))
    def get(self, request):
        return Response(rooms_to_dicts(room_list_for_user(user=request.user)))

    @extend_schema(request=RoomCreateSerializer, responses={201: RoomSerializer})
    def post(self, request):
        data = RoomCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        room = room_services.room_create(creator=request.user, **data.validated_data)
        return room_response(request, room.pk, status.HTTP_201_CREATED)


class PublicRoomListApi(APIView):
    """GET: every public room, joined or not."""

    @extend_schema(responses=RoomSerializer(many=True))
    def get(self, request):
        return Response(rooms_to_dicts(public_room_list(user=request.user)))


class RoomJoinApi(APIView):
    """POST: join a public room (private: 404, banned: 403)."""

    @extend_schema(request=None, responses=RoomSerializer)
    def post(self, request, room_id: int):
        room_services.room_join(user=request.user, room_id=room_id)
        return room_response(request, room_id)


class DirectRoomApi(APIView):
    """POST: the direct room with a user by username; 201 when new, 200 when it existed."""

    @extend_schema(request=UsernameSerializer, responses={201: RoomSerializer, 200: RoomSerializer})
    def post(self, request):
        data = UsernameSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        room, created = room_services.direct_room_get_or_create(
            user=request.user, username=data.validated_data["username"]
        )
        return room_response(request, room.pk, status.HTTP_201_CREATED if created else status.HTTP_200_OK)
