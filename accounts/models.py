from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A registered user. Custom from the first migration, as Django's docs advise."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
