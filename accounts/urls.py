from django.urls import include, path

from .apis import WsTicketApi

urlpatterns = [
    path("ws-ticket/", WsTicketApi.as_view(), name="ws-ticket"),
    path("registration/", include("dj_rest_auth.registration.urls")),
    path("", include("dj_rest_auth.urls")),
]
