"""Change notification: a worker that stored something in a conversation tells every worker (itself too).

One interface, three transports: `LocalNotifier` within one process (the embedded SQLite default, one
worker), `PostgresNotifier` (LISTEN/NOTIFY on the database the workers share anyway) and `RedisNotifier`
(pub/sub). A notification carries only a conversation id: it is a wake-up, not data. Listeners re-read
the row, so a lost or doubled notification costs latency or a query, never a message.

Nothing here reads the environment: the caller chooses with `notifier_for` from its settings.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from typing import Protocol

import psycopg
import redis
import redis.asyncio
from psycopg import sql
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

log = logging.getLogger("neuvo.notify")
CHANNEL = "neuvo_changes"
BACKOFF_FIRST, BACKOFF_MAX = 0.2, 10.0  # seconds between attempts to listen again; doubles up to the max
CONNECT_TIMEOUT = 3  # seconds: a publish waits at most this long for an unreachable server
# An idle listening socket is probed, so a silently dead peer is noticed in about 10 + 3 * 5 s.
KEEPALIVE_IDLE, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT = 10, 5, 3

OnChange = Callable[[str], None]


class Notifier(Protocol):
    """How workers tell each other which conversation changed."""

    async def start(self, on_change: OnChange) -> None:
        """Begin listening: `on_change(conversation_id)` is then called in this event loop for every
        publish by any worker, this one included. Returns once listening (or once the first attempt has
        failed: it then goes on trying in the background). Calling it again replaces `on_change`."""

    def publish(self, conversation_id: str) -> None:
        """Tell every listener; synchronous, callable from any thread, never raises (a failure is logged)."""

    async def stop(self) -> None:
        """Stop listening and let go of connections; `start` and `publish` may be called again afterwards."""

    @property
    def listening(self) -> bool:
        """Whether this worker hears changes now (readiness: /ready)."""


async def cancel(task: asyncio.Task | None, again_s: float = 0.5) -> None:
    """End a background task of this event loop and wait for it (one of another, closed loop is left alone).

    Asked again until it ends: a cancel that lands while the task is inside a shielded scope (anyio's
    `to_thread.run_sync` shields the thread's wait) can be swallowed, and the task would run on for ever."""
    if task is not None and not task.done() and task.get_loop() is asyncio.get_running_loop():
        while not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=again_s)
        with contextlib.suppress(asyncio.CancelledError):
            await task


class LocalNotifier:
    """In-process: every LocalNotifier in this process hears every other's publish, so app instances in one
    process (as in the tests) behave like workers. Workers in separate processes do not hear each other."""

    _listeners: dict[int, tuple[asyncio.AbstractEventLoop, OnChange]] = {}
    _lock = threading.Lock()

    async def start(self, on_change: OnChange) -> None:
        with self._lock:
            self._listeners[id(self)] = (asyncio.get_running_loop(), on_change)

    @property
    def listening(self) -> bool:
        with self._lock:
            return id(self) in self._listeners

    def publish(self, conversation_id: str) -> None:
        with self._lock:
            listeners = list(self._listeners.items())
        for key, (loop, on_change) in listeners:
            try:
                loop.call_soon_threadsafe(on_change, conversation_id)
            except RuntimeError:  # that loop is closed: its listener is gone
                with self._lock:
                    self._listeners.pop(key, None)

    async def stop(self) -> None:
        with self._lock:
            self._listeners.pop(id(self), None)


class _Listener:
    """The reconnecting listen loop shared by the network notifiers; subclasses provide `_listen`."""

    def __init__(self, channel: str):
        self.channel = channel
        self._on_change: OnChange | None = None
        self._task: asyncio.Task | None = None
        self._listened = False  # the last attempt got as far as listening (then the backoff starts over)

    async def start(self, on_change: OnChange) -> None:
        self._on_change = on_change
        if self._task is not None and not self._task.done() and self._task.get_loop() is asyncio.get_running_loop():
            return
        ready = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run(ready))
        await ready.wait()

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancel(task)

    @property
    def listening(self) -> bool:
        return self._listened and self._task is not None and not self._task.done()

    def _tell(self, conversation_id: str) -> None:
        try:
            if self._on_change is not None:
                self._on_change(conversation_id)
        except Exception:
            log.exception("change callback failed for %s", conversation_id)

    async def _run(self, ready: asyncio.Event) -> None:
        delay, dropped = BACKOFF_FIRST, False
        while True:
            try:
                await self._listen(ready, dropped)
                problem = "the server ended the subscription"
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                problem = f"{type(exc).__name__}: {exc}"
            if self._listened:
                delay, self._listened = BACKOFF_FIRST, False
            log.warning("%s: not listening on %r (%s); trying again in %.1f s", type(self).__name__, self.channel,
                        problem, delay)
            ready.set()
            dropped = True
            await asyncio.sleep(delay)
            delay = min(delay * 2, BACKOFF_MAX)

    async def _listen(self, ready: asyncio.Event, dropped: bool) -> None:
        """Connect, subscribe, set `ready`, then `_tell` every notification until the connection fails.
        After a drop (`dropped`), say so in the log: what was published meanwhile was not heard."""
        raise NotImplementedError

    def _listening(self, dropped: bool) -> None:
        self._listened = True
        if dropped:  # nothing to call on_change for: the gap's notifications are gone, subscribers catch up later
            log.warning("%s: listening on %r again; changes published while disconnected were not heard",
                        type(self).__name__, self.channel)


def is_postgres(database_url: str) -> bool:
    return database_url.startswith(("postgresql://", "postgresql+psycopg://", "postgres://"))


def _libpq(database_url: str) -> str:
    """SQLAlchemy's `postgresql+psycopg://` as psycopg's own connection string."""
    return "postgresql://" + database_url.split("://", 1)[1]


class PostgresNotifier(_Listener):
    """LISTEN/NOTIFY on the shared database: no extra service. One listening connection per worker, and
    one publishing connection (reused under a lock; opened again after an error)."""

    def __init__(self, database_url: str, channel: str = CHANNEL):
        super().__init__(channel)
        self.dsn = _libpq(database_url)
        self.backend_pid: int | None = None  # of the listening connection (the reconnect test ends it)
        self._publisher: psycopg.Connection | None = None
        self._publish_lock = threading.Lock()

    def publish(self, conversation_id: str) -> None:
        with self._publish_lock:
            for attempt in (1, 2):  # a connection the server closed since is noticed on use: open it again once
                try:
                    if self._publisher is None or self._publisher.closed:
                        self._publisher = psycopg.connect(self.dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
                    self._publisher.execute("SELECT pg_notify(%s, %s)", (self.channel, conversation_id))
                    return
                except Exception as exc:
                    with contextlib.suppress(Exception):
                        if self._publisher is not None:
                            self._publisher.close()
                    self._publisher = None
                    if attempt == 2:
                        log.warning("could not publish a change of %s (%s: %s)", conversation_id,
                                    type(exc).__name__, exc)

    async def stop(self) -> None:
        await super().stop()
        with self._publish_lock:  # a later publish opens it again
            publisher, self._publisher = self._publisher, None
        if publisher is not None:
            publisher.close()

    async def _listen(self, ready: asyncio.Event, dropped: bool) -> None:
        conn = await psycopg.AsyncConnection.connect(
            self.dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT, keepalives=1,
            keepalives_idle=KEEPALIVE_IDLE, keepalives_interval=KEEPALIVE_INTERVAL, keepalives_count=KEEPALIVE_COUNT)
        try:
            await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            self.backend_pid = conn.info.backend_pid
            self._listening(dropped)
            ready.set()
            async for notify in conn.notifies():
                self._tell(notify.payload)
        finally:
            await conn.close()


class RedisNotifier(_Listener):
    """Redis pub/sub: for deployments that run Redis anyway, or whose database is not PostgreSQL.
    Pub/sub ignores the database number: deployments sharing one Redis need their own `channel`."""

    def __init__(self, redis_url: str, channel: str = CHANNEL, client_name: str | None = None):
        super().__init__(channel)
        self.url = redis_url
        self.client_name = client_name  # names the listening connection (the reconnect test ends it)
        self._publisher = redis.Redis.from_url(redis_url, socket_connect_timeout=CONNECT_TIMEOUT,
                                               socket_timeout=CONNECT_TIMEOUT)  # its pool is thread-safe

    def publish(self, conversation_id: str) -> None:
        try:
            self._publisher.publish(self.channel, conversation_id)
        except Exception as exc:
            log.warning("could not publish a change of %s (%s: %s)", conversation_id, type(exc).__name__, exc)

    async def stop(self) -> None:
        await super().stop()
        self._publisher.close()  # its pool connects again on a later publish

    async def _listen(self, ready: asyncio.Event, dropped: bool) -> None:
        client = redis.asyncio.Redis.from_url(
            self.url, socket_connect_timeout=CONNECT_TIMEOUT, client_name=self.client_name, socket_keepalive=True,
            socket_keepalive_options=_keepalive_options(), retry=Retry(NoBackoff(), 0))  # our loop reconnects
        try:
            async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                await pubsub.subscribe(self.channel)
                self._listening(dropped)
                ready.set()
                while True:
                    message = await pubsub.get_message(timeout=None)
                    if message is not None and message["type"] == "message":
                        data = message["data"]
                        self._tell(data.decode() if isinstance(data, bytes) else str(data))
        finally:
            await client.aclose()


def _keepalive_options() -> dict[int, int]:
    names = {"TCP_KEEPIDLE": KEEPALIVE_IDLE, "TCP_KEEPINTVL": KEEPALIVE_INTERVAL, "TCP_KEEPCNT": KEEPALIVE_COUNT}
    return {getattr(socket, name): value for name, value in names.items() if hasattr(socket, name)}


def notifier_for(kind: str, database_url: str, redis_url: str | None = None) -> Notifier:
    """The notifier settings ask for: "auto" is PostgreSQL's own when the database is PostgreSQL, else local."""
    if kind == "auto":
        kind = "postgres" if is_postgres(database_url) else "local"
    if kind == "local":
        return LocalNotifier()
    if kind == "postgres":
        if not is_postgres(database_url):
            raise ValueError("the postgres notifier needs a PostgreSQL database_url")
        return PostgresNotifier(database_url)
    if kind == "redis":
        if not redis_url:
            raise ValueError("the redis notifier needs redis_url")
        return RedisNotifier(redis_url)
    raise ValueError(f"unknown notifier {kind!r}: auto, local, postgres or redis")
