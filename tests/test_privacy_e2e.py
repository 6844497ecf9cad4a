"""The must-show test of personal data: every shape of the table, in Finnish and Swedish sentences, sent
through REST, the web chat (start frame's region, message id and text), the leave-a-message form (its text
and contact fields) and the console login form of the real product (app and Rasa as processes); then no
raw value — as typed, without its invisible characters, or as its digits alone — is found in any table of
the database, in the app's log, in Rasa's log, or in Rasa's trackers read through its authenticated API."""
from __future__ import annotations

import json
import re
import sqlite3
import time
import unicodedata
import uuid

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from conftest import WAIT, open_conversation
from personal_data_shapes import NEAR_MISSES, PERSONAL, SENTENCES, Shape

pytestmark = [pytest.mark.e2e, pytest.mark.privacy]
INVISIBLE = re.compile(r"[\u200b-\u200f\u2060-\u2064\u00ad\ufeff]")
NOTICE = "personal_data_notice"


def needles(shape: Shape) -> set[str]:
    folded = unicodedata.normalize("NFKC", shape.value)
    digits = re.sub(r"[^0-9]", "", folded)
    return {n.lower() for n in (*shape.needles, folded, INVISIBLE.sub("", folded), *([digits] if len(digits) >= 6 else []))}


def frames_until(ws: ClientConnection, done, timeout: float = WAIT) -> list[dict]:
    """Web chat frames up to and including the first for which `done` holds, within `timeout` s."""
    deadline, seen = time.monotonic() + timeout, []
    while not seen or not done(seen[-1]):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            pytest.fail(f"no matching frame within {timeout:g} s; received {seen}")
        seen.append(json.loads(ws.recv(timeout=remaining)))
    return seen


def turn_over(frame: dict) -> bool:
    return frame.get("type") == "typing" and frame.get("from") == "bot" and frame.get("on") is False


def sentence(i: int, shape: Shape) -> tuple[str, str]:
    lang = ("fi", "sv")[i % 2]
    return lang, SENTENCES[lang].format(v=shape.value)


def send_rest(api: httpx.Client, i: int, shape: Shape) -> tuple[str, list[dict]]:
    lang, text = sentence(i, shape)
    conversation = open_conversation(api, lang=lang)
    response = api.post(f"/api/v1/conversations/{conversation[0]}/messages", json={"text": text},
                        headers=conversation[1])
    assert response.status_code == 200, response.text
    return conversation[0], response.json()["messages"]


def send_webchat(url: str, i: int, shape: Shape) -> str:
    """Start with the value as region (where it fits), send it as message id and text, then try it in the
    leave-a-message form's contact fields (refused) and text (stored masked)."""
    lang, text = sentence(i, shape)
    with connect(f"{url}/ws/chat?lang={lang}", open_timeout=WAIT) as ws:
        if len(shape.value) <= 20:  # a region is a region code: the value is refused, and nothing is stored
            ws.send(json.dumps({"type": "start", "lang": lang, "region": shape.value}))
            refused = frames_until(ws, lambda f: f.get("type") in ("started", "error"))[-1]
            assert refused.get("code") == "invalid_region", refused
        ws.send(json.dumps({"type": "start", "lang": lang}))
        started = frames_until(ws, lambda f: f.get("type") in ("started", "error"))[-1]
        assert started["type"] == "started", started
        ws.send(json.dumps({"type": "message", "id": shape.value, "text": text}))
        frames = frames_until(ws, turn_over)
        assert [f.get("event") for f in frames].count(NOTICE) == 1, frames
        ack = next(f for f in frames if f["type"] == "ack")
        assert ack["id"] == shape.value and not ack["duplicate"]
        email = "".join(shape.value.split()) + "@example.fi"
        for frame, code in (({"kind": "message", "email": email, "text": text}, "invalid_email"),
                            ({"kind": "callback", "phone": shape.value}, "invalid_phone")):
            ws.send(json.dumps({"type": "leave_message", "id": f"c-{uuid.uuid4().hex}", **frame}))
            refused = frames_until(ws, lambda f: f.get("type") in ("error", "ack"))[-1]
            assert refused == {**refused, "type": "error", "code": code}, (shape, refused)
        ws.send(json.dumps({"type": "leave_message", "id": f"c-{uuid.uuid4().hex}", "kind": "message",
                            "email": "maija@example.fi", "text": text}))
        left = frames_until(ws, lambda f: f.get("event") in ("message_left", "error") or f.get("type") == "error")
        assert left[-1].get("event") == "message_left", left
        return started["conversation_id"]


def login(api: httpx.Client, shape: Shape) -> None:
    response = api.post("/console/api/login", json={"username": shape.value, "password": "wrong password"})
    assert response.status_code in (401, 429), response.text  # refused; after five tries locked out


def database_text(url: str) -> str:
    """Every table of the database, every row, as text (JSON cells decoded, so escapes hide nothing)."""
    cells = []
    with sqlite3.connect(url.split("///", 1)[1]) as db:
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            for row in db.execute(f'SELECT * FROM "{table}"'):
                for cell in row:
                    text = cell.decode("utf-8", "replace") if isinstance(cell, bytes) else str(cell)
                    try:
                        text += "\n" + json.dumps(json.loads(text), ensure_ascii=False)
                    except ValueError:
                        pass
                    cells.append(text)
    return "\n".join(cells)


def tracker_text(stack, conversation_id: str) -> str:
    response = httpx.get(f"{stack.settings.rasa_url}/conversations/{conversation_id}/tracker",
                         params={"token": stack.settings.rasa_auth_token}, timeout=30)
    assert response.status_code == 200, response.text
    return json.dumps(response.json(), ensure_ascii=False)


def test_no_raw_personal_data_anywhere_after_every_channel(stack, api):
    url = stack.settings.app_url.replace("http://", "ws://")
    rest, webchat = [], []
    for i, shape in enumerate(PERSONAL):
        conversation_id, messages = send_rest(api, i, shape)
        assert [m.get("event") for m in messages].count(NOTICE) == 1, (shape, messages)
        assert messages[0]["event"] == NOTICE and messages[0]["from"] == "system"
        rest.append(conversation_id)
        webchat.append(send_webchat(url, i, shape))
        login(api, shape)
    for i, shape in enumerate(NEAR_MISSES):  # left as typed, and no notice
        conversation_id, messages = send_rest(api, i, shape)
        assert NOTICE not in [m.get("event") for m in messages], (shape, messages)
        rest.append(conversation_id)

    trackers = {c: tracker_text(stack, c) for c in rest + webchat}
    places = {
        "database": database_text(stack.settings.database_url),
        "app log": (stack.settings.log_dir / f"app-{stack.settings.port}.log").read_text("utf-8", "replace"),
        "Rasa log": (stack.settings.log_dir / f"rasa-{stack.settings.rasa_port}.log").read_text("utf-8", "replace"),
        "Rasa trackers": "\n".join(trackers.values()),
    }
    leaks = {(place, shape.value, needle) for place, text in places.items()
             for haystack in [text.lower(), INVISIBLE.sub("", text).lower()]
             for shape in PERSONAL for needle in needles(shape) if needle in haystack}
    assert leaks == set()

    # what was searched holds what was sent: masked text in Rasa's trackers and the database, near-misses
    # as typed, every login in the app log, no region that was an identity code
    for conversation_id in rest[:len(PERSONAL)] + webchat:
        assert re.search(r"\[(henkilötunnus|tilinumero|korttinumero)\]", trackers[conversation_id])
    assert all(shape.value in places["database"] for shape in NEAR_MISSES)
    assert places["app log"].count("failed console login") + places["app log"].count("console login locked") \
        >= len(PERSONAL)
    with sqlite3.connect(stack.settings.database_url.split("///", 1)[1]) as db:
        regions = {r for (r,) in db.execute(
            f"SELECT region FROM conversations WHERE id IN ({','.join('?' * len(webchat))})", webchat)}
    assert regions == {None}
