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
    """Settings whose Rasa port has nothing listening: the engine is down."""
    return Settings(database_url=sqlite_url, port=free_port(), rasa_port=free_port())


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The real product: trained (cached) Rasa server and the app as its own process, on free ports.
    Its queues are always open (tests/data/queues-open.yml), so staffing, not the weekday, decides."""
    from assistant.runtime import Stack
    db = tmp_path_factory.mktemp("e2e") / "neuvo.db"
    settings = Settings(database_url=f"sqlite:///{db}", port=free_port(), rasa_port=free_port())
    with Stack(settings, env={"NEUVO_QUEUES": str(DATA / "queues-open.yml")}) as running:
        yield running


@pytest.fixture
def api(stack):
    with httpx.Client(base_url=stack.settings.app_url, timeout=60) as client:
        yield client


def ask(client: httpx.Client, text: str, conversation: str | None = None, lang: str | None = None) -> dict:
    if conversation is None:
        conversation = client.post("/api/v1/conversations", json={"lang": lang} if lang else {}).json()["conversation_id"]
    response = client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": text})
    assert response.status_code == 200, response.text
    return {**response.json(), "conversation_id": conversation}


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
