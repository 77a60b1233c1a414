from django.urls import path

from . import apis

urlpatterns = [
    path("rooms/", apis.RoomListCreateApi.as_view(), name="room-list"),
    path("rooms/public/", apis.PublicRoomListApi.as_view(), name="room-public-list"),
    path("rooms/<int:room_id>/join/", apis.RoomJoinApi.as_view(), name="room-join"),
    path("direct/", apis.DirectRoomApi.as_view(), name="direct-room"),
    path("rooms/<int:room_id>/messages/", apis.RoomMessageListCreateApi.as_view(), name="room-messages"),
    path("rooms/<int:room_id>/star/", apis.RoomStarApi.as_view(), name="room-star"),
    path("rooms/<int:room_id>/read/", apis.RoomReadApi.as_view(), name="room-read"),
    path(
        "rooms/<int:room_id>/notifications/", apis.RoomNotificationsApi.as_view(), name="room-notifications"
    ),
    path(
        "messages/<int:message_id>/reactions/",
        apis.MessageReactionListApi.as_view(),
        name="message-reactions",
    ),
    path(
        "messages/<int:message_id>/reactions/<str:emoji>/",
        apis.MessageReactionApi.as_view(),
        name="message-reaction",
    ),
    path("search/", apis.MessageSearchApi.as_view(), name="message-search"),
    path("attachments/<int:attachment_id>/", apis.AttachmentFileApi.as_view(), name="attachment-file"),
    path(
        "attachments/<int:attachment_id>/thumbnail/",
        apis.AttachmentThumbnailApi.as_view(),
        name="attachment-thumbnail",
    ),
    path("limits/", apis.LimitsApi.as_view(), name="limits"),
]
