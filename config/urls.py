from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import schema, views  # noqa: F401  (schema registers OpenAPI extensions)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[]), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="schema", permission_classes=[]),
        name="docs",
    ),
    path("api/auth/", include("accounts.urls")),
    path("api/", include("rooms.urls")),
    path("api/", include("messaging.urls")),
    # Everything else is the single-page app, which routes on the client.
    re_path(r"^(?!api/|admin/|static/|ws/).*$", views.spa, name="spa"),
]
