"""Web chat numbers for `make bench`: round trips under 1/10/50 concurrent clients beside the REST API and
Rasa's own webhook (same model, same run), and how many idle websockets one app process holds."""
from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import time

import httpx
import websockets

from assistant.evaluation import percentile

TURNS_PER_CLIENT = 6
IDLE_CONNECTIONS = 5000


def row(samples: list[float]) -> str:
    return f"{statistics.median(samples):.0f} / {percentile(samples, 0.95):.0f} / {percentile(samples, 0.99):.0f}"


async def ws_client(url: str, origin: str, questions: list[str], out: list[float]) -> None:
    async with websockets.connect(url, origin=origin) as ws:
        await ws.send(json.dumps({"type": "start"}))
        await ws.recv()
        for number, text in enumerate(questions):
            started = time.perf_counter()
            await ws.send(json.dumps({"type": "message", "id": f"b{number}", "text": text}))
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == "typing" and not frame["on"]:
                    break
            out.append((time.perf_counter() - started) * 1000)


async def rest_client(app_url: str, questions: list[str], out: list[float]) -> None:
    async with httpx.AsyncClient(base_url=app_url, timeout=120) as client:
        opened = (await client.post("/api/v1/conversations", json={})).json()
        client.headers["Authorization"] = f"Bearer {opened['token']}"
        for text in questions:
            started = time.perf_counter()
            await client.post(f"/api/v1/conversations/{opened['conversation_id']}/messages", json={"text": text})
            out.append((time.perf_counter() - started) * 1000)


async def rasa_client(rasa_url: str, sender: str, questions: list[str], out: list[float]) -> None:
    async with httpx.AsyncClient(timeout=120) as client:
        for text in questions:
            started = time.perf_counter()
            await client.post(f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text})
            out.append((time.perf_counter() - started) * 1000)


async def concurrency(settings, questions: list[str]) -> str:
    lines = ["| concurrent clients | web chat | REST API | Rasa webhook |", "|---|---|---|---|"]
    ws_url, origin = f"ws://127.0.0.1:{settings.port}/ws/chat", settings.app_url
    cycle = itertools.cycle(questions)
    for clients in (1, 10, 50):
        samples: dict[str, list[float]] = {"ws": [], "rest": [], "rasa": []}
        for kind in ("ws", "rest", "rasa"):  # one kind at a time, the same questions for each
            batches = [[next(cycle) for _ in range(TURNS_PER_CLIENT)] for _ in range(clients)]
            if kind == "ws":
                jobs = [ws_client(ws_url, origin, b, samples[kind]) for b in batches]
            elif kind == "rest":
                jobs = [rest_client(settings.app_url, b, samples[kind]) for b in batches]
            else:
                jobs = [rasa_client(settings.rasa_url, f"bench-{clients}-{i}", b, samples[kind]) for i, b in enumerate(batches)]
            await asyncio.gather(*jobs)
        lines.append(f"| {clients} | {row(samples['ws'])} | {row(samples['rest'])} | {row(samples['rasa'])} |")
    return "\n".join(lines)


async def idle(settings, rss) -> str:
    url, origin = f"ws://127.0.0.1:{settings.port}/ws/chat", settings.app_url
    before = rss()
    sockets = []
    try:
        for _ in range(0, IDLE_CONNECTIONS, 250):
            sockets += await asyncio.gather(*(websockets.connect(url, origin=origin, ping_interval=None) for _ in range(250)))
        await asyncio.sleep(1)
        alive = 0
        for ws in sockets[:: max(1, len(sockets) // 50)]:  # a sample still answers
            await ws.send(json.dumps({"type": "ping"}))
            alive += json.loads(await asyncio.wait_for(ws.recv(), 30)) == {"type": "pong"}
        after = rss()
        return (f"| idle websockets held by one app process | {len(sockets)} (sampled {alive} answered a ping) |\n"
                f"| app memory: before → after | {before:.0f} MB → {after:.0f} MB |\n"
                f"| memory per idle connection | {(after - before) * 1024 / len(sockets):.1f} kB |")
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


def report(settings, questions: list[str], rss) -> str:
    latency = asyncio.run(concurrency(settings, questions))
    held = asyncio.run(idle(settings, rss))
    return f"""## Web chat under load (ms, median / p95 / p99; {TURNS_PER_CLIENT} turns per client)

Each client holds its own conversation and asks dev questions one after another; the three paths run one
after the other with the same questions. The web chat round trip is from sending a `message` frame to
the `typing off` frame that ends the turn.

{latency}

## Idle connections

| what | value |
|---|---|
{held}
"""
