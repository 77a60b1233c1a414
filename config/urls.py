from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import schema, views  # noqa: F401  (schema registers OpenAPI extensions)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[]), name="schema"),
    path(
        "api/docs/",
        # The split view serves its init script as a file (?script), not inline (CSP);
        # Swagger UI adds <style> elements, which can style but never run code.
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema", permission_classes=[])
        ),
        name="docs",
    ),
    path("api/auth/", include("accounts.urls")),
    path("api/", include("rooms.urls")),
    path("api/", include("messaging.urls")),
    path("api/", include("moderation.urls")),
    # The link of the password-reset email: a page of the single-page app, which
    # posts uid and token to /api/auth/password/reset/confirm/. Named as
    # dj-rest-auth's reset form looks it up.
    re_path(
        r"^reset-password/(?P<uid>[0-9A-Za-z]+)/(?P<token>[0-9A-Za-z-]+)/?$",
        views.spa,
        name="password_reset_confirm",
    ),
    # Everything else is the single-page app, which routes on the client.
    re_path(r"^(?!api/|admin/|static/|ws/).*$", views.spa, name="spa"),
]
