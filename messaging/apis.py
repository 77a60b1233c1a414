"""REST endpoints of messages and read positions (contract: Messages and history), and of
the rooms that answer with the Room object, whose unread count and last message are read here."""

import asyncio

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from messaging.models import Attachment, Message, attachment_storage
from rooms import services as room_services
from rooms.access import room_access_for_reading
from rooms.serializers import RoomCreateSerializer, UsernameSerializer

from . import services
from .files import INLINE_IMAGE_TYPES, attachments_prepare
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
    LimitsSerializer,
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
    POST: send a message, as the WebSocket does; as multipart/form-data it may carry files
    (`files` parts, docs/messages.md, Files)."""

    parser_classes = [JSONParser, MultiPartParser]

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
        request={"application/json": MessageCreateSerializer, "multipart/form-data": MessageCreateSerializer},
        responses={201: MessageSerializer, 200: MessageSerializer},
    )
    def post(self, request, room_id: int):
        data = MessageCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        room_access_for_reading(user=request.user, room_id=room_id)
        files = attachments_prepare(request.FILES.getlist("files")) if request.FILES else None
        message, created = services.message_create(
            room_id=room_id,
            author=request.user,
            body=data.validated_data["body"],
            client_id=data.validated_data.get("client_id"),
            reply_to=data.validated_data.get("reply_to"),
            files=files,
        )
        return Response(
            message_to_dict(message), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


_STREAM_CHUNK = 256 * 1024


def _file_response(request, *, name: str, size: int, content_type: str, filename: str, inline: bool):
    """A streamed answer with one file of the attachments storage.

    Under ASGI the file is read on a worker thread chunk by chunk, so the
    event loop never waits on disk or S3 and a large file is never held in
    memory whole (Django's ASGI handler would read a sync iterator into one
    list). The headers keep the bytes from ever running as this origin's
    content: a download unless it is a raster image, `nosniff`
    (SecurityMiddleware), and a sandboxing CSP of its own.
    """
    handle = attachment_storage().open(name, "rb")

    def chunks():
        with handle:
            while chunk := handle.read(_STREAM_CHUNK):
                yield chunk

    async def async_chunks():
        try:
            while chunk := await asyncio.to_thread(handle.read, _STREAM_CHUNK):
                yield chunk
        finally:
            await asyncio.to_thread(handle.close)

    asynchronous = isinstance(getattr(request, "_request", request), ASGIRequest)
    if content_type == "text/plain":
        content_type += "; charset=utf-8"
    response = StreamingHttpResponse(async_chunks() if asynchronous else chunks(), content_type=content_type)
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or "attachment"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # The reader's own cache may keep it a while; shared caches never (it is not public).
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _readable_attachment(request, attachment_id: int) -> Attachment:
    """The attachment, if the caller may read its room's history and its message stands;
    NotFound otherwise (no one learns of files in rooms they cannot read)."""
    attachment = (
        Attachment.objects.select_related("message")
        .only("pk", "room_id", "name", "size", "content_type", "file", "thumbnail", "message__deleted_at")
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None or attachment.message.deleted_at is not None:
        raise NotFound("File not found.")
    try:
        room_access_for_reading(user=request.user, room_id=attachment.room_id)
    except NotFound:
        raise NotFound("File not found.") from None
    return attachment


class AttachmentFileApi(APIView):
    """GET: a message's file, to readers of its room (members; any signed-in user for a
    public room's, as its history). Raster images inline, everything else as a download
    under its name. 404 for a file of a deleted message or of a room the caller cannot read."""

    @extend_schema(responses={(200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, attachment_id: int):
        attachment = _readable_attachment(request, attachment_id)
        return _file_response(
            request,
            name=str(attachment.file.name),
            size=attachment.size,
            content_type=attachment.content_type,
            filename=attachment.name,
            inline=attachment.content_type in INLINE_IMAGE_TYPES and bool(attachment.thumbnail),
        )


class AttachmentThumbnailApi(APIView):
    """GET: an image's thumbnail (WebP, at most CHAT_THUMBNAIL_MAX_PX a side), to the same
    readers as the file; 404 for a file without one."""

    @extend_schema(responses={(200, "image/webp"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, attachment_id: int):
        attachment = _readable_attachment(request, attachment_id)
        if not attachment.thumbnail:
            raise NotFound("This file has no thumbnail.")
        stem = attachment.name.rsplit(".", 1)[0] or "thumbnail"
        return _file_response(
            request,
            name=str(attachment.thumbnail.name),
            size=attachment.thumbnail.size,
            content_type="image/webp",
            filename=f"{stem}.webp",
            inline=True,
        )


class LimitsApi(APIView):
    """GET: the limits a client checks before it sends (docs/limits.md); sizes in bytes."""

    @extend_schema(responses=LimitsSerializer)
    def get(self, request):
        return Response(
            {
                "body_max": services.BODY_MAX,
                "upload_max_bytes": settings.CHAT_UPLOAD_MAX_BYTES,
                "upload_max_files": settings.CHAT_UPLOAD_MAX_FILES,
                "upload_max_request_bytes": settings.CHAT_UPLOAD_MAX_REQUEST_BYTES,
            }
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
