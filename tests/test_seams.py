"""The seams the channels and the contact centre build on: the state machine, domain events, the outbox
with its output channels, and content that is reloaded while the product runs."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.app import build, create_app
from assistant.engine import SECRET_HEADER
from assistant.content import ContentProvider
from assistant.events import EventKind
from assistant.message import MessageDraft, Sender
from assistant.models import Conversation
from assistant.outbox import DeliveryFailed, OutputChannel
from assistant.states import TRANSITIONS, IllegalTransition, State, StateConflict, transition
from channels.server import migrate
from knowledge.catalogue import CATALOGUE_DIR, load
from conftest import open_conversation, receive_json, receive_until, wait_for

pytestmark = pytest.mark.seams


@pytest.fixture
def parts(offline_settings):
    migrate(offline_settings.database_url)
    return build(offline_settings)


# -- the state machine ------------------------------------------------------------------------------

def test_every_state_is_in_the_table_and_the_bot_never_takes_a_held_conversation():
    assert set(TRANSITIONS) == set(State)  # every state says where it may go
    assert State.BOT not in TRANSITIONS[State.QUEUED] and State.AWAITING_CHOICE not in TRANSITIONS[State.AGENT]
    assert TRANSITIONS[State.QUEUED] == {State.AGENT}  # a waiting customer is only ever taken by an agent


def test_a_move_the_table_forbids_is_refused_and_a_stale_one_conflicts(parts):
    conversation = parts.service._create("fi", None, "rest")
    with pytest.raises(IllegalTransition), parts.sessions.begin() as db:
        transition(db, conversation.id, [State.BOT], State.AGENT)  # never straight to an agent
    with parts.sessions.begin() as db:
        transition(db, conversation.id, [State.BOT], State.HANDOFF_REQUESTED)
    with pytest.raises(StateConflict), parts.sessions.begin() as db:
        transition(db, conversation.id, [State.BOT], State.AWAITING_CHOICE)  # read before the handoff
    assert parts.service.load(conversation.id).state == State.HANDOFF_REQUESTED


# -- domain events ----------------------------------------------------------------------------------

def test_events_are_published_after_commit_and_never_for_a_rollback(parts):
    heard = []
    parts.events.subscribe(lambda e: heard.append((e.kind, e.conversation_id)))
    conversation = parts.service._create("fi", None, "rest")
    with pytest.raises(RuntimeError), parts.sessions.begin() as db:
        transition(db, conversation.id, [State.BOT], State.HANDOFF_REQUESTED)
        raise RuntimeError("the rest of the change failed")
    assert heard == [(EventKind.STARTED, conversation.id)]
    parts.service.append(conversation.id, [MessageDraft(Sender.BOT, "Hei!")])
    assert heard[-1] == (EventKind.MESSAGE_STORED, conversation.id)
    assert parts.service.load(conversation.id).state == State.BOT


def rasa_turn(conversation_id: str, text: str, intent: str) -> dict:
    """What Rasa posts to the action endpoint for one customer message of this conversation."""
    return {"next_action": "action_respond", "tracker": {"sender_id": conversation_id, "latest_message": {
        "text": text, "metadata": {"lang": "sv"}, "intent": {"name": intent, "confidence": 0.99},
        "intent_ranking": [{"name": intent, "confidence": 0.99}]}}}


def test_a_bot_turn_that_leaves_the_state_as_it_found_it_writes_nothing(parts):
    """A clear answer changes no state: its turn writes no row and publishes no event. A turn that does
    change it (a message the bot did not understand counts) still stores it, with its event."""
    rasa = TestClient(create_app(parts=parts), client=("127.0.0.1", 40000))
    secret = {SECRET_HEADER: parts.settings.rasa_callback_secret}
    conversation = parts.service._create("sv", None, "rest")
    heard: list[EventKind] = []
    parts.events.subscribe(lambda e: heard.append(e.kind))
    answered = rasa.post("/rasa/webhook", json=rasa_turn(conversation.id, "Hur ansöker jag om startpeng?",
                                                         "start_up_grant"), headers=secret)
    assert answered.json()["responses"][0]["custom"]["neuvo"]["service"] == "start_up_grant"
    row = parts.service.load(conversation.id)
    assert (row.state, row.failed_turns, row.updated_at) == ("bot", 0, conversation.updated_at) and heard == []
    rasa.post("/rasa/webhook", json=rasa_turn(conversation.id, "Vad tycker du om fotboll?", "out_of_scope"),
              headers=secret)
    row = parts.service.load(conversation.id)
    assert (row.state, row.failed_turns) == ("bot", 1) and heard == [EventKind.STATE_CHANGED]
    assert row.updated_at > conversation.updated_at


def test_a_failing_subscriber_does_not_undo_or_block_the_change(parts):
    parts.events.subscribe(lambda e: 1 / 0)
    later = []
    parts.events.subscribe(later.append)
    conversation = parts.service._create("fi", None, "rest")
    assert later and later[0].kind == EventKind.STARTED and parts.service.load(conversation.id)


# -- the outbox -------------------------------------------------------------------------------------

class FlakyMail(OutputChannel):
    """A pushing channel whose transport fails the first `failures` times (a fault the test must cause)."""
    name, pushes = "email", True

    def __init__(self, failures: int, permanent: bool = False):
        self.failures, self.permanent, self.sent = failures, permanent, []

    def render(self, message) -> str:
        return message.text

    async def send(self, conversation, messages) -> None:
        if self.failures:
            self.failures -= 1
            raise DeliveryFailed("relay down", permanent=self.permanent)
        self.sent.append([self.render(m) for m in messages])


def mail_conversation(parts, channel: FlakyMail) -> str:
    parts.outbox.register(channel)
    parts.outbox.retry_s = 0.01
    conversation = parts.service._create("fi", None, "email")
    parts.service.append(conversation.id, [MessageDraft(Sender.CUSTOMER, "Kysymys"),
                                           MessageDraft(Sender.BOT, "Vastaus"),
                                           MessageDraft(Sender.AGENT, "muistiinpano", internal=True),
                                           MessageDraft(Sender.AGENT, "Terveisin Anna")])
    return conversation.id


def test_a_pushing_channel_is_retried_with_backoff_until_it_delivers(parts):
    import asyncio
    mail = FlakyMail(failures=2)
    conversation = mail_conversation(parts, mail)
    assert parts.outbox.states(conversation) == {2: "pending", 4: "pending"}  # private notes never go out

    async def deliver_until_sent() -> None:
        deadline = time.monotonic() + 10
        while not mail.sent and time.monotonic() < deadline:
            await parts.outbox.deliver_due()
            await asyncio.sleep(0.005)

    asyncio.run(deliver_until_sent())
    assert mail.sent == [["Vastaus", "Terveisin Anna"]]  # once, in order, after two failures
    assert parts.outbox.states(conversation) == {2: "sent", 4: "sent"}
    asyncio.run(parts.outbox.deliver_due())
    assert mail.sent == [["Vastaus", "Terveisin Anna"]]  # nothing is sent twice


def test_a_permanent_failure_is_recorded_and_not_retried(parts):
    import asyncio
    mail = FlakyMail(failures=1, permanent=True)
    conversation = mail_conversation(parts, mail)
    asyncio.run(parts.outbox.deliver_due())
    asyncio.run(parts.outbox.deliver_due())
    assert parts.outbox.states(conversation) == {2: "failed", 4: "failed"} and mail.sent == []


def test_web_chat_messages_are_marked_delivered_when_the_socket_took_them(offline_settings):
    from channels.server import create_app as product_app
    migrate(offline_settings.database_url)
    app = product_app(offline_settings)
    with TestClient(app) as http, http.websocket_connect("/ws/chat") as ws:
        ws.send_json({"type": "start", "lang": "fi"})
        started = receive_json(ws)
        ws.send_json({"type": "message", "id": "c-1", "text": "Mikä on palkkatuki?"})
        frames = receive_until(ws, lambda f: f == {"type": "typing", "from": "bot", "on": False})
        shown = sorted(f["seq"] for f in frames if f["type"] == "message")
        states = wait_for(lambda: app.state.parts.outbox.states(started["conversation_id"]) or None)
        assert shown and sorted(states) == shown and set(states.values()) == {"sent"}


def test_a_rest_response_delivers_what_it_carries(offline_settings):
    migrate(offline_settings.database_url)
    app = create_app(offline_settings)
    http = TestClient(app)
    conversation, headers = open_conversation(http, lang="fi")
    body = http.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "Mikä on starttiraha?"},
                     headers=headers).json()
    states = app.state.parts.outbox.states(conversation)
    assert sorted(states) == [m["seq"] for m in body["messages"]] and set(states.values()) == {"sent"}


# -- content, reloaded while running ------------------------------------------------------------------

def test_edited_catalogue_content_is_answered_after_a_reload_without_a_restart(offline_settings, tmp_path: Path):
    catalogue = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, catalogue)
    content = ContentProvider(lambda: load(catalogue))
    migrate(offline_settings.database_url)
    app = create_app(parts=build(offline_settings, content))
    http = TestClient(app)

    def answer() -> str:
        conversation, headers = open_conversation(http, lang="fi")
        body = http.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "/start_up_grant"},
                         headers=headers).json()
        return next(m["text"] for m in body["messages"] if m["service"] == "start_up_grant")

    before, version = answer(), content.current().version
    path = catalogue / "start_up_grant.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Starttiraha", "title: Starttiraha (uusi)", 1),
                    encoding="utf-8")
    assert answer() == before  # nothing changes until the content is published
    content.reload()
    assert "Starttiraha (uusi)" in answer() and "Starttiraha (uusi)" not in before
    assert content.current().version != version and content.version(version).version == version
    assert http.get("/health").json()["content"] == content.current().version
    with app.state.parts.sessions() as db:
        assert db.query(Conversation).count() == 3
