"""Shared fixtures: a fresh database per test module, and one real stack (Rasa + app) for end-to-end tests.
Also the waits: every test waits for a condition with a deadline, never for a fixed time."""
from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from appserver import postgres_database
from assistant.runtime import free_port
from assistant.settings import Settings

# No test's app listens on the product's SMTP port (2525, `make run`'s): the email tests give their own port.
#os.environ["SMTP_PORT"] = "0"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"
WAIT = 20.0  # seconds a test waits for any one condition (a frame, a stored answer) before it fails
# A test is one client address doing the work of many customers: its app has no limits (assistant.limits)
# unless it sets the ones it tests (tests/test_limits.py).
UNLIMITED = {name: 0 for name in (
    "messages_per_conversation_per_minute", "messages_per_address_per_minute", "conversations_per_address_per_minute",
    "sockets_per_address", "login_attempts_per_user_address", "login_attempts_per_address", "login_attempts_per_user")}


def wait_for(predicate: Callable[[], Any], timeout: float = WAIT, what: str | None = None, interval: float = 0.05) -> Any:
    """Poll `predicate` until it returns something truthy and return that; fail the test after `timeout` s."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            pytest.fail(f"waited {timeout:g} s in vain for {what or getattr(predicate, '__name__', 'a condition')}")
        time.sleep(min(interval, remaining))  # a poll interval, not a guess at how long the condition takes
        value = predicate()
    return value


_TIMED_OUT = object()


def _next_frame(ws, timeout: float) -> Any:
    """The next JSON frame of a TestClient websocket, or _TIMED_OUT. The TestClient's receive has no timeout,
    so a daemon thread does the blocking read (it ends when the socket closes)."""
    box: queue.Queue = queue.Queue(maxsize=1)

    def read() -> None:
        try:
            box.put((True, ws.receive_json()))
        except BaseException as exc:
            box.put((False, exc))

    threading.Thread(target=read, name="ws-receive", daemon=True).start()
    try:
        ok, value = box.get(timeout=max(timeout, 0.0))
    except queue.Empty:
        return _TIMED_OUT
    if not ok:
        raise value
    return value


def receive_json(ws, timeout: float = WAIT) -> Any:
    """The next JSON frame of a TestClient websocket; the test fails if none comes within `timeout` s."""
    frame = _next_frame(ws, timeout)
    if frame is _TIMED_OUT:
        pytest.fail(f"no websocket frame within {timeout:g} s")
    return frame


def receive_until(ws, predicate: Callable[[Any], bool], timeout: float = WAIT) -> list:
    """Frames of a TestClient websocket up to and including the first one matching `predicate`, all
    within `timeout` s (else the test fails, showing what did come)."""
    deadline, seen = time.monotonic() + timeout, []
    while not seen or not predicate(seen[-1]):
        frame = _next_frame(ws, deadline - time.monotonic())
        if frame is _TIMED_OUT:
            pytest.fail(f"no matching websocket frame within {timeout:g} s; received {seen}")
        seen.append(frame)
    return seen


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'neuvo.db'}"


@pytest.fixture
def offline_settings(request, sqlite_url: str) -> Settings:
    """Settings whose Rasa port has nothing listening: the engine is down. Queues are always open.

    On SQLite with the in-process notifier by default; `NEUVO_TEST_DATABASE=postgresql` runs the same tests
    on a throwaway PostgreSQL database, with `NEUVO_TEST_NOTIFIER` (postgres or redis) between workers."""
    values: dict = {"database_url": sqlite_url}
    if os.environ.get("NEUVO_TEST_DATABASE") == "postgresql":
        notifier = os.environ.get("NEUVO_TEST_NOTIFIER", "postgres")
        values = {"database_url": request.getfixturevalue("postgres_url"), "notifier": notifier,
                  "redis_url": request.getfixturevalue("redis_url") if notifier == "redis" else None}
    return Settings(port=free_port(), rasa_port=free_port(), queues_file=DATA / "queues-open.yml", smtp_port=0,
                    **UNLIMITED, **values)  # no SMTP receiver unless a test starts one (tests/test_email_e2e.py)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The real product: trained (cached) Rasa server and the app as its own process, on free ports.
    Its queues are always open (tests/data/queues-open.yml), so staffing, not the weekday, decides."""
    from channels.server import stack as product_stack
    db = tmp_path_factory.mktemp("e2e") / "neuvo.db"
    settings = Settings(database_url=f"sqlite:///{db}", port=free_port(), rasa_port=free_port(),
                        queues_file=DATA / "queues-open.yml")
    with product_stack(settings, env={**{name: str(value) for name, value in UNLIMITED.items()}}) as running:
        yield running


@pytest.fixture
def api(stack):
    with httpx.Client(base_url=stack.settings.app_url, timeout=60) as client:
        yield client


def open_conversation(client, **body) -> tuple[str, dict[str, str]]:
    """Start a conversation over REST: its id and the headers that carry its token."""
    response = client.post("/api/v1/conversations", json=body)
    assert response.status_code == 201, response.text
    return response.json()["conversation_id"], {"Authorization": f"Bearer {response.json()['token']}"}


def ask(client: httpx.Client, text: str, conversation: tuple[str, dict] | None = None, lang: str | None = None) -> dict:
    """One turn over REST; the result carries `conversation` (id and auth headers) for the next turn."""
    conversation = conversation or open_conversation(client, **({"lang": lang} if lang else {}))
    response = client.post(f"/api/v1/conversations/{conversation[0]}/messages", json={"text": text},
                           headers=conversation[1])
    assert response.status_code == 200, response.text
    return {**response.json(), "conversation": conversation}


@pytest.fixture
def postgres_url():
    """A throwaway database on the local PostgreSQL server (skipped where there is none)."""
    with postgres_database() as url:
        yield url


def local_redis() -> str:
    """The local Redis server's URL (the test is skipped where there is none). Its pub/sub is server-wide:
    tests use channels of their own."""
    import redis
    url = os.environ.get("NEUVO_TEST_REDIS", "redis://127.0.0.1:6379/0")
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=1) as client:
            client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis server: {exc}")
    return url


@pytest.fixture
def redis_url() -> str:
    return local_redis()
