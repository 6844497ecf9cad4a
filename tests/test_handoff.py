"""Handoff through the real app and database (the engine is down here; the dialogue's rules still hand
over): queues, a silent bot, claims, transfers, audit trail, access rules and the console's guards."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.db import session_factory
from assistant.settings import Settings
from channels.server import create_app, migrate
from handoff.agents import create_user
from handoff.models import HandoffEvent
from conftest import open_conversation, receive_json, receive_until

pytestmark = pytest.mark.handoff
DATA = Path(__file__).parent / "data"
PASSWORD = "correct horse battery"
STAFF = {  # username: (role, languages, region)
    "anna": ("agent", ["fi"], None),
    "sven": ("agent", ["fi", "sv"], None),
    "rita": ("regional_advisor", ["fi", "sv"], "15"),
    "olli": ("regional_advisor", ["fi"], "01"),
    "sue": ("supervisor", ["fi", "sv", "en"], None),
}


def staffed_app(settings):
    migrate(settings.database_url)
    sessions = session_factory(settings.database_url)
    for username, (role, languages, region) in STAFF.items():
        create_user(sessions, username, PASSWORD, username.capitalize(), role, languages, region=region)
    return create_app(settings)


@pytest.fixture
def app(offline_settings):
    return staffed_app(offline_settings)


class Agent:
    """A logged-in console user (its own cookie jar and CSRF token)."""

    def __init__(self, app, username: str):
        self.http = TestClient(app, raise_server_exceptions=False)
        response = self.http.post("/console/api/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        self.csrf = response.json()["csrf"]

    def get(self, path: str):
        return self.http.get(path)

    def post(self, path: str, body: dict | None = None):
        return self.http.post(path, json=body or {}, headers={"X-CSRF-Token": self.csrf})

    def waiting(self) -> dict[str, list[str]]:
        return {q["id"]: [w["conversation_id"] for w in q["waiting"]] for q in self.get("/console/api/queues").json()}


def customer(app, first: str, lang: str = "fi", region: str | None = None) -> tuple[TestClient, str, dict]:
    http = TestClient(app, raise_server_exceptions=False)
    conversation, headers = open_conversation(http, lang=lang, region=region)
    http.headers.update(headers)
    turn = http.post(f"/api/v1/conversations/{conversation}/messages", json={"text": first}).json()
    return http, conversation, turn


def say(http: TestClient, conversation: str, text: str) -> dict:
    return http.post(f"/api/v1/conversations/{conversation}/messages", json={"text": text}).json()


def test_a_person_takes_over_and_the_bot_stays_silent(app):
    anna = Agent(app, "anna")
    http, conversation, turn = customer(app, "/request_human")
    assert turn["state"] == "queued"
    queued = turn["messages"][-1]
    assert queued["from"] == "system" and queued["event"] == "queued" and queued["details"]["position"] == 1
    assert "jonossa sijalla 1" in queued["text"]
    assert conversation in anna.waiting()["topic:general"]

    waiting = say(http, conversation, "Onko siellä ketään?")
    assert waiting["messages"] == [] and waiting["state"] == "queued"  # no bot reply while waiting
    assert anna.post(f"/console/api/conversations/{conversation}/claim").status_code == 200
    assert say(http, conversation, "Mistä saan starttirahaa?")["messages"] == []  # not even to a service question
    assert anna.post(f"/console/api/conversations/{conversation}/messages", {"text": "Hei, olen Anna."}).status_code == 200
    assert anna.post(f"/console/api/conversations/{conversation}/messages",
                     {"text": "Asiakas vaikuttaa yrittäjältä", "internal": True}).status_code == 200

    seen = http.get(f"/api/v1/conversations/{conversation}").json()["messages"]
    assert [m["from"] for m in seen if m["from"] != "customer"] == ["bot", "system", "system", "agent"]
    assert seen[-1]["author"] == "Anna" and "Asiakas vaikuttaa" not in str(seen)  # the private note stays private
    console = anna.get(f"/console/api/conversations/{conversation}").json()
    assert any(m["internal"] and m["text"] == "Asiakas vaikuttaa yrittäjältä" for m in console["messages"])
    assert console["conversation"]["agent"]["name"] == "Anna"


def test_swedish_conversations_go_only_to_swedish_speaking_agents(app):
    anna = Agent(app, "anna")  # Finnish only
    _, conversation, turn = customer(app, "/request_human", lang="sv")
    assert turn["state"] == "no_agents" and turn["messages"][-1]["event"] == "no_agents"
    assert [b["payload"] for b in turn["messages"][-1]["buttons"]] == ["/leave_message", "/callback"]
    assert "Lämna ett meddelande" in str(turn["messages"][-1]["buttons"])
    assert "Ingen av våra sakkunniga" in turn["messages"][-1]["text"]  # nobody online: not "everyone is busy"
    assert "upptagna" not in turn["messages"][-1]["text"]

    sven = Agent(app, "sven")
    _, second, turn = customer(app, "/request_human", lang="sv")
    assert turn["state"] == "queued"
    assert second in sven.waiting()["topic:general"] and second not in anna.waiting()["topic:general"]
    refused = anna.post(f"/console/api/conversations/{second}/claim")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_allowed"
    assert sven.post(f"/console/api/conversations/{second}/claim").status_code == 200


def test_a_municipality_in_inflected_form_routes_to_its_region(app):
    rita = Agent(app, "rita")  # Ostrobothnia (15); no national agent online
    http, conversation, _ = customer(app, "Asun Vaasassa.")
    turn = say(http, conversation, "/request_human")
    assert turn["state"] == "queued" and turn["messages"][-1]["details"]["queue"] == "region:15"
    assert "Pohjanmaa" in turn["messages"][-1]["text"]
    assert conversation in rita.waiting()["region:15"]
    _, swedish, _ = customer(app, "Jag bor i Vasa och behöver hjälp", lang="sv")
    assert rita.post(f"/console/api/conversations/{swedish}/claim").status_code != 200  # not handed over yet


def test_transfer_to_a_region_and_close_are_recorded_and_told_to_the_customer(app, offline_settings):
    anna, rita, olli = Agent(app, "anna"), Agent(app, "rita"), Agent(app, "olli")
    http, conversation, _ = customer(app, "/request_human")
    assert anna.post(f"/console/api/conversations/{conversation}/claim").status_code == 200
    moved = anna.post(f"/console/api/conversations/{conversation}/transfer",
                      {"queue": "region:15", "note": "Paikallinen yritysneuvonta, hetu 131052-308T"})
    assert moved.status_code == 200 and moved.json()["conversation"]["state"] == "queued"
    assert anna.get(f"/console/api/conversations/{conversation}").status_code == 403  # no longer hers
    assert conversation in rita.waiting()["region:15"]
    assert olli.get(f"/console/api/conversations/{conversation}").status_code == 403  # another region's advisor
    assert olli.post(f"/console/api/conversations/{conversation}/claim").status_code == 403
    assert "region:15" not in olli.waiting()
    assert rita.post(f"/console/api/conversations/{conversation}/claim").status_code == 200
    view = rita.get(f"/console/api/conversations/{conversation}").json()
    note = next(m for m in view["messages"] if m["internal"])
    assert "131052-308T" not in note["text"] and "Paikallinen yritysneuvonta" in note["text"]
    assert rita.post(f"/console/api/conversations/{conversation}/close", {"outcome": "nope"}).status_code == 422
    assert rita.post(f"/console/api/conversations/{conversation}/close", {"outcome": "answered"}).status_code == 200

    events = [m["event"] for m in http.get(f"/api/v1/conversations/{conversation}").json()["messages"] if m.get("event")]
    assert events == ["queued", "agent_joined", "transferred", "agent_joined", "closed"]
    with session_factory(offline_settings.database_url)() as db:
        trail = [(e.kind, e.actor, e.to_queue, e.outcome) for e in db.scalars(select(HandoffEvent).order_by(HandoffEvent.id))]
    assert trail == [("requested", "customer", "topic:general", None), ("queued", "bot", "topic:general", None),
                     ("claimed", "anna", None, None), ("transferred", "anna", "region:15", None),
                     ("claimed", "rita", None, None), ("closed", "rita", None, "answered")]
    assert say(http, conversation, "/greet")["messages"], "after closing, the bot answers again"


def test_an_advisor_who_returned_a_conversation_reads_no_more_of_it(app):
    rita, sue = Agent(app, "rita"), Agent(app, "sue")
    http, conversation, _ = customer(app, "Asun Vaasassa, mitä alueellisia palveluja täällä on?")  # the region's queue
    assert say(http, conversation, "/request_human")["state"] == "queued"
    assert rita.post(f"/console/api/conversations/{conversation}/claim").status_code == 200
    assert rita.post(f"/console/api/conversations/{conversation}/return").status_code == 200
    say(http, conversation, "Minun Y-tunnukseni on 0112038-9 ja kysyn palkkatuesta")
    refused = rita.get(f"/console/api/conversations/{conversation}")
    assert refused.status_code == 403 and "0112038-9" not in refused.text
    assert conversation not in rita.waiting()["region:15"]
    assert "0112038-9" in str(sue.get(f"/console/api/conversations/{conversation}").json()["messages"])


def test_a_customer_can_never_reach_the_console(app):
    http, conversation, _ = customer(app, "/request_human")
    token = http.post("/api/v1/conversations").json()["token"]
    for path in ("/console/api/me", "/console/api/queues", f"/console/api/conversations/{conversation}",
                 "/console/api/supervisor", "/console/api/canned", "/console/api/conversations",
                 "/console/api/labels", "/console/api/supervisor/email"):
        assert http.get(path).status_code == 401, path
        assert http.get(path, cookies={"neuvo_console": token}).status_code == 401, path
    for path in ("claim", "messages", "transfer", "return", "close", "typing"):
        assert http.post(f"/console/api/conversations/{conversation}/{path}", json={}).status_code == 401
    assert http.post("/console/api/login", json={"username": "anna", "password": "wrong password"}).status_code == 401
    with pytest.raises(Exception), http.websocket_connect("/ws/console"):
        pass
    anna = Agent(app, "anna")
    no_token = anna.http.post(f"/console/api/conversations/{conversation}/claim")
    assert no_token.status_code == 403 and no_token.json()["error"]["code"] == "csrf"
    foreign = anna.http.post(f"/console/api/conversations/{conversation}/claim",
                             headers={"X-CSRF-Token": anna.csrf, "Origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert anna.get("/console/api/supervisor").status_code == 403  # agents don't get the supervisor view
    assert Agent(app, "sue").get("/console/api/supervisor").json()["agents"]


def test_a_closed_queue_turns_into_a_message_request(offline_settings):
    offline_settings = offline_settings.replace(queues_file=DATA / "queues-closed.yml")
    migrate(offline_settings.database_url)
    create_user(session_factory(offline_settings.database_url), "anna", PASSWORD, "Anna", "agent", ["fi"])
    app = create_app(offline_settings)
    anna = Agent(app, "anna")
    with TestClient(app).websocket_connect("/ws/chat") as ws:
        ws.send_json({"type": "start", "lang": "fi"})
        assert receive_json(ws)["type"] == "started"
        ws.send_json({"type": "message", "id": "c-1", "text": "/request_human"})
        frames = [receive_json(ws) for _ in range(5)]  # typing, ack, bot, system, typing
        offer = next(f for f in frames if f.get("event") == "no_agents")
        assert "eivät ole juuri nyt tavoitettavissa" in offer["text"] and len(offer["buttons"]) == 2
        ws.send_json({"type": "leave_message", "id": "c-2", "kind": "message", "email": "not-an-address", "text": "Hei"})
        assert receive_json(ws)["code"] == "invalid_email"
        left = {"type": "leave_message", "id": "c-3", "kind": "message", "email": "maija@example.fi",
                "text": "Soittakaa minulle starttirahasta, hetu 131052-308T"}
        ws.send_json(left)
        ack, notice, thanks = receive_json(ws), receive_json(ws), receive_json(ws)
        assert ack["type"] == "ack" and not ack["duplicate"]
        assert notice["event"] == "personal_data_notice" and "Älä lähetä henkilötunnustasi" in notice["text"]
        assert thanks["event"] == "message_left" and "maija@example.fi" in thanks["text"]
        ws.send_json(left)  # resent after a lost ack: stored once
        assert receive_json(ws) == {**ack, "duplicate": True}
    [queue] = [q for q in anna.get("/console/api/queues").json() if q["id"] == "topic:general"]
    assert queue["open"] is False and queue["waiting"][0]["state"] == "message_left"
    assert "131052-308T" not in queue["waiting"][0]["preview"]
    detail = anna.get(f"/console/api/conversations/{queue['waiting'][0]['conversation_id']}").json()
    assert detail["conversation"]["contact"] == {"email": "maija@example.fi"}


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_twenty_concurrent_claims_one_wins(database, offline_settings, postgres_url):
    url = offline_settings.database_url if database == "sqlite" else postgres_url
    settings = offline_settings.replace(database_url=url)
    migrate(url)
    sessions = session_factory(url)
    users = [create_user(sessions, f"agent{i}", PASSWORD, f"Agent {i}", "agent", ["fi"]) for i in range(20)]
    app = create_app(settings)
    http, conversation, _ = customer(app, "/request_human")
    Agent(app, "agent0")  # someone online, so the customer is queued
    desk = app.state.service.desk
    desk.request(conversation)

    def claim(user):
        try:
            desk.claim(conversation, user)
            return user.username
        except Exception as exc:
            return type(exc).__name__

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(claim, users))
    winners = [r for r in results if r.startswith("agent")]
    assert len(winners) == 1 and results.count("AlreadyClaimed") == 19
    joined = [m for m in http.get(f"/api/v1/conversations/{conversation}").json()["messages"] if m.get("event") == "agent_joined"]
    assert len(joined) == 1


@pytest.mark.parametrize("database, notifier",
                         [("sqlite", "local"), ("postgresql", "postgres"), ("postgresql", "redis")])
def test_an_agent_reply_stored_by_another_worker_reaches_the_customer_socket(database, notifier, offline_settings,
                                                                             request):
    """Two app instances on one database stand for two workers: the customer's socket is on one, the
    agent's console on the other; the agent's typing, joining and reply still reach the customer. Each
    instance has its own notifier; the local one links only instances in one process, which these two are."""
    url = offline_settings.database_url if database == "sqlite" else request.getfixturevalue("postgres_url")
    settings = offline_settings.replace(database_url=url, notifier=notifier,
                                        redis_url=request.getfixturevalue("redis_url") if notifier == "redis" else None)
    migrate(url)
    create_user(session_factory(url), "anna", PASSWORD, "Anna", "agent", ["fi"])
    app, other_worker = create_app(settings), create_app(settings)
    assert type(app.state.parts.hub.notifier).__name__.lower().startswith(notifier)
    anna = Agent(other_worker, "anna")
    with TestClient(app).websocket_connect("/ws/chat") as ws:
        ws.send_json({"type": "start", "lang": "fi"})
        conversation = receive_json(ws)["conversation_id"]
        ws.send_json({"type": "message", "id": "c-1", "text": "/request_human"})
        frames = receive_until(ws, lambda f: f.get("type") == "status" and f.get("event") == "queue_position")
        assert [f["event"] for f in frames if f.get("event") and f["type"] == "message"] == ["queued"]
        assert anna.post(f"/console/api/conversations/{conversation}/claim").status_code == 200
        assert anna.post(f"/console/api/conversations/{conversation}/typing", {"on": True}).status_code == 200
        seen = receive_until(ws, lambda f: f == {"type": "typing", "from": "agent", "on": True})
        assert anna.post(f"/console/api/conversations/{conversation}/messages", {"text": "Hei, Anna täällä."}).status_code == 200
        assert anna.post(f"/console/api/conversations/{conversation}/messages",
                         {"text": "muistiinpano", "internal": True}).status_code == 200
        assert anna.post(f"/console/api/conversations/{conversation}/messages", {"text": "Miten voin auttaa?"}).status_code == 200
        seen += receive_until(ws, lambda f: f.get("text") == "Miten voin auttaa?")
        messages = [(f["from"], f.get("event"), f["text"]) for f in seen if f["type"] == "message"]
        assert messages[0][:2] == ("system", "agent_joined")
        assert messages[1:] == [("agent", None, "Hei, Anna täällä."), ("agent", None, "Miten voin auttaa?")]
        assert len({f["seq"] for f in seen if f["type"] == "message"}) == len(messages)  # each once


def test_accounts_are_made_on_the_command_line(sqlite_url, monkeypatch, capsys):
    from channels.server import main
    from handoff.agents import authenticate
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("NEUVO_PASSWORD", PASSWORD)
    assert main(["user", "add", "rita", "--name", "Rita", "--role", "regional_advisor", "--region", "15",
                 "--languages", "fi,sv"]) == 0
    assert "created regional_advisor rita" in capsys.readouterr().out
    assert main(["user", "add", "rita", "--role", "agent"]) == 2  # exists already
    assert main(["user", "add", "olli", "--role", "regional_advisor"]) == 2  # a regional advisor needs a region
    assert "needs --region" in capsys.readouterr().err
    user = authenticate(session_factory(sqlite_url), "rita", PASSWORD)
    assert user is not None and user.region == "15" and user.languages == ["fi", "sv"]
    assert user.password_hash.startswith("$argon2id$")
    assert authenticate(session_factory(sqlite_url), "rita", "wrong password!") is None


def test_an_idle_console_session_expires(app, offline_settings):
    import datetime as dt

    from sqlalchemy import update

    from handoff.models import ConsoleSession
    anna = Agent(app, "anna")
    assert anna.get("/console/api/me").json()["user"]["name"] == "Anna"
    cookie = anna.http.cookies.get("neuvo_console")
    assert cookie and cookie not in str(anna.get("/console/api/me").json())  # the cookie is never echoed
    with session_factory(offline_settings.database_url).begin() as db:
        db.execute(update(ConsoleSession).values(last_seen=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31)))
    expired = anna.get("/console/api/me")
    assert expired.status_code == 401 and expired.json()["error"]["code"] == "login_required"


def test_password_guessing_is_locked_out(offline_settings):
    app = staffed_app(offline_settings.replace(**{  # the product's login limits (tests run without them)
        name: Settings.model_fields[name].default for name in (
            "login_attempts_per_user_address", "login_attempts_per_address", "login_attempts_per_user")}))
    http = TestClient(app, raise_server_exceptions=False)
    for _ in range(5):
        assert http.post("/console/api/login", json={"username": "anna", "password": "guess!guess"}).status_code == 401
    locked = http.post("/console/api/login", json={"username": "anna", "password": PASSWORD},
                       headers={"Accept-Language": "sv"})
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert locked.json()["error"]["message"].startswith("För många inloggningsförsök. Försök igen om ")
    Agent(app, "sven")  # other accounts are not affected


def test_everyone_busy_is_told_apart_from_nobody_online(app):
    """A full queue (experts online, every chat slot and waiting place taken) says so: the customer knows
    trying again soon may work, while "nobody is online" suggests leaving a message."""
    nobody = customer(app, "/request_human")[2]["messages"][-1]
    assert nobody["details"]["reason"] == "no_agents" and "ei ole juuri nyt paikalla" in nobody["text"]
    Agent(app, "anna")  # online, three chat slots: room for 3 + 4 waiting customers
    for _ in range(7):
        assert customer(app, "/request_human")[2]["state"] == "queued"
    full = customer(app, "/request_human")[2]
    assert full["state"] == "no_agents" and full["messages"][-1]["details"]["reason"] == "full"
    assert "varattuina" in full["messages"][-1]["text"] and "paikalla" not in full["messages"][-1]["text"]
# -- what the console shows: titles and display names, never ids or login names --------------------------

RAW = ("start_up_grant", "request_human", "entrepreneurs", "topic:", "region:", "nlu_fallback", "out_of_scope",
       "aino.k", "/request_human")
READ = {"name", "title", "service_title", "intent_title", "queue_name", "from_queue_name", "to_queue_name",
        "outcome_title", "actor", "author", "text", "services_asked", "region_name"}  # what console.js puts on screen


def shown(view) -> list[str]:
    """Every value of `view` that the console shows a person."""
    found: list[str] = []
    if isinstance(view, dict):
        for key, value in view.items():
            if key in READ and isinstance(value, str):
                found.append(value)
            elif key in READ and isinstance(value, list):
                found += [v for v in value if isinstance(v, str)]
            else:
                found += shown(value)
    elif isinstance(view, list):
        for value in view:
            found += shown(value)
    return found


def raw_ids(view) -> list[str]:
    return [text for text in shown(view) if any(raw in text for raw in RAW)]


@pytest.mark.console
def test_the_console_shows_service_titles_queue_names_and_display_names_never_ids(app, offline_settings):
    create_user(session_factory(offline_settings.database_url), "aino.k", PASSWORD, "Aino Virtanen", "agent",
                ["fi", "sv"])
    aino, sue = Agent(app, "aino.k"), Agent(app, "sue")
    assert aino.get("/console/api/me").json()["user"]["name"] == "Aino Virtanen"
    http, conversation, turn = customer(app, "Miten haen starttirahaa?")
    assert turn["understood"]["service"] == "start_up_grant"
    offered = next(b["title"] for m in turn["messages"] for b in m.get("buttons") or [] if b["payload"] == "/request_human")
    assert say(http, conversation, "/request_human")["state"] == "queued"

    queues = aino.get("/console/api/queues").json()
    [item] = [w for q in queues for w in q["waiting"] if w["conversation_id"] == conversation]
    assert item["service_title"] == "Starttiraha" and item["queue_name"] == "Yrityksen perustaminen"
    assert "Yrityksen perustaminen" in [q["name"] for q in queues] and raw_ids(queues) == []
    swedish = aino.get("/console/api/queues?lang=sv").json()
    assert [w["service_title"] for q in swedish for w in q["waiting"]] == ["Startpeng"]
    assert "Att starta företag" in [q["name"] for q in swedish]

    assert aino.post(f"/console/api/conversations/{conversation}/claim").status_code == 200
    assert aino.get("/console/api/conversations").json()[0]["queue_name"] == "Yrityksen perustaminen"
    view = aino.get(f"/console/api/conversations/{conversation}").json()
    assert view["conversation"]["agent"]["name"] == "Aino Virtanen"
    asked, pressed = view["messages"][0], next(m for m in view["messages"] if m.get("payload"))
    assert asked["understood"]["service_title"] == asked["understood"]["intent_title"] == "Starttiraha"
    assert asked["understood"]["services"][0]["title"] == "Starttiraha"
    assert pressed["payload"] == "/request_human" and pressed["text"] == offered  # the button the customer pressed
    assert pressed["understood"]["intent_title"] == "Pyytää ihmistä"
    assert view["context"]["services_asked"] == ["Starttiraha"]
    assert raw_ids(view) == []

    assert aino.post(f"/console/api/conversations/{conversation}/transfer",
                     {"queue": "region:15", "note": "Vaasasta"}).status_code == 200
    told = next(m for m in http.get(f"/api/v1/conversations/{conversation}").json()["messages"]
                if m.get("event") == "transferred")
    assert told["text"].startswith("Aino Virtanen siirsi keskustelun jonoon Alueellinen neuvonta – Pohjanmaa")
    assert told["details"]["agent"] == "Aino Virtanen"
    history = sue.get(f"/console/api/conversations/{conversation}").json()
    moved = next(e for e in history["events"] if e["kind"] == "transferred")
    assert moved["actor"] == "Aino Virtanen" and moved["from_queue_name"] == "Yrityksen perustaminen"
    assert moved["to_queue_name"] == "Alueellinen neuvonta – Pohjanmaa"
    assert [e["actor"] for e in history["events"]][:2] == ["Asiakas", "Botti"]
    assert raw_ids(history) == [] and "aino.k" not in str(history)  # colleagues' login names stay out of it
    supervisor = sue.get("/console/api/supervisor").json()
    assert "Aino Virtanen" in [a["name"] for a in supervisor["agents"]] and raw_ids(supervisor) == []


@pytest.mark.console
def test_what_the_bot_understood_reads_as_labels_for_dialogue_intents(app):
    from nlu.project import FALLBACK_INTENT, load_dialogue_intents

    from handoff.names import INTENT_NAMES
    assert set(load_dialogue_intents()) | {FALLBACK_INTENT} <= set(INTENT_NAMES)  # a new intent needs a label
    sue = Agent(app, "sue")
    http, conversation, _ = customer(app, "Mikä on Suomen paras jalkapallojoukkue?")
    say(http, conversation, "/request_human")
    view = sue.get(f"/console/api/conversations/{conversation}").json()
    understood = [m["understood"] for m in view["messages"] if m["understood"]]
    assert understood[0]["intent"] in ("out_of_scope", "nlu_fallback") or understood[0]["service"]
    assert understood[-1]["intent_title"] == "Pyytää ihmistä"
    assert all(u["intent_title"] and u["intent_title"] != u["intent"] for u in understood)
    assert raw_ids(view) == []
    swedish = sue.get(f"/console/api/conversations/{conversation}?lang=sv").json()
    assert [m["understood"]["intent_title"] for m in swedish["messages"] if m["understood"]][-1] == "Ber om en människa"
    _, typed, _ = customer(app, "/request_human")  # no button offered: the intent's label
    pressed = next(m for m in sue.get(f"/console/api/conversations/{typed}?lang=sv").json()["messages"] if m.get("payload"))
    assert pressed["text"] == "Ber om en människa" and pressed["payload"] == "/request_human"


@pytest.mark.console
def test_an_account_without_a_display_name_is_shown_as_an_expert_never_by_its_username(app, offline_settings):
    sessions = session_factory(offline_settings.database_url)
    create_user(sessions, "ville.v", PASSWORD, "ville.v", "agent", ["fi"])  # `user add` without --name used to do this
    create_user(sessions, "kaisa.k", PASSWORD, "", "supervisor", ["fi"])
    ville, kaisa = Agent(app, "ville.v"), Agent(app, "kaisa.k")
    assert ville.get("/console/api/me").json()["user"]["name"] == "Asiantuntija"
    http, conversation, _ = customer(app, "/request_human")
    assert ville.post(f"/console/api/conversations/{conversation}/claim").status_code == 200
    assert ville.post(f"/console/api/conversations/{conversation}/messages", {"text": "Hei!"}).status_code == 200
    seen = [m for m in http.get(f"/api/v1/conversations/{conversation}").json()["messages"] if m["from"] != "customer"]
    assert seen[-2]["text"] == "Asiantuntija yhteyspalvelusta liittyi keskusteluun." and seen[-1]["author"] == "Asiantuntija"
    assert "ville.v" not in str(seen)
    assert kaisa.get(f"/console/api/conversations/{conversation}").json()["conversation"]["agent"]["name"] == "Asiantuntija"
    assert {"ville.v", "kaisa.k"}.isdisjoint(a["name"] for a in kaisa.get("/console/api/supervisor").json()["agents"])
    assert ville.post(f"/console/api/conversations/{conversation}/close", {"outcome": "answered"}).status_code == 200
    closed = kaisa.get(f"/console/api/conversations/{conversation}").json()["events"][-1]
    assert (closed["actor"], closed["outcome_title"]) == ("Asiantuntija", "Vastattu")


@pytest.mark.console
def test_the_agent_who_held_a_conversation_hears_when_a_supervisor_moves_it_away(app, offline_settings):
    anna, sue = Agent(app, "anna"), Agent(app, "sue")
    _, conversation, _ = customer(app, "/request_human")
    with TestClient(app) as live, live.websocket_connect("/ws/console", headers={
            "Origin": offline_settings.app_url, "Cookie": f"neuvo_console={anna.http.cookies.get('neuvo_console')}"}) as ws:
        assert anna.post(f"/console/api/conversations/{conversation}/claim").status_code == 200
        receive_until(ws, lambda f: f.get("conversation_id") == conversation and f.get("state") == "agent")
        assert sue.post(f"/console/api/conversations/{conversation}/transfer", {"queue": "region:15"}).status_code == 200
        told = receive_until(ws, lambda f: f.get("type") == "left")
        assert told[-1] == {"type": "left", "conversation_id": conversation}  # where it went is not hers to know
    assert anna.get(f"/console/api/conversations/{conversation}").status_code == 403  # the page closes it with a note
