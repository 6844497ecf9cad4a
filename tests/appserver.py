"""The product's app as its own uvicorn process(es) for a test, with the engine down (answers come from the
catalogue search): real HTTP, real websockets, real worker processes."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from assistant.engine import wait_until_up
from assistant.runtime import free_port, stop
from channels.server import migrate


@dataclass(frozen=True)
class App:
    port: int
    secret: str
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/chat"


@contextmanager
def app_process(database_url: str, workers: int = 1, **settings: object) -> Iterator[App]:
    """Migrate, start `workers` uvicorn workers on a free port and wait for /health; settings are passed
    by their field names (e.g. messages_per_conversation_per_minute=5, redis_url=…)."""
    migrate(database_url)
    port, secret = free_port(), uuid.uuid4().hex
    env = {**os.environ, "DATABASE_URL": database_url, "PORT": str(port), "RASA_PORT": str(free_port()),
           "NEUVO_SECRET": secret, **{name: str(value) for name, value in settings.items()}}
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "channels.server:create_app", "--factory",
                                "--port", str(port), "--workers", str(workers), "--log-level", "warning",
                                "--ws-max-size", "65536"], env=env, start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", process, 60, "the app")
        yield App(port, secret, process)
    finally:
        stop(process)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A throwaway database on the local PostgreSQL server for a whole module (the `postgres_url` fixture
    makes one per test); skipped where there is none."""
    import psycopg
    admin = os.environ.get("NEUVO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"neuvo_test_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server: {exc}")
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
