"""Change-notification numbers for `make bench`: how fast an agent's reply reaches the customer's websocket
when the console and the socket are on one worker, and on two app processes (worker A takes the agent's
POST, worker B holds the customer's socket), with the PostgreSQL and the Redis notifier; the local
notifier on SQLite is the baseline. All in one run, interleaved reply by reply. The engine is not needed
(the dialogue rules hand over without it), so this part also runs alone: `python bench/notify.py`.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
import redis
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.db import session_factory  # noqa: E402
from assistant.evaluation import percentile  # noqa: E402
from assistant.runtime import Stack, free_port  # noqa: E402
from channels.server import APP, migrate  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from bench.handoff import PASSWORD, frames_until, login  # noqa: E402
from handoff.agents import create_user  # noqa: E402

REPLIES = 40
ADMIN = os.environ.get("NEUVO_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("NEUVO_BENCH_REDIS", "redis://127.0.0.1:6379/0")
OPEN_HOURS = ROOT / "tests" / "data" / "queues-open.yml"


class AppOnly(Stack):
    """An app process without the engine (its Rasa port has nothing listening)."""

    def __init__(self, settings: Settings):
        super().__init__(settings, app=APP, migrate=migrate)

    def start_engine(self) -> None:
        pass


async def conversation_with_agent(agent_url: str, customer: Settings, username: str):
    """A customer socket on `customer`'s worker whose conversation `username` holds through `agent_url`."""
    agent, csrf = await login(agent_url, username)  # online first, so the customer is queued
    ws = await websockets.connect(f"ws://{customer.host}:{customer.port}/ws/chat", origin=customer.app_url)
    await ws.send(json.dumps({"type": "start", "lang": "fi"}))
    conversation = (await frames_until(ws, lambda f: f["type"] == "started"))["conversation_id"]
    await ws.send(json.dumps({"type": "message", "id": "h", "text": "/request_human"}))
    await frames_until(ws, lambda f: f.get("event") == "queued")
    claimed = await agent.post(f"/console/api/conversations/{conversation}/claim", headers={"X-CSRF-Token": csrf})
    assert claimed.status_code == 200, claimed.text
    await frames_until(ws, lambda f: f.get("event") == "agent_joined")
    return agent, csrf, ws, conversation


async def measure(scenarios: dict[str, tuple[Settings, Settings]]) -> dict[str, list[float]]:
    """scenarios: label -> (agent's worker, customer's worker); replies go round the scenarios in turn."""
    chats = {}
    for i, (label, (agent_worker, customer_worker)) in enumerate(scenarios.items()):
        create_user(session_factory(agent_worker.database_url), f"notify{i}", PASSWORD, f"Agent {i}", "agent", ["fi"],
                    max_chats=50)
        chats[label] = await conversation_with_agent(agent_worker.app_url, customer_worker, f"notify{i}")
    delivery: dict[str, list[float]] = {label: [] for label in scenarios}
    for n in range(REPLIES):
        for label, (agent, csrf, ws, conversation) in chats.items():
            text = f"vastaus {n}"
            started = time.perf_counter()
            await agent.post(f"/console/api/conversations/{conversation}/messages", json={"text": text},
                             headers={"X-CSRF-Token": csrf})
            await frames_until(ws, lambda f: f.get("text") == text)
            delivery[label].append((time.perf_counter() - started) * 1000)
    for agent, _, ws, _ in chats.values():
        await ws.close()
        await agent.aclose()
    return delivery


def available() -> tuple[bool, bool]:
    try:
        psycopg.connect(ADMIN, connect_timeout=3).close()
        postgres = True
    except psycopg.OperationalError:
        postgres = False
    try:
        with redis.Redis.from_url(REDIS, socket_connect_timeout=1) as client:
            client.ping()
        has_redis = True
    except redis.RedisError:
        has_redis = False
    return postgres, has_redis


def run() -> dict[str, list[float]]:
    """Start two app processes per notifier on a throwaway PostgreSQL database and measure."""
    postgres, has_redis = available()
    if not postgres:
        return {}
    name = f"neuvo_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        notifiers = {"postgres": None, **({"redis": REDIS} if has_redis else {})}
        with contextlib.ExitStack() as running, tempfile.TemporaryDirectory() as tmp:
            local = Settings(database_url=f"sqlite:///{tmp}/bench.db", port=free_port(), rasa_port=free_port(),
                             queues_file=OPEN_HOURS, notifier="local")
            running.enter_context(AppOnly(local))
            scenarios: dict[str, tuple[Settings, Settings]] = {"local, same worker": (local, local)}
            for notifier, redis_url in notifiers.items():
                a, b = (Settings(database_url=url, port=free_port(), rasa_port=free_port(), queues_file=OPEN_HOURS,
                                 notifier=notifier, redis_url=redis_url) for _ in "ab")
                for worker in (a, b):
                    running.enter_context(AppOnly(worker))
                scenarios[f"{notifier}, same worker"] = (a, a)
                scenarios[f"{notifier}, two processes"] = (a, b)
            return asyncio.run(measure(scenarios))
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


LABELS = {
    "local, same worker": "same worker, local notifier (SQLite, the embedded default): the baseline",
    "postgres, same worker": "same worker, PostgreSQL notifier (its own NOTIFY comes back to it)",
    "postgres, two processes": "two app processes, PostgreSQL LISTEN/NOTIFY",
    "redis, same worker": "same worker, Redis notifier",
    "redis, two processes": "two app processes, Redis pub/sub",
}


def report() -> str:
    delivery = run()
    if not delivery:
        return f"## Change notification between workers\n\nNot measured: no PostgreSQL server at {ADMIN}.\n"
    rows = "\n".join(f"| {LABELS[label]} | {statistics.median(d):.1f} / {percentile(d, 0.95):.1f} ms |"
                     for label, d in delivery.items())
    missing = "" if any(k.startswith("redis") for k in delivery) else f"\nRedis not measured: none at {REDIS}.\n"
    return f"""## Change notification between workers

Agent reply (console `POST`) → the customer's web chat frame, {REPLIES} replies per row, interleaved; engine
down; one PostgreSQL database but for the baseline. Worker A takes the agent's request; worker B, another
uvicorn process, holds the socket. Every row goes through the notifier, the same worker too.

| path | median / p95 |
|---|---|
{rows}
{missing}"""


if __name__ == "__main__":
    print(report())
