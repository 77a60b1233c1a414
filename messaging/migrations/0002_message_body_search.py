"""The GIN index of message search on PostgreSQL (messaging.selectors.message_search).

An index on an expression is used only for a query with the very same
expression: this is what Django compiles SearchVector("body",
config="english") to. Other databases get nothing (their search is a plain
contains-match), and the model does not declare the index, so SQLite's
table rebuilds never try to create it.
"""

from django.db import migrations

INDEX = "message_body_search"
CREATE = (
    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON messaging_message "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(body, '')))"
)
DROP = f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    # CONCURRENTLY, which cannot run in a transaction, builds the index on a
    # deployed message table without blocking new messages meanwhile.
    atomic = False

    dependencies = [
        ("messaging", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
