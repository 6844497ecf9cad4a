"""Who may see and take which conversation (handoff.agents), role by role, and the console's live
websocket keeping to the same rules: a regional advisor hears of her own region's queue only."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from assistant.db import session_factory
from assistant.models import Conversation
from handoff.models import User
from assistant.updates import Change
from conftest import receive_until
from handoff.agents import create_user, may_claim, may_see, serves
from handoff.console import COOKIE
from test_handoff import PASSWORD, Agent, app, customer  # noqa: F401 (app is a fixture)

pytestmark = pytest.mark.handoff

QUEUES = ("topic:general", "topic:financing", "topic:employers", "region:15", "region:02")


def user(role: str, languages=("fi",), region: str | None = None, topics: list[str] | None = None, id: int = 7) -> User:
    return User(id=id, username=role, name=role.title(), role=role, region=region, languages=list(languages),
                topics=topics, max_chats=3, status="online", ui_language="fi")


def conversation(queue: str | None, language: str = "fi", agent_id: int | None = None,
                 state: str | None = None) -> Conversation:
    return Conversation(id="c-1", queue=queue, language=language, agent_id=agent_id,
                        state=state or ("queued" if agent_id is None else "agent"))


def label(value: object) -> str | None:
    """A readable test id for a user (other parameters keep pytest's own)."""
    if not isinstance(value, User):
        return None
    topics = "" if value.topics is None else f"[{','.join(value.topics)}]"
    return f"{value.role}{'-' + value.region if value.region else ''}{topics}-{'+'.join(value.languages)}"


AGENT = user("agent")                                        # every national topic
FINANCING_AGENT = user("agent", topics=["financing"])
NO_TOPIC_AGENT = user("agent", topics=[])
ADVISOR_15 = user("regional_advisor", ["fi", "sv"], region="15")
SUPERVISOR = user("supervisor", ["fi"])
ADMIN = user("admin", ["fi", "sv", "en"])


# -- serves ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who,served", [
    (AGENT, {"topic:general", "topic:financing", "topic:employers"}),
    (FINANCING_AGENT, {"topic:financing"}),
    (NO_TOPIC_AGENT, set()),
    (ADVISOR_15, {"region:15"}),
    (SUPERVISOR, set(QUEUES)),
    (ADMIN, set(QUEUES)),
], ids=["agent-all-topics", "agent-one-topic", "agent-no-topics", "regional-advisor-15", "supervisor", "admin"])
def test_serves_the_queues_of_the_role(who, served):
    assert {q for q in QUEUES if serves(who, q)} == served


def test_a_regional_advisor_serves_exactly_her_region():
    for queue in ("region:1", "region:150", "region:", "topic:15", "topic:regional"):
        assert not serves(ADVISOR_15, queue), queue
    assert serves(user("regional_advisor", region="02"), "region:02")
    assert not serves(user("regional_advisor", region="02"), "region:15")


# -- may_see --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who,queue,visible", [
    (ADVISOR_15, "region:15", True),
    (ADVISOR_15, "region:02", False),
    (ADVISOR_15, "topic:general", False),
    (ADVISOR_15, None, False),
    (AGENT, "topic:general", True),
    (AGENT, "region:02", False),
    (AGENT, None, False),
    (FINANCING_AGENT, "topic:financing", True),
    (FINANCING_AGENT, "topic:employers", False),
    (SUPERVISOR, "region:02", True),
    (SUPERVISOR, None, True),
    (ADMIN, "region:02", True),
    (ADMIN, None, True),
], ids=label)
def test_may_see_follows_the_queues_served(who, queue, visible):
    assert may_see(who, conversation(queue)) is visible


@pytest.mark.parametrize("who", [ADVISOR_15, AGENT, FINANCING_AGENT, NO_TOPIC_AGENT], ids=label)
def test_anyone_may_see_the_conversation_they_hold(who):
    assert may_see(who, conversation("region:02", agent_id=who.id))
    assert not may_see(who, conversation("region:02", agent_id=who.id + 1))


def test_may_see_judges_the_live_changes_the_console_socket_sends():
    def change(queue: str, agent_id: int | None = None) -> Change:
        return Change("c-1", 3, "queued" if agent_id is None else "agent", queue, agent_id, queue.partition(":")[2],
                      "fi", False, False)

    assert may_see(ADVISOR_15, change("region:15"))
    assert not may_see(ADVISOR_15, change("region:02"))
    assert may_see(ADVISOR_15, change("region:02", agent_id=ADVISOR_15.id))
    assert may_see(SUPERVISOR, change("region:02"))


@pytest.mark.parametrize("state", ["bot", "awaiting_choice", "human_offered", "handoff_requested", "no_agents",
                                   "closed"])
def test_access_ends_with_the_role_once_the_contact_centre_lets_go(state):
    """Returned to the bot, closed, or not yet handed over: the queue's staff no longer read it (nor do they
    hear of its later messages); supervisors and admins still do."""
    left = conversation("region:15", state=state)
    assert not may_see(ADVISOR_15, left) and not may_claim(ADVISOR_15, left)
    assert not may_see(AGENT, conversation("topic:general", state=state))
    assert may_see(SUPERVISOR, left) and may_see(ADMIN, left)
    for waiting in ("queued", "message_left", "callback_requested"):
        assert may_see(ADVISOR_15, conversation("region:15", state=waiting))


# -- may_claim ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who,queue,language,claimable", [
    (ADVISOR_15, "region:15", "fi", True),
    (ADVISOR_15, "region:15", "sv", True),
    (ADVISOR_15, "region:15", "en", False),       # not her language
    (ADVISOR_15, "region:02", "fi", False),       # not her region
    (AGENT, "topic:general", "fi", True),
    (AGENT, "topic:general", "sv", False),        # Finnish only
    (user("agent", ["fi", "sv"]), "topic:general", "sv", True),
    (FINANCING_AGENT, "topic:employers", "fi", False),
    (SUPERVISOR, "region:02", "fi", True),
    (SUPERVISOR, "region:02", "sv", False),       # a supervisor sees it, but takes only her languages
    (ADMIN, "region:02", "en", True),
], ids=label)
def test_may_claim_needs_the_queue_and_the_language(who, queue, language, claimable):
    assert may_claim(who, conversation(queue, language)) is claimable


# -- the console's live websocket -----------------------------------------------------------------------

def console_socket(client: TestClient, agent: Agent, origin: str):
    """/ws/console for a logged-in agent: the session cookie and an allowed Origin, as a browser sends them."""
    return client.websocket_connect("/ws/console", headers={
        "Origin": origin, "Cookie": f"{COOKIE}={agent.http.cookies.get(COOKIE)}"})


def queued_in(turn: dict) -> str:
    assert turn["state"] == "queued", turn
    return turn["messages"][-1]["details"]["queue"]


def test_the_console_socket_tells_a_regional_advisor_of_her_region_only(app, offline_settings):
    create_user(session_factory(offline_settings.database_url), "vera", PASSWORD, "Vera", "regional_advisor",
                ["fi"], region="02")
    # logged in, so their regions' queues are staffed; no national agent is, so customers go to the regions
    rita, vera = Agent(app, "rita"), Agent(app, "vera")  # Pohjanmaa (15), Varsinais-Suomi (02)
    origin = offline_settings.app_url
    # one client runs both sockets, as one worker runs every socket of its browsers
    with TestClient(app) as live, console_socket(live, rita, origin) as rita_ws, \
            console_socket(live, vera, origin) as vera_ws:
        _, elsewhere, turn = customer(app, "/request_human", region="02")
        assert queued_in(turn) == "region:02"
        # the change was published: region 02's advisor hears of it (so rita's socket had it to filter)
        told = receive_until(vera_ws, lambda f: f["type"] == "changed" and f["queue"] == "region:02")
        assert told[-1]["conversation_id"] == elsewhere and told[-1]["state"] == "queued"

        _, own, turn = customer(app, "/request_human", region="15")
        assert queued_in(turn) == "region:15"
        # everything about the other region came before this; the first thing rita hears is her own region
        frames = receive_until(rita_ws, lambda f: f["type"] != "ping")
        first = frames[-1]
        assert first["type"] == "changed", frames
        assert (first["conversation_id"], first["queue"], first["state"]) == (own, "region:15", "queued"), frames


def test_the_console_socket_refuses_a_foreign_origin(app, offline_settings):
    rita = Agent(app, "rita")
    with TestClient(app) as live:
        with pytest.raises(WebSocketDisconnect) as refused, console_socket(live, rita, "https://evil.example"):
            pass
        assert refused.value.code == 1008
        with console_socket(live, rita, offline_settings.app_url):
            pass  # the same session from the console's own origin is let in
