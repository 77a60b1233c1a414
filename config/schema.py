"""drf-spectacular extensions: where DRF's fields say more than the default mapping.

Imported by config.urls, so they are registered before any schema is built.
"""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes


class BlankableEmailFieldExtension(OpenApiSerializerFieldExtension):
    """An EmailField with `allow_blank`, or a read-only one (DRF validates nothing it
    sends), also carries "" (a user without an email), which `format: email` alone
    forbids: say "an email or the empty string"."""

    target_class = "rest_framework.fields.EmailField"

    def map_serializer_field(self, auto_schema, direction):
        email = build_basic_type(OpenApiTypes.EMAIL)
        if not (self.target.read_only or getattr(self.target, "allow_blank", False)):
            return email
        return {"anyOf": [email, {"type": "string", "enum": [""]}]}
