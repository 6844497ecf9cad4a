"""Handoff numbers for `make bench`: how fast an agent's reply reaches the customer's websocket (it goes
through the database and the change notifier, docs/architecture.md), and 20 simultaneous claims."""
from __future__ import annotations

import asyncio
import json
import statistics
import time

import httpx
import websockets

from assistant.db import session_factory
from assistant.evaluation import percentile
from handoff.agents import create_user

REPLIES = 40
CLAIMERS = 20
PASSWORD = "bench password 1"


async def login(app_url: str, username: str) -> tuple[httpx.AsyncClient, str]:
    client = httpx.AsyncClient(base_url=app_url, timeout=60)
    csrf = (await client.post("/console/api/login", json={"username": username, "password": PASSWORD})).json()["csrf"]
    return client, csrf


async def frames_until(ws, test) -> dict:
    while True:
        frame = json.loads(await ws.recv())
        if test(frame):
            return frame


async def measure(settings) -> dict:
    sessions = session_factory(settings.database_url)
    for i in range(CLAIMERS):
        create_user(sessions, f"bench{i}", PASSWORD, f"Agent {i}", "agent", ["fi"], max_chats=50)
    agents = [await login(settings.app_url, f"bench{i}") for i in range(CLAIMERS)]
    url, origin = f"ws://{settings.host}:{settings.port}/ws/chat", settings.app_url
    delivery_ms: list[float] = []
    async with websockets.connect(url, origin=origin) as ws:
        await ws.send(json.dumps({"type": "start", "lang": "fi"}))
        conversation = (await frames_until(ws, lambda f: f["type"] == "started"))["conversation_id"]
        await ws.send(json.dumps({"type": "message", "id": "h", "text": "/request_human"}))
        await frames_until(ws, lambda f: f.get("event") == "queued")
        started = time.perf_counter()
        answers = await asyncio.gather(*(c.post(f"/console/api/conversations/{conversation}/claim",
                                                headers={"X-CSRF-Token": t}) for c, t in agents))
        claim_s = time.perf_counter() - started
        statuses = sorted(r.status_code for r in answers)
        winner = next((c, t) for (c, t), r in zip(agents, answers) if r.status_code == 200)
        await frames_until(ws, lambda f: f.get("event") == "agent_joined")
        for n in range(REPLIES):
            text = f"vastaus {n}"
            started = time.perf_counter()
            await winner[0].post(f"/console/api/conversations/{conversation}/messages", json={"text": text},
                                 headers={"X-CSRF-Token": winner[1]})
            await frames_until(ws, lambda f: f.get("text") == text)
            delivery_ms.append((time.perf_counter() - started) * 1000)
    for client, _ in agents:
        await client.aclose()
    return {"delivery": delivery_ms, "claim_s": claim_s, "won": statuses.count(200), "lost": statuses.count(409)}


def report(settings) -> str:
    result = asyncio.run(measure(settings))
    d = result["delivery"]
    return f"""## Handoff

| what | value |
|---|---|
| agent reply → customer's websocket, {REPLIES} replies, console and socket on the same worker (SQLite, local notifier), median / p95 / p99 | {statistics.median(d):.0f} / {percentile(d, 0.95):.0f} / {percentile(d, 0.99):.0f} ms |
| {CLAIMERS} agents claim one conversation at once (HTTP, one app worker, SQLite) | {result['won']} won, {result['lost']} got 409, all answered in {result['claim_s'] * 1000:.0f} ms |

Console and socket on different workers: next section.
"""
