"""Files sent with messages (issue 11 §5; docs/messages.md, Files)."""

import asyncio
import io
import json

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from core.asgi import BodyLimit
from messaging.files import attachment_name_clean
from messaging.models import Attachment, Message, attachment_storage
from messaging.serializers import MESSAGE_FIELDS, MessageSerializer, message_row, messages_to_dicts
from messaging.services import message_create
from rooms.models import Room
from rooms.services import room_leave

from ..factories import UserFactory, room_with_members

pytestmark = pytest.mark.django_db


def png(width=640, height=480, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_names() -> set[str]:
    """Every file name in the attachments storage of this test run."""
    storage = attachment_storage()
    names: set[str] = set()

    def walk(folder: str) -> None:
        if not storage.exists(folder):
            return
        folders, files = storage.listdir(folder)
        names.update(f"{folder}/{f}" for f in files)
        for sub in folders:
            walk(f"{folder}/{sub}")

    walk("attachments")
    return names


def content(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture(autouse=True)
def _own_storage(monkeypatch, tmp_path):
    """Each test's files in a folder of its own (the database rolls back; a folder does not)."""
    storage = FileSystemStorage(location=tmp_path / "uploads")
    for field in ("file", "thumbnail"):
        monkeypatch.setattr(Attachment._meta.get_field(field), "storage", storage)


@pytest.fixture
def room(user, other_user):
    return room_with_members(owner=user, members=[other_user], kind=Room.Kind.PRIVATE, name="files")


def send(api, room, *, body="", client_id=None, files=()):
    data = {"body": body, "files": list(files)}
    if client_id is not None:
        data["client_id"] = client_id
    return api.post(f"/api/rooms/{room.pk}/messages/", data, format="multipart")


def test_an_image_and_a_text_file_are_stored_typed_by_their_bytes_and_served_to_members(
    api, make_client, other_user, room
):
    image = png()
    # The names lie: the type comes from the bytes.
    answer = send(
        api,
        room,
        body="the plan",
        files=[upload("plan.txt", image, "text/plain"), upload("notes.png", b"line one\nline two\n")],
    )
    assert answer.status_code == 201, answer.content
    message = answer.json()
    first, second = message["attachments"]
    assert first == {
        "id": first["id"],
        "name": "plan.txt",
        "size": len(image),
        "content_type": "image/png",
        "url": f"/api/attachments/{first['id']}/",
        "width": 640,
        "height": 480,
        "thumbnail_url": f"/api/attachments/{first['id']}/thumbnail/",
    }
    assert second["content_type"] == "text/plain" and second["name"] == "notes.png"
    assert second["width"] is None and second["thumbnail_url"] is None and second["size"] == 18

    bob = make_client(other_user)
    got = bob.get(first["url"])
    assert got.status_code == 200 and content(got) == image
    assert got["Content-Type"] == "image/png" and got["Content-Length"] == str(len(image))
    assert got["Content-Disposition"].startswith("inline")
    assert got["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert got["X-Content-Type-Options"] == "nosniff"
    text = bob.get(second["url"])
    assert content(text) == b"line one\nline two\n"
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert text["Content-Disposition"] == 'attachment; filename="notes.png"'

    thumbnail = bob.get(first["thumbnail_url"])
    assert thumbnail["Content-Type"] == "image/webp"
    with Image.open(io.BytesIO(content(thumbnail))) as small:
        assert small.format == "WEBP" and small.size == (320, 240)
    assert bob.get(second["url"] + "thumbnail/").status_code == 404

    # History reads the same shape, from the message's row.
    page = bob.get(f"/api/rooms/{room.pk}/messages/").json()["results"]
    assert page[-1]["attachments"] == message["attachments"]


def test_files_are_served_only_to_readers_of_the_room_and_go_with_their_message(
    api, make_client, user, other_user, room, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(api, room, files=[upload("a.png", png())]).json()
    url = message["attachments"][0]["url"]
    names = stored_names()
    assert len(names) == 2  # the file and its thumbnail

    stranger = make_client(UserFactory())
    assert stranger.get(url).status_code == 404
    assert stranger.get(url + "thumbnail/").status_code == 404
    assert make_client().get(url).status_code == 401

    bob = make_client(other_user)
    assert bob.get(url).status_code == 200
    room_leave(user=other_user, room_id=room.pk)
    assert bob.get(url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/api/messages/{message['id']}/").status_code in (200, 204)
    assert api.get(url).status_code == 404
    assert Attachment.objects.count() == 0
    assert stored_names() == set()
    assert Message.objects.get(pk=message["id"]).attachment_list == []


def test_a_retry_with_the_same_client_id_stores_nothing_twice(api, room):
    first = send(api, room, client_id="c-1", files=[upload("a.png", png())])
    names = stored_names()
    retry = send(api, room, client_id="c-1", files=[upload("a.png", png())])
    assert first.status_code == 201 and retry.status_code == 200
    assert retry.json() == first.json()
    assert Attachment.objects.count() == 1 and Message.objects.count() == 1
    assert stored_names() == names


def test_a_message_with_files_may_have_no_text_but_one_without_may_not(api, room):
    answer = send(api, room, body="  ", files=[upload("a.bin", b"\x00\x01\x02")])
    assert answer.status_code == 201
    assert answer.json()["body"] == "" and answer.json()["attachments"][0]["content_type"] == (
        "application/octet-stream"
    )
    empty = api.post(f"/api/rooms/{room.pk}/messages/", {"body": ""}, format="multipart")
    assert empty.status_code == 400 and empty.json()["code"] == "invalid"
    # Editing the text away keeps a message that still has its file.
    edited = api.patch(f"/api/messages/{answer.json()['id']}/", {"body": "caption"}, format="json")
    assert edited.status_code == 200 and edited.json()["body"] == "caption"
    cleared = api.patch(f"/api/messages/{answer.json()['id']}/", {"body": ""}, format="json")
    assert cleared.status_code == 200 and cleared.json()["body"] == ""


def test_limits_refuse_before_anything_is_stored(api, room, settings):
    settings.CHAT_UPLOAD_MAX_BYTES = 1000
    settings.CHAT_UPLOAD_MAX_FILES = 2
    big = send(api, room, body="x", files=[upload("big.bin", b"x" * 1001)])
    assert big.status_code == 413
    assert big.json() == {"detail": big.json()["detail"], "code": "too_large", "limit": 1000}
    many = send(api, room, body="x", files=[upload(f"{n}.txt", b"hi") for n in range(3)])
    assert many.status_code == 400 and many.json()["code"] == "invalid"
    empty = send(api, room, body="x", files=[upload("empty.txt", b"")])
    assert empty.status_code == 400 and "empty" in empty.json()["detail"]
    assert Message.objects.count() == 0 and Attachment.objects.count() == 0
    assert stored_names() == set()
    assert api.get("/api/limits/").json() == {
        "body_max": 4000,
        "upload_max_bytes": 1000,
        "upload_max_files": 2,
        "upload_max_request_bytes": settings.CHAT_UPLOAD_MAX_REQUEST_BYTES,
    }


def test_a_failed_write_takes_its_files_back_from_the_storage(user, room, monkeypatch):
    from messaging.files import attachments_prepare

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Attachment.objects, "bulk_create", broken)
    files = attachments_prepare([upload("a.png", png())])
    with pytest.raises(RuntimeError):
        message_create(room_id=room.pk, author=user, body="", files=files)
    assert stored_names() == set() and Message.objects.count() == 0


def test_an_image_with_too_many_pixels_is_kept_as_a_download_without_decoding(api, room, settings):
    settings.CHAT_UPLOAD_MAX_PIXELS = 100 * 100
    answer = send(api, room, files=[upload("wide.png", png(200, 100))])
    (attachment,) = answer.json()["attachments"]
    assert attachment["content_type"] == "image/png"
    assert (attachment["width"], attachment["height"], attachment["thumbnail_url"]) == (200, 100, None)
    assert api.get(attachment["url"])["Content-Disposition"].startswith("attachment")


def test_a_broken_image_is_kept_as_a_download(api, room):
    broken = png()[:60]  # a PNG signature and header, no pixels
    (attachment,) = send(api, room, files=[upload("cut.png", broken)]).json()["attachments"]
    assert attachment["content_type"] == "image/png" and attachment["thumbnail_url"] is None
    assert api.get(attachment["url"])["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    "given, kept",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\report.pdf", "report.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ('a<b>:"c".txt', "a_b___c_.txt"),
        ("...", "file"),
        ("", "file"),
        ("x" * 300 + ".jpeg", "x" * 250 + ".jpeg"),
    ],
)
def test_file_names_lose_paths_and_invisible_controls(given, kept):
    assert attachment_name_clean(given) == kept


def test_a_history_page_with_files_costs_the_queries_of_one_without(api, user, room):
    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"/api/rooms/{room.pk}/messages/").status_code == 200
        return len(queries)

    for n in range(3):
        message_create(room_id=room.pk, author=user, body=f"plain {n}")
    plain = page_queries()
    for _ in range(3):
        send(api, room, body="with files", files=[upload("a.png", png(32, 32)), upload("b.txt", b"b")])
    assert page_queries() == plain


def test_rows_instances_and_the_serializer_render_attachments_alike(api, room):
    message_id = send(api, room, body="x", files=[upload("a.png", png(32, 32))]).json()["id"]
    loaded = Message.objects.select_related("author", "reply_to", "reply_to__author").get(pk=message_id)
    (row,) = Message.objects.filter(pk=message_id).values(*MESSAGE_FIELDS)
    assert message_row(loaded) == row
    (as_row,) = messages_to_dicts([row])
    assert json.dumps(as_row, sort_keys=True) == json.dumps(
        dict(MessageSerializer(loaded).data), sort_keys=True
    )


def test_the_sockets_hear_of_a_message_with_its_files(
    api, room, sent_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(api, room, body="look", files=[upload("a.png", png(32, 32))]).json()
    (_, frame), *_ = sent_events.frames("message.new")
    assert frame["message"]["attachments"] == message["attachments"]


def body_limit_call(headers, chunks):
    """Run BodyLimit around an app that reads the whole body; returns (app saw, sent)."""
    seen: list[dict] = []
    sent: list[dict] = []
    pending = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)
    ]

    async def app(scope, receive, send):
        while True:
            message = await receive()
            seen.append(message)
            if message["type"] == "http.disconnect" or not message.get("more_body"):
                return

    async def receive():
        return pending.pop(0)

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/", "headers": headers}
    asyncio.run(BodyLimit(app)(scope, receive, send))
    return seen, sent


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(settings):
    settings.CHAT_UPLOAD_MAX_REQUEST_BYTES = 100
    seen, sent = body_limit_call([(b"content-length", b"101")], [b"x" * 101])
    assert seen == [] and sent[0]["status"] == 413
    assert json.loads(sent[1]["body"]) == {
        "detail": "A request body is at most 100 bytes.",
        "code": "too_large",
        "limit": 100,
    }
    # Without a length the body is counted: past the limit the application hears a disconnect.
    seen, sent = body_limit_call([], [b"x" * 60, b"x" * 60])
    assert [m["type"] for m in seen] == ["http.request", "http.disconnect"] and sent == []
    seen, _ = body_limit_call([(b"content-length", b"100")], [b"x" * 100])
    assert seen[0]["body"] == b"x" * 100
