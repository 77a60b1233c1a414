"""REST endpoints of moderation (contract: Moderation): a room's settings, members'
roles and mutes, removals and bans. Parse, authorize, call a service."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from messaging import services as message_services
from messaging.apis import room_response
from messaging.serializers import MessageSerializer, MessageUpdateSerializer, RoomSerializer, message_to_dict
from realtime.presence import online_user_ids
from rooms.access import room_access_for_moderating
from rooms.selectors import ban_list
from rooms.serializers import (
    BanCreateSerializer,
    BanSerializer,
    MemberSerializer,
    MemberUpdateSerializer,
    ReasonSerializer,
    RoomUpdateSerializer,
)

from . import services


class RoomDetailApi(APIView):
    """GET: one room (members; anyone for a public room). PATCH: name, topic, lock (owner, moderators)."""

    @extend_schema(responses=RoomSerializer)
    def get(self, request, room_id: int):
        return room_response(request, room_id)

    @extend_schema(request=RoomUpdateSerializer, responses=RoomSerializer)
    def patch(self, request, room_id: int):
        data = RoomUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.room_update(actor=request.user, room_id=room_id, **data.validated_data)
        return room_response(request, room_id)


class RoomMemberDetailApi(APIView):
    """PATCH: role (owner, staff) and mute (owner, moderators, staff). DELETE: remove the member."""

    @extend_schema(request=MemberUpdateSerializer, responses=MemberSerializer)
    def patch(self, request, room_id: int, user_id: int):
        data = MemberUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.room_member_update(
            actor=request.user, room_id=room_id, user_id=user_id, **data.validated_data
        )
        online = online_user_ids([membership.user_id])
        return Response(MemberSerializer(membership, context={"online_user_ids": online}).data)

    @extend_schema(request=ReasonSerializer, responses={204: None})
    def delete(self, request, room_id: int, user_id: int):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.room_member_remove(
            actor=request.user, room_id=room_id, user_id=user_id, reason=data.validated_data["reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoomBanListCreateApi(APIView):
    """GET: the room's bans, newest first. POST: ban a user by username (owner, moderators, staff)."""

    @extend_schema(responses=BanSerializer(many=True))
    def get(self, request, room_id: int):
        room_access_for_moderating(user=request.user, room_id=room_id, lock=False)
        return Response(BanSerializer(ban_list(room_id=room_id), many=True).data)

    @extend_schema(request=BanCreateSerializer, responses={201: BanSerializer, 200: BanSerializer})
    def post(self, request, room_id: int):
        data = BanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ban, created = services.room_ban_create(actor=request.user, room_id=room_id, **data.validated_data)
        return Response(
            BanSerializer(ban).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class RoomBanDetailApi(APIView):
    """DELETE: lift a user's ban (owner, moderators, staff)."""

    @extend_schema(request=ReasonSerializer, responses={204: None})
    def delete(self, request, room_id: int, user_id: int):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.room_ban_delete(
            actor=request.user, room_id=room_id, user_id=user_id, reason=data.validated_data["reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MessageDetailApi(APIView):
    """PATCH: edit (the author). DELETE: delete (the author, the room's owner and moderators, staff)."""

    @extend_schema(request=MessageUpdateSerializer, responses=MessageSerializer)
    def patch(self, request, message_id: int):
        data = MessageUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = message_services.message_update(
            actor=request.user, message_id=message_id, body=data.validated_data["body"]
        )
        return Response(message_to_dict(message))

    @extend_schema(responses={204: None})
    def delete(self, request, message_id: int):
        services.message_delete(actor=request.user, message_id=message_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
