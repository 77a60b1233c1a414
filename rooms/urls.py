from django.urls import path

from . import apis

urlpatterns = [
    path("rooms/", apis.RoomListCreateApi.as_view(), name="room-list"),
    path("rooms/public/", apis.PublicRoomListApi.as_view(), name="room-public-list"),
    path("rooms/<int:room_id>/", apis.RoomDetailApi.as_view(), name="room-detail"),
    path("rooms/<int:room_id>/join/", apis.RoomJoinApi.as_view(), name="room-join"),
    path("rooms/<int:room_id>/leave/", apis.RoomLeaveApi.as_view(), name="room-leave"),
    path("rooms/<int:room_id>/members/", apis.RoomMemberListApi.as_view(), name="room-members"),
    path(
        "rooms/<int:room_id>/members/<int:user_id>/",
        apis.RoomMemberDetailApi.as_view(),
        name="room-member-detail",
    ),
    path("rooms/<int:room_id>/bans/", apis.RoomBanListCreateApi.as_view(), name="room-bans"),
    path("rooms/<int:room_id>/bans/<int:user_id>/", apis.RoomBanDetailApi.as_view(), name="room-ban-detail"),
    path("direct/", apis.DirectRoomApi.as_view(), name="direct-room"),
    path("blocks/", apis.BlockListCreateApi.as_view(), name="block-list"),
    path("blocks/<int:user_id>/", apis.BlockDetailApi.as_view(), name="block-detail"),
]
