from django.urls import include, path

from .apis import LoginApi, LogoutApi, PasswordChangeApi, WsTicketApi

urlpatterns = [
    path("ws-ticket/", WsTicketApi.as_view(), name="ws-ticket"),
    path("registration/", include("dj_rest_auth.registration.urls")),
    # Ahead of dj-rest-auth's own views of the same paths, which they extend.
    path("login/", LoginApi.as_view(), name="rest_login"),
    path("logout/", LogoutApi.as_view(), name="rest_logout"),
    path("password/change/", PasswordChangeApi.as_view(), name="rest_password_change"),
    path("", include("dj_rest_auth.urls")),
]
