"""Files sent with messages (issue 11 §5): checking an upload before it is stored.

An upload is judged by its bytes, never by its name or the client's
Content-Type: `filetype` reads the type from the first bytes, Pillow reads an
image's dimensions and makes its thumbnail. The limits are settings
(CHAT_UPLOAD_MAX_BYTES, CHAT_UPLOAD_MAX_FILES, CHAT_UPLOAD_MAX_PIXELS,
CHAT_THUMBNAIL_MAX_PX; docs/messages.md, Files).
"""

import io
import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps

from core.errors import Invalid, TooLarge

# Types a browser may show inline from our origin: raster images only. SVG (script),
# HTML, PDF and the rest are served as downloads (AttachmentFileApi).
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
NAME_MAX = 255
_SNIFF_BYTES = 8192
# Path separators, and characters that mean something to a shell or a file system.
_UNSAFE_NAME = re.compile(r'[/\\:*?"<>|]')


@dataclass
class PreparedFile:
    """An upload that passed the checks, with what was read from its bytes.

    `size` in bytes; `width`, `height` in pixels (images, upright as EXIF
    orientation shows them), else None; `thumbnail`: WebP bytes, for images
    within CHAT_UPLOAD_MAX_PIXELS only.
    """

    upload: UploadedFile
    name: str
    size: int
    content_type: str
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None


def attachment_name_clean(name: str | None) -> str:
    """The name a download is offered under: the last path segment of `name`, without
    control, format (bidirectional overrides among them) or path characters, at most
    NAME_MAX characters with its extension kept; "file" when nothing is left."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    if len(name) > NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 16:
            name = stem[: NAME_MAX - len(extension) - 1] + "." + extension
        else:
            name = name[:NAME_MAX]
    return name or "file"


def _content_type(head: bytes) -> str:
    """The MIME type the first bytes show; text/plain for UTF-8 text without NUL, else
    application/octet-stream when `filetype` knows no signature."""
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if b"\x00" in head:
        return "application/octet-stream"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A sequence cut by the end of the sniffed bytes is still text.
        if error.start < len(head) - 3 or len(head) < _SNIFF_BYTES:
            return "application/octet-stream"
    return "text/plain"


def _image_read(upload: UploadedFile) -> tuple[int, int, bytes | None] | None:
    """(width, height, WebP thumbnail or None) of an image upload; None when Pillow cannot read it.

    The header alone gives the size; pixels are decoded only when there are
    at most CHAT_UPLOAD_MAX_PIXELS of them (a small file can declare a huge
    image: a decompression bomb). JPEGs decode at reduced scale (draft).
    """
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            width, height = image.size
            orientation = image.getexif().get(0x0112, 1)
            if orientation in (5, 6, 7, 8):
                width, height = height, width
            if width * height > settings.CHAT_UPLOAD_MAX_PIXELS:
                return width, height, None
            edge = settings.CHAT_THUMBNAIL_MAX_PX
            image.draft("RGB", (edge, edge))
            thumbnail = ImageOps.exif_transpose(image)
            thumbnail.thumbnail((edge, edge))
            if thumbnail.mode not in ("RGB", "RGBA"):
                thumbnail = thumbnail.convert("RGBA" if "transparency" in thumbnail.info else "RGB")
            out = io.BytesIO()
            thumbnail.save(out, format="WEBP", quality=80)
            return width, height, out.getvalue()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        upload.seek(0)


def attachments_prepare(uploads: list[UploadedFile]) -> list[PreparedFile]:
    """Check the files of one message and read what is stored with them, in order.

    Raises Invalid (more than CHAT_UPLOAD_MAX_FILES files, an empty file) or
    TooLarge (a file over CHAT_UPLOAD_MAX_BYTES; `limit` says the limit).
    An image Pillow cannot decode is kept as a file without dimensions or
    thumbnail (it is then offered only as a download).
    """
    if len(uploads) > settings.CHAT_UPLOAD_MAX_FILES:
        raise Invalid(f"A message has at most {settings.CHAT_UPLOAD_MAX_FILES} files.")
    prepared = []
    for upload in uploads:
        name = attachment_name_clean(upload.name)
        size = upload.size or 0
        if size == 0:
            raise Invalid(f"The file {name!r} is empty.")
        if size > settings.CHAT_UPLOAD_MAX_BYTES:
            raise TooLarge(
                f"The file {name!r} is larger than {settings.CHAT_UPLOAD_MAX_BYTES} bytes.",
                limit=settings.CHAT_UPLOAD_MAX_BYTES,
            )
        upload.seek(0)
        head = upload.read(_SNIFF_BYTES)
        upload.seek(0)
        file = PreparedFile(upload=upload, name=name, size=size, content_type=_content_type(head))
        if file.content_type in INLINE_IMAGE_TYPES:
            image = _image_read(upload)
            if image is not None:
                file.width, file.height, file.thumbnail = image
        prepared.append(file)
    return prepared
