"""REST endpoints of rooms and memberships (contract: Rooms). Parse, authorize, call a service."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from realtime.presence import online_user_ids

from . import services
from .selectors import (
    ban_list,
    block_list,
    member_list,
    membership_for,
    moderation_access,
    public_room_list,
    room_detail_for_user,
    room_list_for_user,
)
from .serializers import (
    BanCreateSerializer,
    BanSerializer,
    BlockSerializer,
    MemberSerializer,
    MemberUpdateSerializer,
    ReasonSerializer,
    RoomCreateSerializer,
    RoomSerializer,
    RoomUpdateSerializer,
    UsernameSerializer,
    room_to_dict,
    rooms_to_dicts,
)


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
        room = services.room_create(creator=request.user, **data.validated_data)
        return room_response(request, room.pk, status.HTTP_201_CREATED)


class PublicRoomListApi(APIView):
    """GET: every public room, joined or not."""

    @extend_schema(responses=RoomSerializer(many=True))
    def get(self, request):
        return Response(rooms_to_dicts(public_room_list(user=request.user)))


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


class RoomJoinApi(APIView):
    """POST: join a public room (private: 404, banned: 403)."""

    @extend_schema(request=None, responses=RoomSerializer)
    def post(self, request, room_id: int):
        services.room_join(user=request.user, room_id=room_id)
        return room_response(request, room_id)


class RoomLeaveApi(APIView):
    """POST: leave a room (204)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request, room_id: int):
        services.room_leave(user=request.user, room_id=room_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoomMemberListApi(APIView):
    """GET: the room's members with role, mute and presence. POST: add a user (owner, moderators)."""

    @extend_schema(responses=MemberSerializer(many=True))
    def get(self, request, room_id: int):
        membership_for(user=request.user, room_id=room_id)
        members = list(member_list(room_id=room_id))
        online = online_user_ids([m.user_id for m in members])
        return Response(MemberSerializer(members, many=True, context={"online_user_ids": online}).data)

    @extend_schema(request=UsernameSerializer, responses={201: MemberSerializer, 200: MemberSerializer})
    def post(self, request, room_id: int):
        data = UsernameSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership, created = services.room_member_add(
            actor=request.user, room_id=room_id, username=data.validated_data["username"]
        )
        online = online_user_ids([membership.user_id])
        return Response(
            MemberSerializer(membership, context={"online_user_ids": online}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


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
        moderation_access(user=request.user, room_id=room_id)
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


class DirectRoomApi(APIView):
    """POST: the direct room with a user by username; 201 when new, 200 when it existed."""

    @extend_schema(request=UsernameSerializer, responses={201: RoomSerializer, 200: RoomSerializer})
    def post(self, request):
        data = UsernameSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        room, created = services.direct_room_get_or_create(
            user=request.user, username=data.validated_data["username"]
        )
        return room_response(request, room.pk, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class BlockListCreateApi(APIView):
    """GET: the users the caller blocked, newest first. POST `{"username"}`: block a user.

    201 for a new block, 200 when it existed; 404 for an unknown user, 400
    for oneself. The blocked user can no longer open a direct conversation
    with the caller nor add them to rooms (403), and leaves their direct room.
    """

    @extend_schema(responses=BlockSerializer(many=True))
    def get(self, request):
        return Response(BlockSerializer(block_list(user=request.user), many=True).data)

    @extend_schema(request=UsernameSerializer, responses={201: BlockSerializer, 200: BlockSerializer})
    def post(self, request):
        data = UsernameSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        block, created = services.block_create(blocker=request.user, username=data.validated_data["username"])
        return Response(
            BlockSerializer(block).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class BlockDetailApi(APIView):
    """DELETE: unblock the user (204; 404 if not blocked)."""

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, user_id: int):
        services.block_delete(blocker=request.user, user_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
