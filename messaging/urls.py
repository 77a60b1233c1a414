from django.urls import path

from . import apis

urlpatterns = [
    path("rooms/<int:room_id>/messages/", apis.RoomMessageListCreateApi.as_view(), name="room-messages"),
    path("rooms/<int:room_id>/read/", apis.RoomReadApi.as_view(), name="room-read"),
    path("messages/<int:message_id>/", apis.MessageDetailApi.as_view(), name="message-detail"),
    path("search/", apis.MessageSearchApi.as_view(), name="message-search"),
]
