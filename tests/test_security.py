"""Who may open a conversation: only the bearer of its own token, and Rasa's endpoints only the Rasa server.

Each test here is a regression test for a way into someone else's conversation that once existed.
"""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant import tokens
from assistant.conversation import DuplicateMessage, conversation_state, save_state
from assistant.dialogue import ConversationState
from assistant.engine import SECRET_HEADER
from assistant.models import Conversation
from assistant.states import State, transition
from channels.server import create_app, migrate
from handoff.agents import create_user
from conftest import open_conversation, receive_json

pytestmark = pytest.mark.security


@pytest.fixture
def app(offline_settings):
    migrate(offline_settings.database_url)
    return create_app(offline_settings)


def held_by_an_agent(app, conversation_id: str) -> int:
    """Move a conversation the way the desk does: requested, queued, claimed by an agent; the agent's id."""
    agent = create_user(app.state.parts.sessions, f"a{conversation_id[:8]}", "correct horse battery", "Anna", "agent",
                        ["fi"])
    with app.state.parts.sessions.begin() as db:
        transition(db, conversation_id, [State.BOT], State.HANDOFF_REQUESTED)
        transition(db, conversation_id, [State.HANDOFF_REQUESTED], State.QUEUED, queue="topic:general")
        transition(db, conversation_id, [State.QUEUED], State.AGENT, agent_id=agent.id)
    return agent.id


def test_a_transcript_opens_only_with_its_own_token(app, offline_settings):
    http = TestClient(app, raise_server_exceptions=False)
    mine, my_token = open_conversation(http, lang="fi")
    assert http.post(f"/api/v1/conversations/{mine}/messages", json={"text": "Mikä on palkkatuki?"},
                     headers=my_token).status_code == 200
    _, other_token = open_conversation(http, lang="fi")
    key = offline_settings.signing_key()
    forged = {"Authorization": f"Bearer {mine}.9999999999.{'A' * 43}"}
    expired = {"Authorization": f"Bearer {tokens.issue(key, mine, ttl_s=-1)}"}
    for headers, status in (({}, 401), ({"Authorization": mine}, 401), ({"Authorization": f"Bearer {mine}"}, 403),
                            (other_token, 403), (forged, 403), (expired, 403)):
        read = http.get(f"/api/v1/conversations/{mine}", headers=headers)
        write = http.post(f"/api/v1/conversations/{mine}/messages", json={"text": "hei"}, headers=headers)
        assert (read.status_code, write.status_code) == (status, status), headers
        assert read.json()["error"]["code"] == "invalid_token" and "palkkatuki" not in read.text
    transcript = http.get(f"/api/v1/conversations/{mine}", headers=my_token).json()
    assert [m["text"] for m in transcript["messages"] if m["from"] == "customer"] == ["Mikä on palkkatuki?"]


def test_the_web_chat_resume_token_is_the_same_credential_and_expires(app, offline_settings):
    http = TestClient(app)
    conversation, headers = open_conversation(http, lang="sv")
    token = headers["Authorization"].split()[1]
    with http.websocket_connect("/ws/chat") as ws:
        ws.send_json({"type": "resume", "token": token, "last_seq": 0})
        resumed = receive_json(ws)
        assert resumed["type"] == "resumed" and resumed["conversation_id"] == conversation
        assert tokens.verify(offline_settings.signing_key(), resumed["token"]) == conversation  # a fresh one
        ws.send_json({"type": "resume", "token": tokens.issue(offline_settings.signing_key(), conversation, -1),
                      "last_seq": 0})
        assert receive_json(ws)["code"] == "invalid_token"
        ws.send_json({"type": "resume", "token": conversation, "last_seq": 0})  # the id alone
        assert receive_json(ws)["code"] == "invalid_token"


def forged_turn(conversation_id: str) -> dict:
    """What Rasa would post: a Swedish start-up grant question for this conversation."""
    return {"next_action": "action_respond", "response": "utter_greet", "tracker": {
        "sender_id": conversation_id,
        "latest_message": {"text": "Hur ansöker jag om startpeng?", "metadata": {"lang": "sv"},
                           "intent": {"name": "start_up_grant", "confidence": 0.99},
                           "intent_ranking": [{"name": "start_up_grant", "confidence": 0.99}]}}}


def test_rasa_endpoints_answer_only_the_rasa_server(app, offline_settings):
    conversation, _ = open_conversation(TestClient(app), lang="fi")
    agent = held_by_an_agent(app, conversation)
    secret = {SECRET_HEADER: offline_settings.rasa_callback_secret}
    outsider = TestClient(app, client=("203.0.113.7", 40000), raise_server_exceptions=False)
    local = TestClient(app, client=("127.0.0.1", 40000), raise_server_exceptions=False)
    for path in ("/rasa/webhook", "/rasa/nlg"):
        assert outsider.post(path, json=forged_turn(conversation)).status_code == 403
        assert outsider.post(path, json=forged_turn(conversation), headers=secret).status_code == 403  # not loopback
        assert local.post(path, json=forged_turn(conversation)).status_code == 403
        assert local.post(path, json=forged_turn(conversation), headers={SECRET_HEADER: "guess"}).status_code == 403
        assert local.post(path, content=b"{not json", headers=secret).status_code == 422
    with app.state.parts.sessions() as db:
        row = db.get(Conversation, conversation)
        assert (row.state, row.language, row.agent_id) == ("agent", "fi", agent)
    # Rasa itself is answered, and even its turn cannot take the conversation from the agent
    answered = local.post("/rasa/webhook", json=forged_turn(conversation), headers=secret)
    assert answered.status_code == 200 and answered.json()["responses"]
    with app.state.parts.sessions() as db:
        row = db.get(Conversation, conversation)
        assert (row.state, row.language, row.agent_id) == ("agent", "fi", agent)


def test_a_bot_turn_that_lost_the_race_to_an_agent_changes_nothing(app):
    parts = app.state.parts
    conversation = parts.service._create(None, None, "rest")         # Finnish, not fixed
    before = conversation_state(parts.service.load(conversation.id))  # the turn reads the state …
    held_by_an_agent(app, conversation.id)                             # … an agent claims meanwhile …
    after = ConversationState("sv", State.AWAITING_CHOICE, 1, True)    # … the turn would switch language
    assert save_state(parts.sessions, conversation.id, before, after) is False
    row = parts.service.load(conversation.id)
    assert (row.state, row.language, row.language_fixed, row.failed_turns) == ("agent", "fi", False, 0)


def test_a_resend_with_a_known_client_id_changes_nothing(app):
    service = app.state.parts.service
    conversation = service._create("fi", None, "webchat")
    service.accept(conversation.id, "Hei, tarvitsen apua työnhakuun", "c-1")
    with pytest.raises(DuplicateMessage) as duplicate:
        service.accept(conversation.id, "Jag bor i Vasa, företag 0112038-9, hjälp mig på svenska", "c-1")
    assert duplicate.value.message.seq == 1
    row = service.load(conversation.id)
    assert (row.language, row.region, row.business_id, row.last_seq) == ("fi", None, None, 1)
