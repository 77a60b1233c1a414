"""REST endpoints of rooms and memberships (contract: Rooms). Parse, authorize, call a service."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from realtime.presence import online_user_ids

from . import services
from .access import room_access_for_member_reads
from .selectors import (
    block_list,
    member_list,
)
from .serializers import (
    BlockSerializer,
    MemberSerializer,
    UsernameSerializer,
)


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
        room_access_for_member_reads(user=request.user, room_id=room_id)
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
