from django.urls import path

from . import apis

urlpatterns = [
    path("rooms/<int:room_id>/leave/", apis.RoomLeaveApi.as_view(), name="room-leave"),
    path("rooms/<int:room_id>/members/", apis.RoomMemberListApi.as_view(), name="room-members"),
    path("blocks/", apis.BlockListCreateApi.as_view(), name="block-list"),
    path("blocks/<int:user_id>/", apis.BlockDetailApi.as_view(), name="block-detail"),
]
