"""kill -9 of the app in the middle of a turn, with the real Rasa server, on SQLite and on PostgreSQL: after a
restart the customer's question is answered exactly once, and a resend never makes a second answer.

The moment of the kill is made exact by the fault-injection hook (assistant/faults.py): the app holds the
turn at the named step and logs it; the test kills the process as soon as that line is in the app's log.
One Rasa server serves every test (it calls back the app's port, which each restarted app takes again)."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, update
from websockets.sync.client import ClientConnection, connect

from assistant.db import normalise_url
from assistant.engine import wait_until_up
from assistant.models import Message, utcnow
from assistant.runtime import free_port
from assistant.settings import Settings
from channels.server import migrate
from channels.server import stack as product_stack
from conftest import DATA, WAIT, wait_for

pytestmark = [pytest.mark.reliability, pytest.mark.e2e]
QUESTION = "Miten haen starttirahaa kun perustan yrityksen?"


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    """The real Rasa server (cached model), for an app on a fixed port with a fixed secret."""
    logs = tmp_path_factory.mktemp("crash-logs")
    settings = Settings(database_url=f"sqlite:///{logs / 'unused.db'}", port=free_port(), rasa_port=free_port(),
                        secret="crash-recovery-tests", queues_file=DATA / "queues-open.yml", log_dir=logs,
                        turn_lease_s=2.0, turn_sweep_s=0.5)
    stack = product_stack(settings)
    stack.start_engine()
    try:
        yield settings
    finally:
        stack.__exit__()


class App:
    """The product's app as its own process (its own process group), logging JSON lines to `log`."""

    def __init__(self, settings: Settings, log: Path, fault: str = ""):
        self.log = log
        self.settings = settings.replace(fault_pause_at=fault, fault_pause_s=120.0)
        with open(log, "ab") as output:
            self.process = product_stack(self.settings).spawn_app(output)
        wait_until_up(f"{self.settings.app_url}/health", self.process, 60, "the app")

    def held_at(self, step: str, conversation_id: str) -> bool:
        """Whether the app logged that it holds this conversation's turn at `step` (the fault hook)."""
        return any(e.get("fault") == step and e.get("conversation_id") == conversation_id for e in entries(self.log))

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill()


def frames_until(ws: ClientConnection, done, seen: list[dict] | None = None) -> list[dict]:
    """Read frames into `seen` until `done(seen)`, within the test's wait (else the test fails)."""
    seen = [] if seen is None else seen
    while not done(seen):
        try:
            seen.append(json.loads(ws.recv(timeout=WAIT)))
        except TimeoutError:
            pytest.fail(f"no further frame within {WAIT:g} s; received {seen}")
    return seen


def stored(url: str, conversation_id: str) -> list[Message]:
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as db:
            return list(db.execute(select(Message).where(Message.conversation_id == conversation_id)
                                   .order_by(Message.seq)).all())
    finally:
        engine.dispose()


def answers(messages) -> list:
    return [m for m in messages if m.sender == "bot"]


@pytest.fixture
def database(request, tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'neuvo.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    migrate(url)
    return url


def entries(log: Path) -> list[dict]:
    lines = []
    for line in log.read_text().splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:  # a line that is not JSON (a library printing to stderr)
            continue
    return lines


def expire_lease(url: str, conversation_id: str) -> None:
    """Time passes: the dead worker's lease runs out (what waiting turn_lease_s would do)."""
    engine = create_engine(normalise_url(url))
    try:
        with engine.begin() as db:
            db.execute(update(Message).where(Message.conversation_id == conversation_id, Message.turn == "claimed")
                       .values(turn_lease_until=utcnow() - dt.timedelta(seconds=1)))
    finally:
        engine.dispose()


# (database, the moment of the kill, who takes the turn up after the restart: the sweep at startup, or the
# customer's resend): every case on SQLite, every moment on PostgreSQL (its own rows, locks and notifier)
CASES = [("sqlite", "stored", "sweep"), ("sqlite", "stored", "resend"), ("sqlite", "in_engine", "sweep"),
         ("sqlite", "answered", "sweep"), ("sqlite", "answered", "resend"), ("sqlite", "replied", "nobody"),
         ("postgresql", "stored", "resend"), ("postgresql", "in_engine", "sweep"),
         ("postgresql", "answered", "sweep"), ("postgresql", "replied", "nobody")]


@pytest.mark.parametrize("database,moment,taker", CASES, ids=["-".join(case) for case in CASES], indirect=["database"])
def test_a_kill_mid_turn_leaves_the_question_answered_exactly_once_after_a_restart(engine, database, moment, taker,
                                                                                  tmp_path):
    settings = engine.replace(database_url=database, notifier="auto")
    if taker == "resend":  # a lease longer than a restart, and no sweep after the one at startup
        settings = settings.replace(turn_lease_s=60.0, turn_sweep_s=3600.0)
    first = App(settings, tmp_path / "app-1.log", fault=moment)
    try:
        with connect(f"ws://127.0.0.1:{settings.port}/ws/chat", origin=settings.app_url, close_timeout=0.2) as ws:
            ws.send(json.dumps({"type": "start", "lang": "fi"}))
            started = json.loads(ws.recv(timeout=WAIT))
            conversation_id = started["conversation_id"]
            ws.send(json.dumps({"type": "message", "id": "q-1", "text": QUESTION}))
            wait_for(lambda: first.held_at(moment, conversation_id), what=f"the turn to be held at {moment}")
            first.kill()  # kill -9: no shutdown, no lease given back
    finally:
        first.stop()

    crashed = stored(database, conversation_id)
    customer = [m for m in crashed if m.sender == "customer"]
    assert [(m.client_id, m.text) for m in customer] == [("q-1", QUESTION)]  # acknowledged or not, it was kept
    if moment == "replied":
        assert customer[0].turn == "done" and [m.service for m in answers(crashed)] == ["start_up_grant"]
    else:
        assert customer[0].turn == "claimed" and answers(crashed) == []  # the crash left it unanswered

    second = App(settings, tmp_path / "app-2.log")
    try:
        if taker == "resend":
            wait_for(lambda: any(e.get("sweep") == 0 for e in entries(second.log)), what="the startup sweep")
            expire_lease(database, conversation_id)
        with connect(f"ws://127.0.0.1:{settings.port}/ws/chat", origin=settings.app_url,
                     additional_headers={"X-Request-ID": "customer-resends"}) as ws:
            # the widget resumes with what it saw (no ack came) and resends the unacknowledged message
            ws.send(json.dumps({"type": "resume", "token": started["token"], "last_seq": 0}))
            frames = frames_until(ws, lambda seen: seen and seen[-1]["type"] == "resumed")
            ws.send(json.dumps({"type": "message", "id": "q-1", "text": QUESTION}))
            frames_until(ws, lambda seen: any(f["type"] == "message" and f["from"] == "bot" for f in seen)
                         and any(f["type"] == "typing" and not f["on"] for f in seen), frames)
            assert {"type": "ack", "id": "q-1", "seq": customer[0].seq, "duplicate": True} in frames

            after = stored(database, conversation_id)
            assert [m.turn for m in after if m.sender == "customer"] == ["done"]
            assert [m.service for m in answers(after)] == ["start_up_grant"]  # Rasa's answer, once, no fallback
            got = [f["seq"] for f in frames if f["type"] == "message" and f["from"] == "bot"]
            assert got == [m.seq for m in answers(after)]  # the customer got it, once

            ws.send(json.dumps({"type": "message", "id": "q-1", "text": QUESTION}))  # one more resend
            again = frames_until(ws, lambda seen: seen and seen[-1]["type"] == "typing" and not seen[-1]["on"])
            assert [f for f in again if f["type"] == "ack" or (f["type"] == "message" and f["from"] == "bot")] == [
                {"type": "ack", "id": "q-1", "seq": customer[0].seq, "duplicate": True}]
        assert len(answers(stored(database, conversation_id))) == 1
        runs = [e for e in entries(second.log) if e.get("message", "").startswith("running a turn left unfinished")]
        if taker == "nobody":
            assert runs == []
        else:  # who ran it: the sweep (its log lines name the turn) or the resend (the customer's connection)
            assert [e["request_id"] for e in runs] == ["customer-resends" if taker == "resend" else f"turn-{customer[0].id}"]
    finally:
        second.stop()
