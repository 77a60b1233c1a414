from django.contrib.auth.models import AbstractUser
from django.db import models

from .names import username_key


class User(AbstractUser):
    """A registered user. Custom from the first migration, as Django's docs advise.

    `name_key` is what the username looks like (`accounts.names.username_key`),
    kept by `save()`, so a new name is compared with every existing one in one
    indexed query.
    """

    name_key = models.CharField(max_length=150, db_index=True, editable=False, default="")

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def save(self, *args, **kwargs):
        self.name_key = username_key(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)
