"""allauth's account adapter with the project's username rules (`accounts.names`)."""

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.core.exceptions import ValidationError

from .names import username_check_confusable, username_clean


class AccountAdapter(DefaultAccountAdapter):
    """Registration and rename (dj-rest-auth's `PATCH /api/auth/user/` calls `clean_username` too)."""

    def clean_username(self, username, shallow=False):
        try:
            username = username_clean(username)
            if not shallow:
                username_check_confusable(username)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0], code=exc.code) from None
        return super().clean_username(username, shallow=shallow)
