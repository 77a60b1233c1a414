"""What one search costs over ~200k public messages (issue 9, item 5).

Seeds, once, a user and ten public rooms holding 200,000 messages of 8 to 15
words drawn from a 60-word vocabulary ("lorem" opens every other one), in
one `INSERT ... SELECT generate_series`, then times `GET /api/search/` for a
few queries through the whole Django stack (token auth, throttle, view,
selector, pagination, serialization). Run it on a database of its own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chat_search_bench \\
      .venv/bin/python bench/search_cost.py [--repeat 3]

It migrates that database first. Prints one line a query: status, count,
and the best and median wall time in milliseconds.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("SEARCH_THROTTLE_RATE", "100000/min")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

MESSAGES = 200_000
ROOMS = 10
WORDS = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut "
    "labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris "
    "nisi aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate velit esse "
    "cillum fugiat nulla pariatur excepteur sint occaecat cupidatat non proident sunt culpa qui "
    "officia deserunt mollit anim id est laborum"
).split()
QUERIES = [
    "lorem",
    "lorem ipsum dolor",
    '"magna aliqua"',
    '"lorem ipsum"',
    "dolor or magna or elit or sed or tempor or ut or et or ad",
    "dolor -lorem",
    "zebra",
    "-zebra",
    "lorem -zebra",
    "-a -b -c -d -e -f -g -h",
    "lorem ipsum dolor sit amet elit sed tempor",
    "-" * 40,
]


def seed() -> None:
    from accounts.models import User
    from rooms.models import Room

    if Room.objects.filter(name__startswith="bench-search-").count() == ROOMS:
        return
    user = User.objects.create_user(username="bench-search", password="bench-search-pw")
    rooms = [
        Room.objects.create(kind="public", name=f"bench-search-{i}", created_by=user) for i in range(ROOMS)
    ]
    first = rooms[0].pk
    words = "ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "]"
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            f"""
            INSERT INTO messaging_message (room_id, seq, author_id, body, created_at)
            SELECT %s + (i %% %s), i / %s + 1, %s,
                   CASE WHEN i %% 2 = 0 THEN 'lorem ' ELSE '' END || (
                       SELECT string_agg(({words})[1 + floor(random() * {len(WORDS)})::int], ' ')
                       FROM generate_series(1, 8 + (i * 7) %% 8) AS g
                   ),
                   now() - (%s - i) * interval '1 second'
            FROM generate_series(0, %s - 1) AS i
            """,
            [first, ROOMS, ROOMS, user.pk, MESSAGES, MESSAGES],
        )
        cursor.execute(
            "UPDATE rooms_room r SET last_seq = m.top FROM "
            "(SELECT room_id, max(seq) AS top FROM messaging_message GROUP BY room_id) m "
            "WHERE m.room_id = r.id"
        )
        cursor.execute("ANALYZE messaging_message")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    seed()
    from accounts.models import User

    user = User.objects.get(username="bench-search")
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM messaging_message")
        print(f"{cursor.fetchone()[0]} messages")
    for q in QUERIES:
        times, status, count = [], None, None
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get("/api/search/", {"q": q}, HTTP_HOST="127.0.0.1")
            times.append((time.perf_counter() - start) * 1000)
            status = response.status_code
            count = response.json().get("count") if status == 200 else response.json().get("detail")
        print(
            f"{q[:44]!r:48} {status}  {str(count)[:40]:40} "
            f"best {min(times):8.1f} ms  median {statistics.median(times):8.1f} ms"
        )


if __name__ == "__main__":
    main()
