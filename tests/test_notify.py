"""Change notification between workers: each transport with two independent notifiers (two workers), a
listener that loses its connection and listens again, and two Hubs on one PostgreSQL database."""
from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import psycopg
import pytest
import redis
from sqlalchemy import update

from assistant.db import session_factory
from channels.server import migrate
from assistant.models import Conversation
from assistant.notify import LocalNotifier, Notifier, PostgresNotifier, RedisNotifier, cancel, notifier_for
from assistant.updates import Hub

pytestmark = pytest.mark.notify
REDIS = "redis://127.0.0.1:6379/0"  # for the factory test only (nothing connects)
DEADLINE = 10.0  # seconds; every wait below ends as soon as its condition holds


@pytest.fixture(params=["local", "postgres", "redis"])
def workers(request) -> Callable[[], Notifier]:
    """Makes independent notifiers that are to hear each other, as the workers of one deployment would."""
    if request.param == "local":
        return LocalNotifier
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        return lambda: PostgresNotifier(url)
    url, channel = request.getfixturevalue("redis_url"), f"neuvo_test_{uuid.uuid4().hex[:8]}"  # Redis is shared
    return lambda: RedisNotifier(url, channel=channel, client_name=f"neuvo-test-{uuid.uuid4().hex[:8]}")


class Heard:
    """An on_change callback that remembers what it was told."""

    def __init__(self):
        self.ids: list[str] = []
        self.changed = asyncio.Event()

    def __call__(self, conversation_id: str) -> None:
        asyncio.get_running_loop()  # raises unless called in the event loop, as promised
        self.ids.append(conversation_id)
        self.changed.set()

    async def until(self, test: Callable[[], bool], what: str) -> None:
        async def wait() -> None:
            while not test():
                self.changed.clear()
                await self.changed.wait()
        try:
            await asyncio.wait_for(wait(), DEADLINE)
        except TimeoutError:
            raise AssertionError(f"not heard within {DEADLINE} s: {what} (heard {self.ids})") from None


async def publish_until(sender: Notifier, heard: Heard, prefix: str) -> str:
    """Publish fresh ids (from a thread, as DB writes do) until one is heard; returns the first heard."""
    async def keep_publishing() -> None:
        for n in range(10_000):
            await asyncio.to_thread(sender.publish, f"{prefix}-{n}")
            await asyncio.sleep(0.05)
    task = asyncio.create_task(keep_publishing())
    try:
        await heard.until(lambda: any(i.startswith(prefix) for i in heard.ids), f"any {prefix}-N")
    finally:
        task.cancel()
    return next(i for i in heard.ids if i.startswith(prefix))


def test_a_publish_on_one_worker_reaches_the_other_and_itself(workers):
    async def main() -> None:
        a, b = workers(), workers()
        heard_a, heard_b = Heard(), Heard()
        await a.start(heard_a)
        await b.start(heard_b)
        try:
            await asyncio.to_thread(a.publish, "conversation-1")
            await heard_b.until(lambda: "conversation-1" in heard_b.ids, "A's publish on B")
            await heard_a.until(lambda: "conversation-1" in heard_a.ids, "A's publish on A")
            b.publish("conversation-2")  # from the event loop's own thread too
            await heard_a.until(lambda: "conversation-2" in heard_a.ids, "B's publish on A")
        finally:
            await a.stop()
            await b.stop()
        a.publish("conversation-3")  # nobody listens any more: nothing breaks
        await a.stop()
        assert heard_b.ids.count("conversation-1") == 1 and "conversation-3" not in heard_b.ids
    asyncio.run(main())


def test_a_server_that_is_away_is_logged_not_raised():
    async def main() -> None:
        for notifier in (PostgresNotifier("postgresql://postgres@127.0.0.1:9/neuvo"),  # port 9: nothing listens
                         RedisNotifier("redis://127.0.0.1:9/0")):
            notifier.publish("x")
            await asyncio.wait_for(notifier.start(Heard()), DEADLINE)  # returns; goes on trying in the background
            await notifier.stop()
    asyncio.run(main())


def test_the_factory_picks_postgres_for_postgresql_and_local_otherwise():
    assert isinstance(notifier_for("auto", "postgresql+psycopg://u@h/db", None), PostgresNotifier)
    assert isinstance(notifier_for("auto", "postgresql://u@h/db", None), PostgresNotifier)
    assert isinstance(notifier_for("auto", "sqlite:///x.db", REDIS), LocalNotifier)
    assert isinstance(notifier_for("redis", "sqlite:///x.db", REDIS), RedisNotifier)
    for kind, url, redis_url in [("postgres", "sqlite:///x.db", None), ("redis", "sqlite:///x.db", None),
                                 ("carrier-pigeon", "sqlite:///x.db", None)]:
        with pytest.raises(ValueError):
            notifier_for(kind, url, redis_url)


def test_postgres_listening_resumes_after_its_connection_is_killed(postgres_url):
    async def main() -> None:
        a, b = PostgresNotifier(postgres_url), PostgresNotifier(postgres_url)
        heard = Heard()
        await b.start(heard)
        try:
            await publish_until(a, heard, "before")
            killed = b.backend_pid
            with psycopg.connect(postgres_url, autocommit=True) as admin:
                assert admin.execute("SELECT pg_terminate_backend(%s)", (killed,)).fetchone()[0]
            await publish_until(a, heard, "after")
            assert b.backend_pid != killed  # heard on a new connection
        finally:
            await a.stop()
            await b.stop()
    asyncio.run(main())


def test_redis_listening_resumes_after_its_connection_is_killed(redis_url):
    async def main() -> None:
        channel, name = f"neuvo_test_{uuid.uuid4().hex[:8]}", f"neuvo-test-{uuid.uuid4().hex[:8]}"
        a, b = RedisNotifier(redis_url, channel=channel), RedisNotifier(redis_url, channel=channel, client_name=name)
        heard = Heard()
        await b.start(heard)
        try:
            await publish_until(a, heard, "before")
            with redis.Redis.from_url(redis_url) as admin:
                [killed] = [c["id"] for c in admin.client_list() if c.get("name") == name]
                assert admin.client_kill_filter(_id=killed) == 1
                await publish_until(a, heard, "after")
                assert [c["id"] for c in admin.client_list() if c.get("name") == name] != [killed]
        finally:
            await a.stop()
            await b.stop()
    asyncio.run(main())


def test_a_write_on_worker_a_wakes_only_its_followers_on_worker_b(postgres_url):
    """Two Hubs, each with its own notifier, stand for two workers on one PostgreSQL database."""
    migrate(postgres_url)
    sessions = session_factory(postgres_url)
    with sessions.begin() as db:
        x, y = (Conversation(language="fi", state="bot", last_seq=0) for _ in "xy")
        db.add_all([x, y])

    def write(conversation_id: str) -> None:  # what a worker's append does: store, then poke
        with sessions.begin() as db:
            db.execute(update(Conversation).where(Conversation.id == conversation_id)
                       .values(last_seq=Conversation.last_seq + 1, state="agent"))
        hub_a.poke(conversation_id)

    async def main() -> None:
        await hub_a.start()
        follow_x, follow_y, console = hub_b.subscribe(x.id), hub_b.subscribe(y.id), hub_b.subscribe(None)
        try:
            for subscription, conversation in ((follow_x, x), (follow_y, y)):  # a new follower gets the row once
                first = await subscription.next(timeout=DEADLINE)
                assert first is not None and (first.conversation_id, first.last_seq) == (conversation.id, 0)
            await asyncio.to_thread(write, x.id)
            change = await follow_x.next(timeout=DEADLINE)
            assert change is not None and (change.conversation_id, change.last_seq, change.state) == (x.id, 1, "agent")
            seen_by_console = await console.next(timeout=DEADLINE)
            assert seen_by_console is not None and seen_by_console.conversation_id == x.id
            assert follow_y.queue.empty()  # X's notification was handled without a word to Y's follower
            hub_a.poke(x.id)  # a doubled wake-up: the row is unchanged, so nobody is told again
            await asyncio.to_thread(write, y.id)
            assert (await follow_y.next(timeout=DEADLINE)).last_seq == 1
            assert (await console.next(timeout=DEADLINE)).conversation_id == y.id  # not a repeat of X
            assert follow_x.queue.empty()
        finally:
            for subscription in (follow_x, follow_y, console):
                subscription.close()
            await hub_a.stop()
            await hub_b.stop()

    hub_a, hub_b = Hub(sessions, PostgresNotifier(postgres_url)), Hub(sessions, PostgresNotifier(postgres_url))
    asyncio.run(main())


def test_a_background_task_that_swallows_a_cancel_still_stops():
    """The app's shutdown cancels its loops (outbox, hub, sweepers); one cancel can be swallowed where anyio
    shields a thread's wait, and the shutdown hung for ever (seen in the email tests)."""
    async def main() -> int:
        swallowed = 0

        async def stubborn() -> None:
            nonlocal swallowed
            while True:
                try:
                    await asyncio.sleep(3600)
                except asyncio.CancelledError:
                    if swallowed:
                        raise
                    swallowed += 1
                    asyncio.current_task().uncancel()  # type: ignore[union-attr]

        task = asyncio.get_running_loop().create_task(stubborn())
        await asyncio.sleep(0)
        await asyncio.wait_for(cancel(task, again_s=0.05), 10)
        return swallowed

    assert asyncio.run(main()) == 1
