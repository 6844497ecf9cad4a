"""Limits numbers for `make bench`: a long conversation through the real Rasa (turn 1 vs turn 500), and a second
customer's latency while another floods, with the product's limits and without, side by side in one run.

Run alone with `python bench/limits.py` (it starts its own stack); `bench/run.py` calls `report` with its own.
Each customer is its own loopback address (127.0.0.x), as customers are different addresses.
"""
from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation import percentile  # noqa: E402
from assistant.runtime import Stack, free_port  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from channels.server import APP, migrate, stack  # noqa: E402

TURNS = 500
QUESTIONS = ["Mikä on palkkatuki?", "kiitos", "Miten haen starttirahaa?", "hei", "Mikä on työkokeilu?"]
FLOODERS = 16       # the flooding client's conversations, each sending as fast as it is answered
WARM_UP_S = 3.0     # the flood runs this long before the second customer is measured
CUSTOMERS, TURNS_EACH = 3, 8  # the measured customers (each its own address), turns each, per row
#: The stack of `make bench` serves many simulated customers from one address: no limits there.
UNLIMITED = {name: "0" for name in (
    "messages_per_conversation_per_minute", "messages_per_address_per_minute", "conversations_per_address_per_minute",
    "sockets_per_address", "login_attempts_per_user_address", "login_attempts_per_address", "login_attempts_per_user")}


def ms(samples: list[float]) -> str:
    return f"{statistics.median(samples):.0f} / {percentile(samples, 0.95):.0f}"


def client(base_url: str, address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base_url, timeout=120,
                             transport=httpx.AsyncHTTPTransport(local_address=address))


async def open_conversation(http: httpx.AsyncClient) -> tuple[str, dict]:
    opened = (await http.post("/api/v1/conversations", json={"lang": "fi"})).json()
    return opened["conversation_id"], {"Authorization": f"Bearer {opened['token']}"}


async def long_conversation(settings: Settings) -> tuple[list[float], list[float], str]:
    """TURNS turns in one conversation through the app, interleaved turn by turn with as many on Rasa's own
    webhook under one sender id (its tracker grows with every turn, as the app's did before)."""
    app_ms: list[float] = []
    rasa_ms: list[float] = []
    async with client(settings.app_url, "127.0.0.2") as http, httpx.AsyncClient(timeout=120) as rasa:
        conversation, headers = await open_conversation(http)
        sender = f"bench-long-{time.time_ns()}"
        for n in range(TURNS):
            text = QUESTIONS[n % len(QUESTIONS)]
            started = time.perf_counter()
            turn = await http.post(f"/api/v1/conversations/{conversation}/messages", json={"text": text},
                                   headers=headers)
            app_ms.append((time.perf_counter() - started) * 1000)
            assert turn.status_code == 200, turn.text
            started = time.perf_counter()
            await rasa.post(f"{settings.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text})
            rasa_ms.append((time.perf_counter() - started) * 1000)
        state = turn.json()["state"]
    return app_ms, rasa_ms, state


async def measure_second_customer(base_url: str, flood: bool) -> tuple[list[float], dict[int, int]]:
    """Other customers' turns (127.0.0.4 …, taking turns), while a script at 127.0.0.3 floods or not."""
    outcomes: dict[int, int] = {}
    done = asyncio.Event()

    async def flooder(http: httpx.AsyncClient) -> None:
        conversation, headers = await open_conversation(http)
        while not done.is_set():
            answer = await http.post(f"/api/v1/conversations/{conversation}/messages",
                                     json={"text": "Mikä on palkkatuki?"}, headers=headers)
            outcomes[answer.status_code] = outcomes.get(answer.status_code, 0) + 1

    customers = [client(base_url, f"127.0.0.{4 + n}") for n in range(CUSTOMERS)]
    async with client(base_url, "127.0.0.3") as flooding:
        opened = [await open_conversation(http) for http in customers]
        tasks = [asyncio.create_task(flooder(flooding)) for _ in range(FLOODERS if flood else 0)]
        await asyncio.sleep(WARM_UP_S if flood else 0)  # the flood is in full swing
        samples = []
        for n in range(TURNS_EACH):
            for http, (conversation, headers) in zip(customers, opened):
                started = time.perf_counter()
                turn = await http.post(f"/api/v1/conversations/{conversation}/messages",
                                       json={"text": QUESTIONS[n % len(QUESTIONS)]}, headers=headers)
                samples.append((time.perf_counter() - started) * 1000)
                assert turn.status_code == 200, turn.text
        done.set()
        await asyncio.gather(*tasks)
    for http in customers:
        await http.aclose()
    return samples, outcomes


def limited_app(settings: Settings) -> Stack:
    """A second app process with the product's limits, on the same database and Rasa (its rows start fresh)."""
    limited = settings.replace(port=free_port())
    return Stack(limited, app=APP, migrate=migrate)


def report(settings: Settings) -> str:
    app_ms, rasa_ms, state = asyncio.run(long_conversation(settings))
    rows = []
    with limited_app(settings) as limited:
        for name, url, flood in (("alone", limited.settings.app_url, False),
                                 ("while another floods, with the limits", limited.settings.app_url, True),
                                 ("while another floods, no limits", settings.app_url, True)):
            samples, outcomes = asyncio.run(measure_second_customer(url, flood))
            flooded = ", ".join(f"{n}× {code}" for code, n in sorted(outcomes.items())) or "–"
            rows.append(f"| {name} | {ms(samples)} | {flooded} |")
    first, last = slice(0, 10), slice(TURNS - 10, TURNS)
    table = "\n".join(rows)
    return f"""## Long conversations and floods

One conversation of {TURNS} turns through the real Rasa (the dialogue stays with the bot: state `{state}` at the
end), interleaved turn by turn with {TURNS} turns on Rasa's own REST webhook under one sender id. The app starts
a new Rasa session every `rasa_session_messages` stored messages (Rasa's in-memory tracker keeps only the
latest session), so its turns do not slow down; Rasa's own webhook shows what the tracker's growth costs.

| path (ms, median of 10 turns) | turns 1–10 | turns {TURNS - 9}–{TURNS} | ratio |
|---|---|---|---|
| REST API turn (new Rasa session every {settings.rasa_session_messages} messages) | {statistics.median(app_ms[first]):.0f} | {statistics.median(app_ms[last]):.0f} | {statistics.median(app_ms[last]) / statistics.median(app_ms[first]):.1f} |
| Rasa's own webhook, one growing tracker | {statistics.median(rasa_ms[first]):.0f} | {statistics.median(rasa_ms[last]):.0f} | {statistics.median(rasa_ms[last]) / statistics.median(rasa_ms[first]):.1f} |

{CUSTOMERS} other customers' turns ({TURNS_EACH} each, REST, ms, median / p95) while a script at another address floods
{FLOODERS} conversations, each sending its next message as soon as the last is answered (measured after
{WARM_UP_S:.0f} s of flood); the product's limits (20 messages per conversation and 60 per address a minute) and
the same app without them, one after the other in this run:

| other customers | median / p95 | the flood's answers |
|---|---|---|
{table}
"""


def main() -> None:
    db = Path(tempfile.mkdtemp()) / "bench.db"
    settings = Settings(database_url=f"sqlite:///{db}", port=free_port(), rasa_port=free_port(),
                        queues_file=ROOT / "tests" / "data" / "queues-open.yml")
    with stack(settings, env=UNLIMITED):
        print(report(settings))


if __name__ == "__main__":
    main()
