from django.urls import path

from . import apis

urlpatterns = [
    path("rooms/<int:room_id>/", apis.RoomDetailApi.as_view(), name="room-detail"),
    path(
        "rooms/<int:room_id>/members/<int:user_id>/",
        apis.RoomMemberDetailApi.as_view(),
        name="room-member-detail",
    ),
    path("rooms/<int:room_id>/bans/", apis.RoomBanListCreateApi.as_view(), name="room-bans"),
    path("rooms/<int:room_id>/bans/<int:user_id>/", apis.RoomBanDetailApi.as_view(), name="room-ban-detail"),
    path("messages/<int:message_id>/", apis.MessageDetailApi.as_view(), name="message-detail"),
]
