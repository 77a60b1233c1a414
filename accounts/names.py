"""Rules for names people see: usernames (and the text checks room names share).

A username is normalized with NFKC at registration and rename (so fullwidth
`ｖｉｃ７７１８` is `vic7718`), and refused when it is reserved (`admin`,
`support`, ...), when it contains a bidirectional control or an invisible
character, or when it looks like an existing user's name: two names collide
when their keys (NFKC, case-folded, each non-ASCII letter replaced by the
ASCII letter it is confusable with, from Unicode's confusables data through
the `confusable_homoglyphs` library) are equal, so Cyrillic `ѵіс7718` is
refused beside `vic7718`. The rules follow Unicode's UTS #39 (security
mechanisms) in spirit.
"""

import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables
from django.core.exceptions import ValidationError

RESERVED_USERNAMES = frozenset(
    {
        "admin", "administrator", "root", "system", "sysadmin", "moderator", "mod", "staff",
        "support", "help", "helpdesk", "security", "official", "owner", "server", "api",
        "bot", "chat", "everyone", "here", "room", "null", "undefined", "anonymous", "nobody",
        "webmaster", "postmaster", "hostmaster", "abuse", "info", "noreply", "no-reply",
    }
)  # fmt: skip

# Bidirectional embeddings, overrides and isolates (LRE..RLO, LRI..PDI) and marks.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Letters and symbols that render as nothing (fillers, blank braille).
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"}


def has_bidi_control(text: str) -> bool:
    return any(ch in BIDI_CONTROLS for ch in text)


def is_visible(ch: str) -> bool:
    """Whether `ch` draws something: not a control, format, space, combining mark or filler."""
    return ch not in _BLANK and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES


def has_visible_character(text: str) -> bool:
    return any(is_visible(ch) for ch in text)


@lru_cache(maxsize=4096)
def _ascii_lookalike(ch: str) -> str:
    found = confusables.is_confusable(ch, greedy=True)
    for entry in found or ():
        for glyph in entry["homoglyphs"]:
            if glyph["c"].isascii() and len(glyph["c"]) == 1:
                return glyph["c"].casefold()
    return ch


def username_key(username: str) -> str:
    """What a name looks like, for comparing names: NFKC, case-folded, lookalikes made ASCII."""
    text = unicodedata.normalize("NFKC", username).casefold()
    return "".join(ch if ch.isascii() else _ascii_lookalike(ch) for ch in text)


def username_clean(username: str) -> str:
    """`username` NFKC-normalized; ValidationError if it is reserved, spoofs a name or hides characters.

    Does not check that it is free (allauth and the unique index do), nor that
    it does not look like an existing user's name (`username_check_confusable`).
    """
    name = unicodedata.normalize("NFKC", username).strip()
    if has_bidi_control(name):
        raise ValidationError("A username may not contain bidirectional control characters.", code="invalid")
    if not name or not all(is_visible(ch) for ch in name):
        raise ValidationError("A username may contain only visible characters.", code="invalid")
    if username_key(name) in RESERVED_USERNAMES:
        raise ValidationError("This username is reserved.", code="reserved")
    return name


def username_check_confusable(username: str) -> None:
    """ValidationError if `username` looks like another user's name (equal keys, different names)."""
    from .models import User

    if User.objects.filter(name_key=username_key(username)).exclude(username__iexact=username).exists():
        raise ValidationError("This username looks too much like an existing one.", code="confusable")
