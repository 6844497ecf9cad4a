"""Limits across workers, against two real app workers with the counters in SQLite, PostgreSQL or Redis: a
flood on one conversation and from one address, open sockets per address, 60 parallel wrong logins,
sprayed usernames, the real user on another address, an oversize body refused before it is parsed, and
Rasa's tracker kept short. Every client address is its own loopback address (127.0.0.x), so tests
sharing an app never share a limit."""
from __future__ import annotations

import asyncio
import json
import math
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
import websockets
from fastapi.testclient import TestClient

from appserver import App, app_process, postgres_database
from bench.run import rss_mb
from assistant.api import ERRORS
from assistant.db import session_factory
from assistant.i18n import gettext
from assistant.limits import Limits, Refused, Rule, Taken, engine_session_due, wait_s
from assistant.settings import Settings
from channels.server import create_app, migrate
from channels.webchat import WS_ERRORS
from conftest import UNLIMITED, WAIT, local_redis
from handoff.agents import create_user
from handoff.console import ERRORS as CONSOLE_ERRORS

pytestmark = pytest.mark.limits
PASSWORD = "correct horse battery"
PER_CONVERSATION, PER_ADDRESS, SOCKETS = 5, 12, 3
LIMITS = {"messages_per_conversation_per_minute": PER_CONVERSATION, "messages_per_address_per_minute": PER_ADDRESS,
          "sockets_per_address": SOCKETS}
BACKENDS = ["sqlite", "postgresql", "redis"]


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request, tmp_path_factory) -> Iterator[dict]:
    """Where the counters live: the database (SQLite, PostgreSQL) or Redis (beside PostgreSQL)."""
    if request.param == "sqlite":
        yield {"database_url": f"sqlite:///{tmp_path_factory.mktemp('limits') / 'neuvo.db'}"}
        return
    with postgres_database() as url:
        yield {"database_url": url, **({"redis_url": local_redis()} if request.param == "redis" else {})}


@pytest.fixture(scope="module")
def app(backend) -> Iterator[App]:
    """Two app workers sharing the counters (the engine is down: catalogue answers)."""
    settings = {k: v for k, v in backend.items() if k != "database_url"}
    with app_process(backend["database_url"], workers=2, **LIMITS, **settings) as running:
        create_user(session_factory(backend["database_url"]), "anna", PASSWORD, "Anna", "agent", ["fi"])
        yield running


def client(app: App, address: str, **options) -> httpx.Client:
    """An HTTP client whose requests come from `address` (a loopback address of its own)."""
    return httpx.Client(base_url=app.url, transport=httpx.HTTPTransport(local_address=address), timeout=WAIT,
                        **options)


def start(http: httpx.Client) -> tuple[str, dict]:
    opened = http.post("/api/v1/conversations", json={"lang": "fi"})
    assert opened.status_code == 201, opened.text
    return opened.json()["conversation_id"], {"Authorization": f"Bearer {opened.json()['token']}"}


def customer_texts(app: App, conversation: str, headers: dict) -> list[str]:
    messages = httpx.get(f"{app.url}/api/v1/conversations/{conversation}", headers=headers).json()["messages"]
    return [m["text"] for m in messages if m["from"] == "customer"]


# -- the sliding window itself ------------------------------------------------------------------------

@pytest.fixture(params=BACKENDS)
def counters(request, offline_settings) -> Settings:
    """Settings with the product's limits (tests run without them by default), the counters in `param`."""
    offline_settings = offline_settings.replace(**{name: Settings.model_fields[name].default for name in UNLIMITED})
    if request.param == "sqlite":
        settings = offline_settings.replace(redis_url=None, notifier="auto")
    else:
        redis_url = local_redis() if request.param == "redis" else None
        settings = offline_settings.replace(database_url=request.getfixturevalue("postgres_url"), redis_url=redis_url,
                                            notifier="redis" if redis_url else "auto")
    migrate(settings.database_url)
    return settings


def test_a_limit_lets_through_its_number_and_says_when_the_next_gets_in(counters):
    now = [math.floor(time.time() / 60) * 60 + 30.0]  # the middle of a minute, on a clock the test moves
    counters = counters.replace(secret=uuid.uuid4().hex)  # keys of its own (Redis outlives the test)
    limits = Limits(counters, session_factory(counters.database_url), clock=lambda: now[0])
    rule = Rule("test", 3, 60.0)
    assert all(isinstance(limits.take((rule, "x")), Taken) for _ in range(3))
    refused = limits.take((rule, "x"))
    assert isinstance(refused, Refused) and refused.retry_after > 0
    assert isinstance(limits.take((rule, "y")), Taken)  # another subject has its own count
    fresh = Limits(counters, session_factory(counters.database_url), clock=lambda: now[0])
    now[0] += refused.retry_after - 1.5  # another worker (no cached refusal) agrees: not yet …
    assert isinstance(fresh.take((rule, "x")), Refused)
    now[0] += 1.5  # … and now
    assert isinstance(fresh.take((rule, "x")), Taken)
    assert isinstance(fresh.take((rule, "x")), Refused)  # the window slides: not three more at once


@pytest.mark.parametrize("limit,current,previous,elapsed", [(5, 6, 0, 0.5), (5, 3, 8, 0.25), (1, 2, 1, 0.9),
                                                            (20, 21, 20, 0.0), (3, 4, 3, 0.99)])
def test_the_predicted_wait_is_the_first_moment_an_attempt_gets_in(limit, current, previous, elapsed):
    rule, now = Rule("r", limit, 60.0), 6000.0 + elapsed * 60
    wait = wait_s(rule, now, current, previous)
    assert wait > 0

    def allowed(at: float) -> bool:  # the count after `wait`: this attempt was given back; one more comes
        window = math.floor(at / 60) - math.floor(now / 60)
        cur, prev = (current - 1, previous) if window == 0 else (0, current - 1) if window == 1 else (0, 0)
        return wait_s(rule, at, cur + 1, prev) == 0

    assert allowed(now + wait + 0.01) and not allowed(now + wait - 0.5)


def test_a_new_rasa_session_is_due_once_per_stretch_of_messages():
    turns = [(1, 3), (4, 5), (6, 9), (10, 10), (11, 12), (13, 21)]
    assert [engine_session_due(a, b, 10) for a, b in turns] == [False, False, False, True, False, True]
    assert not engine_session_due(1, 500, 0)  # 0: never


# -- messages -----------------------------------------------------------------------------------------

def test_a_flood_on_one_conversation_gets_error_frames_and_the_socket_stays_open(app):
    async def scenario() -> tuple[str, str, list[dict], float]:
        async with websockets.connect(app.ws_url, origin=app.url, local_addr=("127.0.0.11", 0)) as ws, \
                websockets.connect(app.ws_url, origin=app.url, local_addr=("127.0.0.12", 0)) as other:
            await ws.send(json.dumps({"type": "start", "lang": "fi"}))
            started = json.loads(await ws.recv())
            await other.send(json.dumps({"type": "start", "lang": "fi"}))
            await other.recv()
            for n in range(40):  # as fast as the socket takes them, without waiting for answers
                await ws.send(json.dumps({"type": "message", "id": f"f-{n}", "text": f"viesti {n}"}))
            began = time.monotonic()  # meanwhile another customer is answered as usual
            await other.send(json.dumps({"type": "message", "id": "o-1", "text": "Mikä on palkkatuki?"}))
            async with asyncio.timeout(WAIT):
                while json.loads(await other.recv())["type"] != "ack":
                    pass
            other_s = time.monotonic() - began
            answers: dict[str, dict] = {}
            async with asyncio.timeout(60):
                while len(answers) < 40:
                    frame = json.loads(await ws.recv())
                    if frame["type"] in ("ack", "error") and frame.get("id", "").startswith("f-"):
                        answers[frame["id"]] = frame
            await ws.send(json.dumps({"type": "ping"}))
            async with asyncio.timeout(WAIT):
                while json.loads(await ws.recv())["type"] != "pong":
                    pass  # the flooded socket is still open
            return started["conversation_id"], started["token"], list(answers.values()), other_s

    conversation, token, answers, other_s = asyncio.run(scenario())
    acks = [a for a in answers if a["type"] == "ack"]
    refused = [a for a in answers if a["type"] == "error"]
    assert len(acks) == PER_CONVERSATION and len(refused) == 40 - PER_CONVERSATION
    assert {a["code"] for a in refused} == {"rate_limited"} and all(a["retry_after"] >= 1 for a in refused)
    assert refused[0]["message"] == gettext("fi", ERRORS["rate_limited"], seconds=refused[0]["retry_after"])
    stored = customer_texts(app, conversation, {"Authorization": f"Bearer {token}"})
    assert sorted(stored) == sorted(f"viesti {a['id'][2:]}" for a in acks)  # the acknowledged ones, once each
    assert other_s < 5.0


def test_a_rest_flood_from_one_address_is_refused_across_workers(app):
    with client(app, "127.0.0.13", headers={"Accept-Language": "sv"}) as http:
        conversations = [start(http) for _ in range(4)]
    posts = [(c, h) for c, h in conversations for _ in range(4)]  # 16 messages, 4 per conversation

    def post(job: tuple[str, dict]) -> httpx.Response:
        with client(app, "127.0.0.13", headers={"Accept-Language": "sv"}) as one:  # a connection each: any worker
            return one.post(f"/api/v1/conversations/{job[0]}/messages", json={"text": "Mikä on palkkatuki?"},
                            headers=job[1])

    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(post, posts))
    statuses = [a.status_code for a in answers]
    assert statuses.count(200) == PER_ADDRESS and statuses.count(429) == len(posts) - PER_ADDRESS
    refused = next(a for a in answers if a.status_code == 429)
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["error"] == {"code": "rate_limited", "message": gettext(
        "sv", ERRORS["rate_limited"], seconds=int(refused.headers["Retry-After"]))}
    stored = sum(len(customer_texts(app, c, h)) for c, h in conversations)
    assert stored == PER_ADDRESS  # a refused message is not stored
    with client(app, "127.0.0.14") as elsewhere:  # another address is not limited by this one
        conversation, headers = start(elsewhere)
        assert elsewhere.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "hei"},
                              headers=headers).status_code == 200


def test_too_many_sockets_from_one_address_are_refused_with_a_clear_error(app):
    async def scenario() -> None:
        opened = [await websockets.connect(app.ws_url, origin=app.url, local_addr=("127.0.0.31", 0))
                  for _ in range(SOCKETS)]
        for ws in opened:
            await ws.send(json.dumps({"type": "ping"}))
            assert json.loads(await ws.recv()) == {"type": "pong"}
        async with websockets.connect(f"{app.ws_url}?lang=sv", origin=app.url, local_addr=("127.0.0.31", 0)) as extra:
            refused = json.loads(await extra.recv())
            assert refused["code"] == "too_many_connections" and refused["retry_after"] >= 1
            assert refused["message"] == gettext("sv", WS_ERRORS["too_many_connections"])
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await extra.recv()
            assert closed.value.rcvd.code == 1013  # try again later
        await opened.pop().close()

        async def another_fits() -> bool:
            async with websockets.connect(app.ws_url, origin=app.url, local_addr=("127.0.0.31", 0)) as ws:
                await ws.send(json.dumps({"type": "ping"}))
                return json.loads(await ws.recv()) == {"type": "pong"}

        deadline = time.monotonic() + WAIT  # the closed socket's lease is released as its handler ends
        while not await another_fits():
            assert time.monotonic() < deadline, "a closed socket kept counting"
        for ws in opened:
            await ws.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))


# -- logins -------------------------------------------------------------------------------------------

def login(app: App, address: str, username: str, password: str) -> httpx.Response:
    with client(app, address, headers={"Accept-Language": "fi"}) as http:
        return http.post("/console/api/login", json={"username": username, "password": password})


def test_sixty_parallel_wrong_guesses_are_evaluated_at_most_five_times(app):
    async def guesses() -> list[httpx.Response]:
        transport = httpx.AsyncHTTPTransport(local_address="127.0.0.21")
        async with httpx.AsyncClient(base_url=app.url, transport=transport, timeout=60,
                                     limits=httpx.Limits(max_connections=60, max_keepalive_connections=0)) as http:
            return await asyncio.gather(*(http.post("/console/api/login", json={"username": "anna",
                                                                                 "password": f"guess {n}!!!"})
                                          for n in range(60)))

    answers = asyncio.run(guesses())
    statuses = [a.status_code for a in answers]
    assert statuses.count(401) == 5 and statuses.count(429) == 55  # counted before the password is checked
    locked = next(a for a in answers if a.status_code == 429)
    assert int(locked.headers["Retry-After"]) >= 1
    assert login(app, "127.0.0.21", "anna", PASSWORD).status_code == 429  # the guesser's door stays shut …
    assert login(app, "127.0.0.22", "anna", PASSWORD).status_code == 200  # … the real user's is open


def test_spraying_usernames_from_one_address_is_limited(app):
    answers = [login(app, "127.0.0.23", f"user{n}", "wrong password!").status_code for n in range(40)]
    assert answers[:20] == [401] * 20 and answers[20:] == [429] * 20
    refused = login(app, "127.0.0.23", "anna", PASSWORD)
    assert refused.json()["error"]["message"].startswith("Liian monta kirjautumisyritystä. Yritä uudelleen ")
    assert login(app, "127.0.0.24", "anna", PASSWORD).status_code == 200


def test_a_correct_password_does_not_count_so_an_office_behind_one_address_can_log_in(app):
    for _ in range(30):  # more than the address allows guesses: successes are not guesses
        assert login(app, "127.0.0.25", "anna", PASSWORD).status_code == 200


def test_a_guess_from_many_addresses_keeps_the_real_user_out_for_about_a_minute_at_most(counters):
    now = [time.time()]
    migrate(counters.database_url)
    product = create_app(counters)
    product.state.parts.limits.clock = lambda: now[0]
    create_user(product.state.parts.sessions, "anna", PASSWORD, "Anna", "agent", ["fi"])

    def attempt(address: str, password: str):
        http = TestClient(product, client=(address, 40000), raise_server_exceptions=False)
        return http.post("/console/api/login", json={"username": "anna", "password": password},
                         headers={"Accept-Language": "sv"})

    for n in range(10):  # ten guessers, one guess each: no address is over its own limits
        assert attempt(f"198.51.100.{n}", "wrong password!").status_code == 401
    delayed = attempt("192.0.2.1", PASSWORD)  # the real user, elsewhere: delayed, briefly
    wait = int(delayed.headers["Retry-After"])  # at most the window and a tenth of it (sliding, limit 10)
    assert delayed.status_code == 429 and 1 <= wait <= counters.login_user_window_s * 1.1
    assert delayed.json()["error"]["message"] == gettext("sv", CONSOLE_ERRORS["locked_out"],
                                                         minutes=math.ceil(wait / 60))
    assert attempt("198.51.100.50", "wrong password!").status_code == 429  # more guessers are not evaluated
    now[0] += int(delayed.headers["Retry-After"])
    assert attempt("192.0.2.1", PASSWORD).status_code == 200


# -- bodies -------------------------------------------------------------------------------------------

def answer_of(sock: socket.socket) -> tuple[int, dict]:
    """Read one HTTP answer whole: its status and its JSON body."""
    sock.settimeout(WAIT)
    data = b""
    while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < int(
            data.lower().split(b"content-length: ", 1)[1].split(b"\r\n", 1)[0]):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    return int(head.split(b" ", 2)[1]), json.loads(body)


def stream(app: App, path: str, total: int) -> tuple[tuple[int, dict], int]:
    """POST a chunked body of `total` bytes, reading the answer while it is sent: (answer, bytes sent by then)."""
    sock = socket.create_connection(("127.0.0.1", app.port))
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAccept-Language: fi\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n".encode())
    chunk = b"[" * 65536
    sent, answered = [0], threading.Event()

    def send() -> None:
        try:
            while sent[0] < total and not answered.is_set():
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent[0] += len(chunk)
        except OSError:
            pass

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    answer = answer_of(sock)
    at = sent[0]
    answered.set()
    sender.join(WAIT)
    sock.close()
    return answer, at


def test_an_oversize_body_is_refused_before_it_is_parsed(app):
    before = rss_mb(app.process.pid)
    with socket.create_connection(("127.0.0.1", app.port)) as sock:  # it says 100 MB: refused unread
        sock.sendall(b"POST /api/v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Accept-Language: sv\r\nContent-Length: 100000000\r\n\r\n")
        status, body = answer_of(sock)
    assert (status, body["error"]) == (413, {"code": "body_too_large", "message": gettext("sv", ERRORS["body_too_large"])})
    (status, body), sent = stream(app, "/api/v1/conversations", 100_000_000)  # it says nothing: counted as it comes
    assert (status, body["error"]["code"]) == (413, "body_too_large")
    assert sent < 20_000_000  # answered while the rest was still on its way
    assert rss_mb(app.process.pid) - before < 20  # the 64 KiB read were all the app held
    with client(app, "127.0.0.41") as http:
        big = http.post("/console/api/login", content=b"x" * 100_000, headers={"Content-Type": "application/json"})
        assert big.status_code == 413 and big.json()["error"]["code"] == "body_too_large"
        tracker = http.post("/rasa/webhook", content=b"[" * 1_000_000, headers={"Content-Type": "application/json"})
        assert tracker.status_code == 403  # Rasa's own, larger limit: its caller is checked, not its size


# -- the conversation's length for Rasa ---------------------------------------------------------------

@pytest.mark.e2e
def test_a_long_conversation_keeps_rasas_tracker_short(stack):
    settings = stack.settings
    questions = ["Mikä on palkkatuki?", "kiitos", "Miten haen starttirahaa?", "hei"]  # the bot keeps answering
    with httpx.Client(base_url=settings.app_url, timeout=60) as http:
        conversation, headers = start(http)
        for n in range(70):  # well past rasa_session_messages (40) stored messages, more than once
            turn = http.post(f"/api/v1/conversations/{conversation}/messages", json={"text": questions[n % 4]},
                             headers=headers)
            assert turn.status_code == 200 and turn.json()["state"] not in ("queued", "agent")
        last_seq = http.get(f"/api/v1/conversations/{conversation}", headers=headers).json()["messages"][-1]["seq"]
        tracker = httpx.get(f"{settings.rasa_url}/conversations/{conversation}/tracker",
                            params={"token": settings.rasa_auth_token}).json()
    assert last_seq > settings.rasa_session_messages
    user_turns = [e for e in tracker["events"] if e["event"] == "user"]
    assert 0 < len(user_turns) < 25  # only the turns since the last new session, not all seventy
    assert any(e["event"] == "session_started" for e in tracker["events"])
