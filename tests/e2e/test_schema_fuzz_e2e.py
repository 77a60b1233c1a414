"""schemathesis against a live daphne's OpenAPI schema (issue 9, Fuzzing).

Every operation of `/api/schema/` gets a bounded number of generated
requests, authenticated with a user's token, in three passes: valid data
with path parameters as generated (mostly unknown ids); valid data with
path parameters naming a room, message and user that exist and that the
caller may act on, so the 200 answers are checked too; and data that
breaks the schema (wrong types, missing fields), which must be refused with
a 4xx. Each response must not be a 5xx and must match the schema
documented for its status. Hypothesis runs derandomized, so a failure
repeats.
"""

import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from .harness import ChatClient

pytestmark = pytest.mark.e2e

EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 6}
CHECKS = [not_a_server_error, response_schema_conformance]
# Ending the caller's session would leave every later request at 401.
SESSION_ENDING = {("POST", "/api/auth/logout/"), ("POST", "/api/auth/password/change/")}


def world(server) -> dict:
    """A caller with a room of theirs holding a message, and another member in it."""
    me, other = ChatClient(server), ChatClient(server)
    room = me.call("POST", "/api/rooms/", {"name": f"fuzz-{uuid.uuid4().hex[:6]}", "kind": "public"})
    other.call("POST", f"/api/rooms/{room['id']}/join/")
    message = me.call("POST", f"/api/rooms/{room['id']}/messages/", {"body": "fuzz me", "client_id": "f1"})
    return {
        "headers": {"Authorization": f"Token {me.token}"},
        "path": {"room_id": room["id"], "message_id": message["id"], "user_id": other.id},
    }


def run_operation(operation, *, server, state: dict, fixed_paths: bool, mode: GenerationMode) -> None:
    path_parameters = None
    if fixed_paths:
        names = {p.name for p in operation.path_parameters}
        path_parameters = {k: v for k, v in state["path"].items() if k in names}
        if not path_parameters:
            return

    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode, path_parameters=path_parameters))
    def check(case):
        case.call_and_validate(base_url=server.url, headers=state["headers"], checks=CHECKS, timeout=10)

    check()


def test_every_operation_answers_without_5xx_and_as_its_schema_says(server):
    schema = schemathesis.openapi.from_url(f"{server.url}/api/schema/?format=json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    # The ones that end the caller's session go last, each with a caller of its own.
    operations.sort(key=lambda op: (op.method.upper(), op.path) in SESSION_ENDING)
    failures = []
    passes = [
        (GenerationMode.POSITIVE, False),
        (GenerationMode.POSITIVE, True),
        (GenerationMode.NEGATIVE, True),
    ]
    for mode, fixed_paths in passes:
        state = world(server)
        for operation in operations:
            if (operation.method.upper(), operation.path) in SESSION_ENDING:
                state = world(server)
            try:
                run_operation(operation, server=server, state=state, fixed_paths=fixed_paths, mode=mode)
            except (Exception, BaseExceptionGroup) as exc:  # collect them all: one run shows every finding
                failures.append(f"{mode.value} {operation.method.upper()} {operation.path}: {exc}")
    assert failures == [], "\n\n".join(failures)
