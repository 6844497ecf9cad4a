"""The web chat protocol with a real websocket client: resend, resume, bad frames, origins, forged tokens."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import httpx
import pytest
import websockets

from channels.server import migrate
from assistant.engine import wait_until_up
from assistant.runtime import free_port, stop
from conftest import WAIT, wait_for

pytestmark = pytest.mark.webchat


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The product's app as its own process, with the engine down (answers come from the catalogue search)."""
    db = f"sqlite:///{tmp_path_factory.mktemp('webchat') / 'neuvo.db'}"
    migrate(db)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": db, "PORT": str(port), "RASA_PORT": str(free_port()), "NEUVO_SECRET": "test-secret"}
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "channels.server:create_app", "--factory", "--port", str(port),
                                "--log-level", "warning", "--ws-max-size", "65536"], env=env, start_new_session=True)
    wait_until_up(f"http://127.0.0.1:{port}/health", process, 60, "the app")
    yield port
    stop(process)


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


async def connect(port: int, origin: str | None = None):
    return await websockets.connect(f"ws://127.0.0.1:{port}/ws/chat", origin=origin or f"http://127.0.0.1:{port}")


async def frames_until(ws, predicate, timeout: float = WAIT) -> list[dict]:
    """Frames up to and including the first one matching `predicate`, all within `timeout` s."""
    seen = []
    try:
        async with asyncio.timeout(timeout):
            while not seen or not predicate(seen[-1]):
                seen.append(json.loads(await ws.recv()))
    except TimeoutError:
        pytest.fail(f"no matching frame within {timeout:g} s; received {seen}")
    return seen


async def start(ws, lang: str = "fi") -> dict:
    await ws.send(json.dumps({"type": "start", "lang": lang}))
    return json.loads(await ws.recv())


async def say(ws, client_id: str, text: str) -> list[dict]:
    """Send a message; the frames of its turn, up to the typing indicator going off."""
    await ws.send(json.dumps({"type": "message", "id": client_id, "text": text}))
    return await frames_until(ws, lambda f: f["type"] == "typing" and not f["on"])


def test_a_question_gets_an_ack_and_the_catalogue_answer(server):
    async def scenario():
        async with await connect(server) as ws:
            started = await start(ws)
            assert started["type"] == "started" and started["token"].startswith(started["conversation_id"])
            frames = await say(ws, "c-1", "Miten haen starttirahaa yrityksen perustamiseen?")
            ack = next(f for f in frames if f["type"] == "ack")
            assert ack == {"type": "ack", "id": "c-1", "seq": 1, "duplicate": False}
            answers = [f for f in frames if f["type"] == "message" and f["service"] == "start_up_grant"]
            assert answers and answers[0]["source_url"].startswith("https://") and answers[0]["seq"] > 1
    run(scenario())


def test_a_resent_message_is_not_a_second_message(server):
    async def scenario():
        async with await connect(server) as ws:
            started = await start(ws)
            first = await say(ws, "same-id", "Mikä on palkkatuki?")
            last_seq = max(f["seq"] for f in first if f["type"] == "message")
            again = await say(ws, "same-id", "Mikä on palkkatuki?")
            assert [f for f in again if f["type"] not in ("typing",)] == [
                {"type": "ack", "id": "same-id", "seq": 1, "duplicate": True}]
        async with await connect(server) as ws:  # the stored conversation has the question once
            await ws.send(json.dumps({"type": "resume", "token": started["token"], "last_seq": 0}))
            frames = await frames_until(ws, lambda f: f.get("seq") == last_seq)
            customer = [f for f in frames if f["type"] == "message" and f["from"] == "customer"]
            assert [f["id"] for f in customer] == ["same-id"]
    run(scenario())


def test_resume_replays_every_missed_message_once_in_order(server):
    async def scenario():
        async with await connect(server) as ws:
            started = await start(ws, "sv")
            frames = await say(ws, "m-1", "Hur ansöker jag om startpeng?")
            seen = max(f["seq"] for f in frames if f["type"] == "message")
            # the connection drops once the server has the next message (its typing starts): the answer is never read
            await ws.send(json.dumps({"type": "message", "id": "m-2", "text": "Vad är lönesubvention?"}))
            await frames_until(ws, lambda f: f["type"] == "typing" and f["on"])

        def answer_stored() -> bool:  # the server finishes the turn and stores the answer meanwhile
            stored = httpx.get(f"http://127.0.0.1:{server}/api/v1/conversations/{started['conversation_id']}",
                               headers={"Authorization": f"Bearer {started['token']}"}).json()
            return any(m["seq"] > seen and m["from"] == "bot" and m["buttons"]
                       and m["buttons"][0]["payload"] == "/request_human" for m in stored["messages"])

        await asyncio.to_thread(wait_for, answer_stored, what="the answer to the unread message to be stored")
        async with await connect(server) as ws:
            await ws.send(json.dumps({"type": "resume", "token": started["token"], "last_seq": seen}))
            resumed = json.loads(await ws.recv())
            assert resumed["type"] == "resumed" and resumed["language"] == "sv"
            missed = await frames_until(ws, lambda f: f["type"] == "message" and f["from"] == "bot" and f["buttons"]
                                        and f["buttons"][0]["payload"] == "/request_human")
            seqs = [f["seq"] for f in missed if f["type"] == "message"]
            assert seqs == list(range(seen + 1, seen + 1 + len(seqs)))
            assert missed[0]["from"] == "customer" and missed[0]["id"] == "m-2"
            assert any(f["service"] == "pay_subsidy" for f in missed)
            await ws.send(json.dumps({"type": "ping"}))  # nothing else was queued: the next frame is the pong
            assert json.loads(await ws.recv()) == {"type": "pong"}
    run(scenario())


@pytest.mark.parametrize("raw,code", [
    ("not json", "invalid_json"), ('{"type": "dance"}', "invalid_frame"), ("[1, 2]", "invalid_frame"),
    (json.dumps({"type": "message", "id": "x", "text": "a" * 9000}), "frame_too_large"),
])
def test_bad_frames_get_a_clear_error_and_the_connection_stays(server, raw, code):
    async def scenario():
        async with await connect(server) as ws:
            await start(ws, "sv")
            await ws.send(raw)
            error = json.loads(await ws.recv())
            assert error["type"] == "error" and error["code"] == code and error["message"]
            await ws.send(json.dumps({"type": "ping"}))
            assert json.loads(await ws.recv()) == {"type": "pong"}
    run(scenario())


def test_message_before_start_and_empty_message_are_refused(server):
    async def scenario():
        async with await connect(server) as ws:
            await ws.send(json.dumps({"type": "message", "id": "a", "text": "hei"}))
            assert json.loads(await ws.recv())["code"] == "not_started"
            await start(ws, "fi")
            await ws.send(json.dumps({"type": "message", "id": "b", "text": "   "}))
            frames = await frames_until(ws, lambda f: f["type"] == "error")
            assert frames[-1]["code"] == "empty_message" and frames[-1]["message"] == "Viesti on tyhjä."
    run(scenario())


def test_forged_token_resumes_nothing(server):
    async def scenario():
        async with await connect(server) as ws:
            started = await start(ws)
            await say(ws, "s-1", "Mikä on työkokeilu?")
        conversation_id = started["conversation_id"]
        for token in (conversation_id + ".forged", conversation_id, "x" * 40, started["token"][:-2] + "AA"):
            async with await connect(server) as ws:
                await ws.send(json.dumps({"type": "resume", "token": token, "last_seq": 0}))
                frame = json.loads(await ws.recv())
                assert frame["type"] == "error" and frame["code"] == "invalid_token"
    run(scenario())


def test_wrong_origin_is_refused_at_the_handshake(server):
    async def scenario():
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            await connect(server, origin="https://evil.example")
        assert refused.value.response.status_code == 403
    run(scenario())
