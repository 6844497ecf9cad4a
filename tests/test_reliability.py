"""Turn recovery, readiness, request ids and supervision, in one process with real databases and real child
processes (the crashes of real processes with the real Rasa are in test_crash_recovery.py and
test_supervision.py). Runs on SQLite, and on PostgreSQL with NEUVO_TEST_DATABASE=postgresql."""
from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import logging
import os
import signal
import subprocess
import sys

import psutil
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from assistant.app import build
from assistant.conversation import GAVE_UP
from assistant.i18n import gettext
from assistant.logs import JsonFormatter
from assistant.message import MessageDraft, Sender
from assistant.models import Message, utcnow
from assistant.runtime import free_port, group_alive, stop
from assistant.settings import Settings
from assistant.states import State, transition
from assistant.supervisor import Child, Supervisor
from assistant.turns import Claim
from channels import server
from channels.server import migrate
from conftest import open_conversation, receive_json, receive_until, wait_for

pytestmark = pytest.mark.reliability
QUESTION = "Miten haen starttirahaa yrityksen perustamiseen?"


@pytest.fixture
def settings(offline_settings) -> Settings:
    migrate(offline_settings.database_url)
    return offline_settings.replace(turn_lease_s=2.0)


def crashed_turn(parts, conversation_id: str, client_id: str | None = "c-1", attempt: int = 1,
                 text: str = QUESTION) -> Message:
    """What a worker killed mid-turn leaves: the customer message stored, its turn claimed, the lease run out."""
    _, message = parts.service.accept(conversation_id, text, client_id, turn=True)
    with parts.sessions.begin() as db:
        db.execute(update(Message).where(Message.id == message.id).values(
            turn_attempt=attempt, turn_lease_until=utcnow() - dt.timedelta(seconds=1)))
    return message


def bot_messages(parts, conversation_id: str) -> list[Message]:
    with parts.sessions() as db:
        return list(db.scalars(select(Message).where(Message.conversation_id == conversation_id,
                                                     Message.sender == Sender.BOT.value).order_by(Message.seq)))


def message_id(parts, conversation_id: str) -> int | None:
    """The id of the conversation's (only) customer message, once it is stored."""
    with parts.sessions() as db:
        return db.scalars(select(Message.id).where(Message.conversation_id == conversation_id,
                                                   Message.sender == Sender.CUSTOMER.value)).first()


def turn_of(parts, message_id: int) -> str | None:
    with parts.sessions() as db:
        return db.get(Message, message_id).turn


# -- the durable turn ------------------------------------------------------------------------------

def test_a_turn_is_claimed_when_its_message_is_stored_and_done_with_its_reply(settings):
    parts = build(settings)
    conversation = parts.service._create("fi", None, "rest")
    turn = asyncio.run(parts.service.post(conversation.id, QUESTION, "c-1"))
    assert turn.messages and turn.messages[0].service == "start_up_grant"  # the catalogue search (Rasa is down)
    with parts.sessions() as db:
        stored = db.get(Message, turn.customer_message.id)
    assert (stored.turn, stored.turn_attempt, stored.turn_lease_until) == ("done", 1, None)


def test_of_two_workers_sweeping_at_once_exactly_one_answers_a_dead_workers_turn(settings):
    one, other = build(settings), build(settings)  # two workers on one database
    conversation = one.service._create("fi", None, "rest")
    message = crashed_turn(one, conversation.id)

    async def both_sweep() -> list[int]:
        return list(await asyncio.gather(one.service.recover_due(), other.service.recover_due()))

    assert sorted(asyncio.run(both_sweep())) == [0, 1]
    answers = [m.service for m in bot_messages(one, conversation.id)]
    assert answers.count("start_up_grant") == 1 and answers[0] == "start_up_grant"  # one turn: answer (+ offer)
    assert turn_of(one, message.id) == "done"
    assert asyncio.run(both_sweep()) == [0, 0]  # nothing is left to take up


def test_a_worker_that_lost_its_lease_stores_no_second_reply(settings):
    stalled, other = build(settings), build(settings)
    conversation = stalled.service._create("fi", None, "rest")
    message = crashed_turn(stalled, conversation.id)  # the stalled worker holds attempt 1, its lease ran out
    taken = other.service._claim(message.id)
    assert taken == Claim(message.id, conversation.id, 2)
    assert other.service._claim(message.id) is None  # held now: nobody else gets it
    reply = [MessageDraft(Sender.BOT, "Vastaus", language="fi")]
    assert stalled.service._finish(Claim(message.id, conversation.id, 1), reply) is None
    assert other.service._finish(taken, reply) is not None
    assert [m.text for m in bot_messages(stalled, conversation.id)] == ["Vastaus"]


def test_a_turn_cut_short_by_a_shutdown_is_given_back_at_once_and_answered_by_the_next_sweep(settings, caplog):
    parts = build(settings.replace(fault_pause_at="stored", fault_pause_s=60.0, turn_lease_s=600.0))
    conversation = parts.service._create("fi", None, "rest")

    async def cut_short() -> None:
        turn = asyncio.ensure_future(parts.service.post(conversation.id, QUESTION, "c-1"))
        await asyncio.to_thread(wait_for, lambda: any(getattr(r, "fault", None) == "stored" for r in caplog.records),
                                what="the turn to be held after its message was stored")
        turn.cancel()  # what the app's shutdown does to a request still running
        with pytest.raises(asyncio.CancelledError):
            await turn

    with caplog.at_level(logging.WARNING, logger="neuvo.faults"):
        asyncio.run(cut_short())
    message = message_id(parts, conversation.id)
    with parts.sessions() as db:
        given_back = db.get(Message, message)
        assert (given_back.turn, given_back.turn_lease_until) == ("pending", None)  # no 600 s lease to wait out
    assert asyncio.run(build(settings).service.recover_due()) == 1  # another worker, at once
    assert [m.service for m in bot_messages(parts, conversation.id)][:1] == ["start_up_grant"]
    assert turn_of(parts, message) == "done"


def test_a_message_stored_while_a_person_answers_owes_no_bot_turn(settings):
    parts = build(settings)
    conversation = parts.service._create("fi", None, "rest")
    with parts.sessions.begin() as db:  # an agent holds the conversation (the state machine's path there)
        for before, after in ((State.BOT, State.HANDOFF_REQUESTED), (State.HANDOFF_REQUESTED, State.QUEUED),
                              (State.QUEUED, State.AGENT)):
            transition(db, conversation.id, [before], after)
    turn = asyncio.run(parts.service.post(conversation.id, QUESTION, "c-1"))
    assert turn.messages == [] and turn_of(parts, turn.customer_message.id) == "done"
    assert asyncio.run(parts.service.recover_due()) == 0 and bot_messages(parts, conversation.id) == []


def test_a_turn_that_crashed_every_attempt_ends_with_an_apology_in_the_customers_language(settings):
    parts = build(settings.replace(turn_max_attempts=3))
    conversation = parts.service._create("sv", None, "rest")
    message = crashed_turn(parts, conversation.id, attempt=3, text="Hur ansöker jag om startpeng?")  # it crashed 3 times
    assert asyncio.run(parts.service.recover_due()) == 1
    assert [m.text for m in bot_messages(parts, conversation.id)] == [gettext("sv", GAVE_UP)]
    assert gettext("sv", GAVE_UP).startswith("Tyvärr") and turn_of(parts, message.id) == "done"


def test_the_last_attempt_answers_from_the_catalogue_without_asking_rasa(settings, caplog):
    parts = build(settings.replace(turn_max_attempts=3))
    conversation = parts.service._create("fi", None, "rest")
    crashed_turn(parts, conversation.id, attempt=2)  # the next claim is attempt 3, the last
    with caplog.at_level(logging.WARNING, logger="neuvo.conversation"):
        assert asyncio.run(parts.service.recover_due()) == 1
    assert [m.service for m in bot_messages(parts, conversation.id)][:1] == ["start_up_grant"]
    assert any("attempt 3 of a turn: without Rasa" in r.getMessage() for r in caplog.records)


# -- recovery in the running app -------------------------------------------------------------------

def test_the_app_answers_a_dead_workers_turn_by_itself_once(settings):
    app = server.create_app(settings.replace(turn_sweep_s=0.1))
    parts = app.state.parts
    with TestClient(app) as client:
        conversation_id, headers = open_conversation(client, lang="fi")
        crashed_turn(parts, conversation_id, client_id=None)  # REST messages have no client id to resend

        def answered() -> list[dict]:
            messages = client.get(f"/api/v1/conversations/{conversation_id}", headers=headers).json()["messages"]
            return [m for m in messages if m["from"] == "bot"]

        answer = wait_for(answered, what="the sweep to answer the unfinished turn")
        assert answer[0]["service"] == "start_up_grant"
        assert turn_of(parts, message_id(parts, conversation_id)) == "done"  # later sweeps leave it be
        assert len(answered()) == len(answer)


def test_a_resend_runs_the_unfinished_turn_at_once_and_a_second_resend_changes_nothing(settings):
    app = server.create_app(settings.replace(turn_sweep_s=3600))  # only the resend can take it up
    parts = app.state.parts
    with TestClient(app) as client, client.websocket_connect("/ws/chat") as ws:
        wait_for(lambda: app.state.sweeper.passes, what="the sweep at startup")  # it found nothing to do
        ws.send_json({"type": "start", "lang": "fi"})
        started = receive_json(ws)
        message = crashed_turn(parts, started["conversation_id"])
        ws.send_json({"type": "message", "id": "c-1", "text": QUESTION})
        frames = receive_until(ws, lambda f: f["type"] == "typing" and not f["on"])
        assert {"type": "ack", "id": "c-1", "seq": message.seq, "duplicate": True} in frames
        answers = [f for f in frames if f["type"] == "message" and f["from"] == "bot"]
        assert [f["service"] for f in answers][:1] == ["start_up_grant"]
        assert turn_of(parts, message.id) == "done"
        ws.send_json({"type": "message", "id": "c-1", "text": QUESTION})
        again = receive_until(ws, lambda f: f["type"] == "typing" and not f["on"])
        assert [f for f in again if f["type"] == "ack" or (f["type"] == "message" and f["from"] == "bot")] == [
            {"type": "ack", "id": "c-1", "seq": message.seq, "duplicate": True}]
    assert len(bot_messages(parts, started["conversation_id"])) == len(answers)


# -- readiness, liveness and request ids -----------------------------------------------------------

def test_ready_answers_503_naming_rasa_while_health_stays_200(settings):
    with TestClient(server.create_app(settings)) as client:
        ready = client.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["not_ready"] == ["engine"]
        assert ready.json()["checks"] == {"database": "up", "engine": "down", "notifier": "up"}
        health = client.get("/health")
        assert health.status_code == 200 and health.json()["status"] == "degraded"


def test_ready_names_a_database_that_does_not_answer():
    settings = Settings(database_url=f"postgresql://postgres@127.0.0.1:{free_port()}/neuvo", notifier="local",
                        rasa_port=free_port(), port=free_port())  # nothing listens on either port
    with TestClient(server.create_app(settings)) as client:
        ready = client.get("/ready")
        health = client.get("/health")
    assert ready.status_code == 503 and ready.json()["not_ready"] == ["database", "engine"]
    assert ready.json()["checks"]["database"].startswith("down")
    assert health.status_code == 200 and health.json()["database"].startswith("down")


def test_every_request_gets_a_request_id_that_its_json_log_line_carries(settings):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    http_log = logging.getLogger("neuvo.http")
    http_log.addHandler(handler)
    http_log.setLevel(logging.INFO)
    try:
        with TestClient(server.create_app(settings)) as client:
            given = client.get("/health", headers={"X-Request-ID": "probe-1"})
            made = client.get("/health")
            refused = client.get("/health", headers={"X-Request-ID": "x" * 200})
    finally:
        http_log.removeHandler(handler)
    assert given.headers["x-request-id"] == "probe-1"
    assert len(made.headers["x-request-id"]) == 32 and refused.headers["x-request-id"] != "x" * 200
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    line = next(entry for entry in lines if entry["request_id"] == "probe-1")
    assert (line["path"], line["status"], line["level"], line["process"]) == ("/health", 200, "INFO", "app")
    assert {entry["request_id"] for entry in lines} >= {made.headers["x-request-id"], refused.headers["x-request-id"]}


# -- supervision ------------------------------------------------------------------------------------

def test_a_child_that_keeps_dying_is_restarted_with_a_doubling_backoff_that_starts_over_once_it_ran(tmp_path):
    settings = Settings(restart_first_s=1.0, restart_max_s=4.0, restart_stable_s=60.0)
    now = [0.0]
    spawned: list[subprocess.Popen] = []

    def spawn() -> subprocess.Popen:
        spawned.append(subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"], start_new_session=True))
        return spawned[-1]

    supervisor = Supervisor(settings, [Child("crashy", spawn, 5.0)], clock=lambda: now[0])
    child = supervisor.children[0]
    supervisor.check()
    delays = []
    for _ in range(5):
        spawned[-1].wait(30)  # it died young
        supervisor.check()
        assert child.process is None and child.due_at is not None
        delays.append(child.delay_s)
        supervisor.check()  # not due yet: nothing is started
        assert len(spawned) == len(delays)
        now[0] = child.due_at
        supervisor.check()
        assert len(spawned) == len(delays) + 1
    assert delays == [1.0, 2.0, 4.0, 4.0, 4.0]
    spawned[-1].wait(30)
    now[0] += 61.0  # this one had (by the clock) run longer than restart_stable_s
    supervisor.check()
    assert child.delay_s == 1.0


def test_stop_leaves_nothing_of_the_process_group_even_what_ignores_sigterm(tmp_path):
    ignoring = tmp_path / "ignoring"
    stubborn = ("import pathlib, signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                "pathlib.Path(sys.argv[1]).touch(); time.sleep(60)")
    script = f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {stubborn!r}, {str(ignoring)!r}]); " \
             "time.sleep(60)"
    leader = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    wait_for(ignoring.exists, what="the leader's child to ignore SIGTERM")
    assert sum(1 for _ in _members(leader.pid)) == 2
    stop(leader, timeout=1.0)
    assert leader.returncode == -signal.SIGTERM and not group_alive(leader.pid)


def _members(pgid: int):
    for process in psutil.process_iter(["pid"]):
        try:
            if process.status() != psutil.STATUS_ZOMBIE and os.getpgid(process.pid) == pgid:
                yield process
        except (psutil.Error, ProcessLookupError):
            continue


def test_children_of_a_supervisor_killed_with_sigkill_end_too(tmp_path):
    pid_file = tmp_path / "child.pid"
    script = (
        "import pathlib, subprocess, sys\n"
        "from assistant.settings import Settings\n"
        "from assistant.supervisor import Child, Supervisor, die_with_parent\n"
        "def spawn():\n"
        "    p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'], start_new_session=True,\n"
        "                         preexec_fn=die_with_parent)\n"
        f"    pathlib.Path({str(pid_file)!r}).write_text(str(p.pid))\n"
        "    return p\n"
        "Supervisor(Settings(), [Child('sleeper', spawn, 5.0)]).run()\n")
    supervisor = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    try:
        child = psutil.Process(int(wait_for(lambda: pid_file.exists() and pid_file.read_text(), what="the child")))
        assert child.is_running() and os.getpgid(child.pid) != os.getpgid(supervisor.pid)  # its own group
        supervisor.kill()  # kill -9: the supervisor cannot stop anything itself
        supervisor.wait(10)
        wait_for(lambda: not child.is_running() or child.status() == psutil.STATUS_ZOMBIE,
                 what="the orphaned child to end with its supervisor")
    finally:
        supervisor.kill()
