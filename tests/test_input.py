"""Hostile input at the edge, against the real app process on SQLite and PostgreSQL: every case gets a clear
error in the caller's language (never a 500), the web chat socket stays open through all of them, and
nothing is stored twice; the text that is stored is normalised. Schemathesis fuzzes /openapi.json."""
from __future__ import annotations

import asyncio
import json
import time
import unicodedata
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
import websockets
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from pydantic import TypeAdapter, ValidationError

from appserver import App, app_process, postgres_database
from assistant.api import ERRORS
from assistant.db import session_factory
from assistant.engine import SECRET_HEADER
from assistant.i18n import gettext
from assistant.inputs import Text
from assistant.settings import Settings
from channels.server import create_app, migrate
from channels.webchat import WS_ERRORS
from conftest import WAIT
from handoff.agents import create_user

pytestmark = pytest.mark.input
PASSWORD = "correct horse battery"
JSON = {"Content-Type": "application/json", "Accept-Language": "sv"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(request, tmp_path_factory) -> Iterator[str]:
    """The hostile cases on both databases: PostgreSQL's text refuses NUL, SQLite's does not."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('input') / 'neuvo.db'}"
    else:
        with postgres_database() as url:
            yield url


@pytest.fixture(scope="module")
def app(database) -> Iterator[App]:
    with app_process(database) as running:
        yield running


def swedish(code: str, **values: object) -> str:
    """An error's text in Swedish, as the REST API and the console say it."""
    return gettext("sv", ERRORS[code], **values)


def swedish_frame(code: str) -> str:
    """An error frame's text in Swedish, as the web chat says it."""
    return gettext("sv", WS_ERRORS.get(code) or ERRORS[code], limit=2000)


def transcript(app: App, conversation_id: str, token: str) -> list[dict]:
    response = httpx.get(f"{app.url}/api/v1/conversations/{conversation_id}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return response.json()["messages"]


# (what, path, raw body, extra headers, status, error code); {conversation} is a real conversation
REST_CASES = [
    ("lone surrogate", "messages", b'{"text": "hej \\ud800"}', {}, 422, "invalid_characters"),
    ("NUL", "messages", b'{"text": "hej\\u0000hopp"}', {}, 422, "invalid_characters"),
    ("escape character", "messages", b'{"text": "\\u001b[31mhej"}', {}, 422, "invalid_characters"),
    ("3,000 nested [", "messages", b"[" * 3000, {}, 400, "invalid_body"),
    ("3,000 nested {", "messages", b'{"text": ' * 3000, {}, 400, "invalid_body"),
    ("text is a dict", "messages", b'{"text": {"a": 1}}', {}, 422, "invalid_body"),
    ("text is 1e30", "messages", b'{"text": 1e30}', {}, 422, "invalid_body"),
    ("not UTF-8", "messages", b'{"text": "\xff\xfe"}', {}, 400, "invalid_body"),
    ("a JSON string", "messages", b'"hej"', {}, 422, "invalid_body"),
    ("region is a dict", "start", b'{"region": {"code": "15"}}', {}, 422, "invalid_region"),
    ("region over 20 characters", "start", json.dumps({"region": "1" * 21}).encode(), {}, 422, "invalid_region"),
    ("region is no region code", "start", b'{"region": "99"}', {}, 422, "invalid_region"),
    ("region with a surrogate", "start", b'{"region": "\\ud800"}', {}, 422, "invalid_characters"),
    ("language is a list", "start", b'{"lang": ["sv"]}', {}, 422, "unsupported_language"),
    ("non-ASCII token", "messages", b'{"text": "hej"}', {"Authorization": "Bearer ä.ä.ä".encode()}, 401, "invalid_token"),
    ("8 kB token", "messages", b'{"text": "hej"}', {"Authorization": "Bearer " + "A" * 8000}, 401, "invalid_token"),
    ("non-ASCII scheme", "messages", b'{"text": "hej"}', {"Authorization": "Bäarer x".encode()}, 401, "invalid_token"),
]


def test_hostile_rest_input_gets_a_clear_error_and_nothing_is_stored(app):
    with httpx.Client(base_url=app.url, timeout=WAIT) as http:
        opened = http.post("/api/v1/conversations", json={"lang": "sv"}).json()
        conversation, token = opened["conversation_id"], opened["token"]
        paths = {"messages": f"/api/v1/conversations/{conversation}/messages", "start": "/api/v1/conversations"}
        for what, path, body, headers, status, code in REST_CASES:
            response = http.post(paths[path], content=body,
                                 headers={**JSON, "Authorization": f"Bearer {token}", **headers})
            assert (response.status_code, response.json()["error"]["code"]) == (status, code), what
            assert response.json()["error"]["message"] == swedish(code), what
        for language in ("ä" * 600, "sv;q=abc, ;;, *;q=-1", "sv-" + "x" * 5000):  # no browser sends these: English
            response = http.post(paths["messages"], content=b'{"text": "\\ud800"}',
                                 headers={"Content-Type": "application/json", "Accept-Language": language.encode(),
                                          "Authorization": f"Bearer {token}"})
            assert response.status_code == 422 and response.json()["error"]["message"].startswith("The text")
        ok = http.post(paths["messages"], json={"text": "Vad är lönesubvention?"}, headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200 and ok.json()["language"] == "sv"
    customer = [m["text"] for m in transcript(app, conversation, token) if m["from"] == "customer"]
    assert customer == ["Vad är lönesubvention?"]  # none of the hostile ones, the good one once


async def frames_until(ws, predicate, timeout: float = WAIT) -> list[dict]:
    seen: list[dict] = []
    async with asyncio.timeout(timeout):
        while not seen or not predicate(seen[-1]):
            seen.append(json.loads(await ws.recv()))
    return seen


async def error_for(ws, raw: str | bytes) -> dict:
    """Send a hostile frame; the error frame that answers it (a bot typing frame may come first)."""
    await ws.send(raw)
    return (await frames_until(ws, lambda f: f["type"] == "error"))[-1]


def test_hostile_frames_get_a_clear_error_and_the_socket_stays_open(app):
    async def scenario() -> tuple[str, str]:
        async with websockets.connect(app.ws_url, origin=app.url) as ws:
            await ws.send(json.dumps({"type": "start", "lang": "sv"}))
            started = json.loads(await ws.recv())
            token = started["token"]
            cases = [  # (raw frame, error code, the message id the error names)
                ('{"type": ["x"]}', "invalid_frame", None),
                ('{"type": "start", "region": {"a": 1}}', "invalid_region", None),
                (json.dumps({"type": "start", "region": "1" * 21}), "invalid_region", None),
                ('{"type": "start", "lang": "de"}', "unsupported_language", None),
                ('{"type": "resume", "token": "ä.ä", "last_seq": 0}', "invalid_token", None),
                (json.dumps({"type": "resume", "token": token, "last_seq": 1e30}), "invalid_token", None),
                (json.dumps({"type": "resume", "token": token, "last_seq": 10**30}), "invalid_token", None),
                (json.dumps({"type": "resume", "token": token, "last_seq": True}), "invalid_token", None),
                ("[" * 3000, "invalid_json", None),
                ('{"a":' * 1500, "invalid_json", None),
                (b'\xff\xfe{"type": "ping"}', "invalid_json", None),  # a binary frame that is no UTF-8
                ('{"type": "message", "id": "m-1", "text": "hej \\ud800"}', "invalid_characters", "m-1"),
                ('{"type": "message", "id": "m-2", "text": "hej\\u0000hopp"}', "invalid_characters", "m-2"),
                ('{"type": "message", "id": "m-3", "text": ["hej"]}', "invalid_text", "m-3"),
                ('{"type": "message", "id": {"x": 1}, "text": "hej"}', "invalid_id", None),
                (json.dumps({"type": "message", "id": "i" * 65, "text": "hej"}), "invalid_id", None),
                ('{"type": "message", "id": "m-4", "text": "   "}', "empty_message", "m-4"),
                ('{"type": "typing", "on": "yes"}', "invalid_frame", None),
                ('{"type": "leave_message", "id": "l-1", "kind": "message", "email": {"a": 1}, "text": "x"}',
                 "invalid_email", "l-1"),
                ('{"type": "leave_message", "id": "l-2", "kind": ["message"]}', "invalid_frame", "l-2"),
            ]
            for raw, code, client_id in cases:
                error = await error_for(ws, raw)
                assert (error["code"], error.get("id")) == (code, client_id), raw[:60]
                assert error["message"] == swedish_frame(code), raw[:60]
            for _ in range(2):  # a good message, and its resend after a lost ack
                await ws.send(json.dumps({"type": "message", "id": "ok-1", "text": "Vad är lönesubvention?"}))
                await frames_until(ws, lambda f: f["type"] == "ack")
            await ws.send(json.dumps({"type": "ping"}))
            await frames_until(ws, lambda f: f["type"] == "pong")  # still the same socket, still open
            return started["conversation_id"], token

    conversation, token = asyncio.run(asyncio.wait_for(scenario(), 120))
    customer = [(m["text"]) for m in transcript(app, conversation, token) if m["from"] == "customer"]
    assert customer == ["Vad är lönesubvention?"]


def test_hostile_console_input_gets_a_clear_error(app, database):
    create_user(session_factory(database), "anna", PASSWORD, "Anna", "agent", ["fi"])
    with httpx.Client(base_url=app.url, timeout=WAIT, headers={"Accept-Language": "sv"}) as http:
        for body, code in ((b'{"username": "\\ud800", "password": "x"}', "invalid_characters"),
                           (b'{"username": "anna\\u0000", "password": "x"}', "invalid_characters"),
                           (b'{"username": "anna", "password": "\\udfff"}', "invalid_characters"),
                           (b'{"username": ["anna"], "password": "x"}', "invalid_body"),
                           (b"[" * 3000, "invalid_body")):
            response = http.post("/console/api/login", content=body, headers={"Content-Type": "application/json"})
            assert response.status_code in (400, 422) and response.json()["error"]["code"] == code, body[:40]
            assert response.json()["error"]["message"] == swedish(code)
        assert http.post("/console/api/login", json={"username": "anna", "password": PASSWORD}).status_code == 200
        for csrf in ("ä".encode(), "x" * 5000, b"\xff"):  # a header that can never match the session's token
            response = http.post("/console/api/status", json={"status": "away"}, headers={"X-CSRF-Token": csrf})
            assert response.status_code == 403 and response.json()["error"]["code"] == "csrf"
        for bad in ("%00", "x" * 300, "%ED%A0%80"):  # no conversation id can be these: not even a lookup
            response = http.get(f"/console/api/conversations/{bad}")
            assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_malformed_bodies_on_the_rasa_endpoints_are_422(app):
    secret = {SECRET_HEADER: Settings(secret=app.secret).rasa_callback_secret, "Content-Type": "application/json"}
    for body in (b"{not json", b"[" * 3000, b"[]", b'{"tracker": 5}', b'{"tracker": {"sender_id": "a\\u0000"}}',
                 b'{"tracker": {"sender_id": "\\ud800"}}', b"\xff\xfe", b'{"tracker": {"latest_message": []}}'):
        for path in ("/rasa/webhook", "/rasa/nlg"):
            response = httpx.post(f"{app.url}{path}", content=body, headers=secret)
            assert response.status_code == 422, (path, body[:40], response.text)


def test_text_is_stored_normalised(offline_settings):
    migrate(offline_settings.database_url)
    http = TestClient(create_app(offline_settings))
    opened = http.post("/api/v1/conversations", json={"lang": "fi"}).json()
    decomposed = unicodedata.normalize("NFD", "Mitä on palkkatuki Närpiössä?")
    assert decomposed != "Mitä on palkkatuki Närpiössä?"
    http.post(f"/api/v1/conversations/{opened['conversation_id']}/messages", json={"text": decomposed},
              headers={"Authorization": f"Bearer {opened['token']}"})
    stored = http.get(f"/api/v1/conversations/{opened['conversation_id']}",
                      headers={"Authorization": f"Bearer {opened['token']}"}).json()["messages"][0]["text"]
    assert stored == "Mitä on palkkatuki Närpiössä?"  # the composed form a search and an agent's eye find


@pytest.mark.parametrize("raw,stored", [
    ("a\r\nb\rc\x0bd\x0ce\x85f\u2028g\u2029h", "a\nb\nc\nd\ne\nf\ng\nh"),  # every line break is "\n"
    ("tab\there", "tab\there"),
    ("A\u030angström", "Ångström"),
    ("zero\u200bwidth", "zero\u200bwidth"),  # a format character, not a control: masking handles it
])
def test_the_text_policy_keeps_what_a_person_wrote(raw, stored):
    assert TypeAdapter(Text).validate_python(raw) == stored


@pytest.mark.parametrize("raw", ["\x00", "a\ud800", "\udfff", "\x01", "\x1b[0m", "\x7f", "\x9b", "\x08"])
def test_the_text_policy_refuses_what_no_store_can_hold(raw):
    with pytest.raises(ValidationError) as refused:
        TypeAdapter(Text).validate_python(raw)
    assert refused.value.errors()[0]["type"] == "invalid_characters"


EXAMPLES = 25  # per operation: the whole fuzz stays within seconds


def test_no_generated_request_gets_a_server_error(offline_settings):
    """Schemathesis generates valid and invalid requests for every operation of /openapi.json, as the
    conversation's customer and as a logged-in supervisor (limits off, so every request gets in)."""
    settings_ = offline_settings.replace(messages_per_conversation_per_minute=0, messages_per_address_per_minute=0,
                                         conversations_per_address_per_minute=0, login_attempts_per_address=0,
                                         login_attempts_per_user_address=0, login_attempts_per_user=0)
    migrate(settings_.database_url)
    app = create_app(settings_)
    create_user(app.state.parts.sessions, "sue", PASSWORD, "Sue", "supervisor", ["fi", "sv", "en"])
    http = TestClient(app)
    opened = http.post("/api/v1/conversations", json={"lang": "fi"}).json()
    login = http.post("/console/api/login", json={"username": "sue", "password": PASSWORD})
    customer = {"Authorization": f"Bearer {opened['token']}"}
    console = {"X-CSRF-Token": login.json()["csrf"]}
    cookies = {"neuvo_console": login.cookies["neuvo_console"]}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    started, calls = time.monotonic(), []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def no_server_error(case) -> None:
            if "conversation_id" in (case.path_parameters or {}) and len(calls) % 2:  # half of them: a real one
                case.path_parameters["conversation_id"] = opened["conversation_id"]
            response = case.call(headers={**customer, **console}, cookies=cookies)
            calls.append(response.status_code)
            if case.path == "/ready":  # readiness is meant to answer 503 here: the engine is down
                assert response.status_code == 503 and response.json()["not_ready"] == ["engine"]
                return
            assert response.status_code < 500, (case.method, case.formatted_path, case.body, response.text[:200])

        no_server_error()
    assert len(calls) > 200 and time.monotonic() - started < 120
    assert {200, 422} <= set(calls)  # it got in, and it was refused with a clear error
