"""Shared fixtures: a fresh database per test module, and one real stack (Rasa + app) for end-to-end tests."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import httpx
import pytest

from assistant.runtime import free_port
from assistant.settings import Settings

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'neuvo.db'}"


@pytest.fixture
def offline_settings(sqlite_url: str) -> Settings:
    """Settings whose Rasa port has nothing listening: the engine is down. Queues are always open."""
    return Settings(database_url=sqlite_url, port=free_port(), rasa_port=free_port(),
                    queues_file=DATA / "queues-open.yml")


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The real product: trained (cached) Rasa server and the app as its own process, on free ports.
    Its queues are always open (tests/data/queues-open.yml), so staffing, not the weekday, decides."""
    from channels.server import stack as product_stack
    db = tmp_path_factory.mktemp("e2e") / "neuvo.db"
    settings = Settings(database_url=f"sqlite:///{db}", port=free_port(), rasa_port=free_port(),
                        queues_file=DATA / "queues-open.yml")
    with product_stack(settings) as running:
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
    import psycopg
    admin = os.environ.get("NEUVO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"neuvo_test_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server: {exc}")
    yield admin.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url() -> str:
    """The local Redis server (skipped where there is none). Its pub/sub is server-wide: use own channels."""
    import redis
    url = os.environ.get("NEUVO_TEST_REDIS", "redis://127.0.0.1:6379/0")
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=1) as client:
            client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis server: {exc}")
    return url
