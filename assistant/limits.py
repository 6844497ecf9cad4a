"""Limits: how much one conversation, one client address or one username may do, counted across workers.

Every limit is a sliding window over the attempts it *let through* (two fixed windows, the previous one
weighted by how much of it the sliding window still covers). An attempt takes its count atomically
*before* the work is done, so 60 parallel requests cannot all pass a check none of them has counted yet;
a refused attempt gives its count back, so hammering a closed door does not keep it closed longer.
Counters are kept in Redis when `redis_url` is set (one MULTI/EXEC per check), in the database
otherwise (`limit_counters`, one upsert per counter, one transaction per check), and subjects (addresses,
usernames, conversation ids) only as keyed hashes. Every number is a setting; 0 means no limit.

Logins (`login`): per username *and* address (the guesser's own door), per address (spraying usernames),
and per username from all addresses together over a short window only, so that the most an attacker can
do to a real user on another address is delay them by `login_user_window_s`.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import math
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import redis
from anyio import to_thread
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from assistant.models import LimitCounter, LimitLease
from assistant.notify import cancel
from assistant.settings import Settings

log = logging.getLogger("neuvo.limits")
UNAVAILABLE = (SQLAlchemyError, redis.RedisError, OSError)  # the counters' storage failed: not the caller's fault
SWEEP_S = 60.0  # how often a worker deletes expired counters and leases
EPSILON = 1e-6  # the weighted count is a float: 3.0000000001 is still 3


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int        # attempts let through per window; 0 = no limit
    window_s: float


@dataclass(frozen=True)
class Slot:
    """One rule's counter for one subject in the window the attempt falls in."""
    rule: Rule
    key: str      # rule:hash(subject)
    window: int   # number of the fixed window

    @property
    def current(self) -> str:
        return f"{self.key}:{self.window}"

    @property
    def previous(self) -> str:
        return f"{self.key}:{self.window - 1}"

    @property
    def expires(self) -> float:
        """The counter is needed until the end of the next window (as that one's previous)."""
        return (self.window + 2) * self.rule.window_s


@dataclass(frozen=True)
class Refused:
    """An attempt not let through: which limit, and in how many seconds one would be."""
    rule: str
    retry_after: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


@dataclass(frozen=True)
class Taken:
    """The counts one attempt holds (given back or cleared when it turns out not to count)."""
    slots: tuple[Slot, ...] = ()


def wait_s(rule: Rule, now: float, current: int, previous: int) -> float:
    """0 when the attempt that made this window's count `current` is within the limit; otherwise how long
    until one would be, if nothing else is let through meanwhile (this attempt is given back)."""
    w, limit = rule.window_s, rule.limit
    elapsed = now / w - math.floor(now / w)  # how much of the current window is gone
    if previous * (1 - elapsed) + current <= limit + EPSILON:
        return 0.0
    accepted = current - 1
    if accepted + 1 <= limit and previous > 0:  # later in this window, as the previous one weighs less
        return max(0.0, (1 - (limit - accepted - 1) / previous - elapsed) * w)
    later = max(0.0, 1 - (limit - 1) / accepted) if accepted > 0 and limit > 0 else 1.0
    return (1 - elapsed) * w + later * w


def engine_session_due(first_seq: int, last_seq: int, every: int) -> bool:
    """Whether the messages a turn stored (seqs first … last) reach a multiple of `every`: then Rasa
    starts a new session, and its in-memory tracker of this conversation starts over (it keeps only the
    latest session), so turn latency does not grow with the conversation."""
    return every > 0 and last_seq // every > (first_seq - 1) // every


class Counters(Protocol):
    """Where counts and leases live; every method is atomic across workers."""

    def take(self, slots: Sequence[Slot], now: float) -> list[tuple[int, int]]:
        """Count one attempt in each slot; each slot's (current, previous) window counts after it."""

    def give_back(self, slots: Sequence[Slot]) -> None: ...

    def clear(self, slots: Sequence[Slot]) -> None: ...

    def lease(self, subject: str, lease_id: str, holder: str, limit: int, now: float, expires: float) -> bool:
        """Hold one of at most `limit` leases of `subject`; False (nothing held) when all are taken."""

    def release(self, subject: str, lease_id: str) -> None: ...

    def renew(self, holder: str, leases: dict[str, str], now: float, expires: float) -> None: ...


class DatabaseCounters:
    """Counters in `limit_counters` (upsert … RETURNING, on SQLite and PostgreSQL), leases in `limit_leases`."""

    def __init__(self, sessions: sessionmaker):
        self.sessions = sessions
        self._swept = 0.0

    @staticmethod
    def _insert(db: Session):
        return postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert

    def _bump(self, db: Session, key: str, expires: float) -> int:
        stmt = self._insert(db)(LimitCounter).values(key=key, count=1, expires=expires)
        stmt = stmt.on_conflict_do_update(index_elements=[LimitCounter.key],
                                          set_={"count": LimitCounter.count + 1, "expires": expires})
        return db.execute(stmt.returning(LimitCounter.count)).scalar_one()

    def _sweep(self, db: Session, now: float) -> None:
        if now - self._swept > SWEEP_S:
            self._swept = now
            db.execute(delete(LimitCounter).where(LimitCounter.expires < now))
            db.execute(delete(LimitLease).where(LimitLease.expires < now))

    def take(self, slots: Sequence[Slot], now: float) -> list[tuple[int, int]]:
        counts: dict[str, tuple[int, int]] = {}
        with self.sessions.begin() as db:
            self._sweep(db, now)
            for slot in sorted(slots, key=lambda s: s.current):  # one lock order: no deadlock between workers
                current = self._bump(db, slot.current, slot.expires)
                previous = db.scalar(select(LimitCounter.count).where(LimitCounter.key == slot.previous)) or 0
                counts[slot.current] = (current, previous)
        return [counts[s.current] for s in slots]

    def give_back(self, slots: Sequence[Slot]) -> None:
        with self.sessions.begin() as db:
            db.execute(update(LimitCounter).where(LimitCounter.key.in_(sorted(s.current for s in slots)),
                                                  LimitCounter.count > 0).values(count=LimitCounter.count - 1))

    def clear(self, slots: Sequence[Slot]) -> None:
        with self.sessions.begin() as db:
            db.execute(delete(LimitCounter).where(LimitCounter.key.in_([k for s in slots
                                                                         for k in (s.current, s.previous)])))

    def lease(self, subject: str, lease_id: str, holder: str, limit: int, now: float, expires: float) -> bool:
        with self.sessions.begin() as db:
            self._sweep(db, now)
            self._bump(db, f"{subject}:lock", expires)  # a row lock: one subject's leases are counted in turn
            db.add(LimitLease(id=lease_id, subject=subject, holder=holder, expires=expires))
            db.flush()
            held = db.scalar(select(func.count()).select_from(LimitLease).where(LimitLease.subject == subject,
                                                                               LimitLease.expires > now))
            if held > limit:
                db.execute(delete(LimitLease).where(LimitLease.id == lease_id))
                return False
        return True

    def release(self, subject: str, lease_id: str) -> None:
        with self.sessions.begin() as db:
            db.execute(delete(LimitLease).where(LimitLease.id == lease_id))

    def renew(self, holder: str, leases: dict[str, str], now: float, expires: float) -> None:
        with self.sessions.begin() as db:
            db.execute(update(LimitLease).where(LimitLease.holder == holder).values(expires=expires))
            self._sweep(db, now)


class RedisCounters:
    """Counters as expiring Redis integers (INCR in MULTI/EXEC), leases as one sorted set per subject."""

    def __init__(self, url: str, namespace: str):
        self.redis = redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)
        self.prefix = f"neuvo:limit:{namespace}:"

    def take(self, slots: Sequence[Slot], now: float) -> list[tuple[int, int]]:
        pipe = self.redis.pipeline(transaction=True)
        for slot in slots:
            pipe.incr(self.prefix + slot.current)
            pipe.expire(self.prefix + slot.current, math.ceil(slot.expires - now) + 1)
            pipe.get(self.prefix + slot.previous)
        out = pipe.execute()
        return [(int(out[3 * i]), int(out[3 * i + 2] or 0)) for i in range(len(slots))]

    def give_back(self, slots: Sequence[Slot]) -> None:
        pipe = self.redis.pipeline(transaction=True)
        for slot in slots:
            pipe.decr(self.prefix + slot.current)
        pipe.execute()

    def clear(self, slots: Sequence[Slot]) -> None:
        self.redis.delete(*(self.prefix + k for s in slots for k in (s.current, s.previous)))

    def lease(self, subject: str, lease_id: str, holder: str, limit: int, now: float, expires: float) -> bool:
        key = self.prefix + subject
        pipe = self.redis.pipeline(transaction=True)
        pipe.zremrangebyscore(key, "-inf", now)
        pipe.zadd(key, {lease_id: expires})
        pipe.zcard(key)
        pipe.expire(key, math.ceil(expires - now) + 1)
        held = pipe.execute()[2]
        if held > limit:
            self.redis.zrem(key, lease_id)
            return False
        return True

    def release(self, subject: str, lease_id: str) -> None:
        self.redis.zrem(self.prefix + subject, lease_id)

    def renew(self, holder: str, leases: dict[str, str], now: float, expires: float) -> None:
        pipe = self.redis.pipeline(transaction=False)
        for lease_id, subject in leases.items():
            pipe.zadd(self.prefix + subject, {lease_id: expires}, xx=True)
            pipe.expire(self.prefix + subject, math.ceil(expires - now) + 1)
        pipe.execute()


class Limits:
    """The product's limits, from the settings; synchronous checks (run them in a worker thread)."""

    def __init__(self, settings: Settings, sessions: sessionmaker, clock: Callable[[], float] = time.time):
        s = settings
        self.settings, self.clock = s, clock
        # one deployment (one database) per namespace: deployments and test runs sharing a Redis never mix counts
        namespace = hashlib.sha256(s.database_url.encode()).hexdigest()[:12]
        self.store: Counters = RedisCounters(s.redis_url, namespace) if s.redis_url else DatabaseCounters(sessions)
        self._key = settings.derived_secret("limits").encode()
        self.per_conversation = Rule("msg-conv", s.messages_per_conversation_per_minute, 60.0)
        self.per_address = Rule("msg-addr", s.messages_per_address_per_minute, 60.0)
        self.starts_per_address = Rule("conv-addr", s.conversations_per_address_per_minute, 60.0)
        self.login_pair = Rule("login-pair", s.login_attempts_per_user_address, s.login_window_s)
        self.login_address = Rule("login-addr", s.login_attempts_per_address, s.login_window_s)
        self.login_user = Rule("login-user", s.login_attempts_per_user, s.login_user_window_s)
        self.holder = str(uuid.uuid4())  # this worker, for its socket leases
        self._leases: dict[str, str] = {}  # lease id → subject, renewed while the socket is open
        self._refused: dict[str, float] = {}  # this worker's recent refusals: key → until (saves a round trip)
        self._task: asyncio.Task | None = None

    def _hash(self, rule: str, subject: str) -> str:
        digest = hmac.new(self._key, f"{rule}\0{subject}".encode("utf-8", "surrogatepass"), hashlib.sha256)
        return f"{rule}:{digest.hexdigest()[:32]}"

    def _slot(self, rule: Rule, subject: str, now: float) -> Slot:
        return Slot(rule, self._hash(rule.name, subject), math.floor(now / rule.window_s))

    def take(self, *wanted: tuple[Rule, str], fail_open: bool = True) -> Taken | Refused:
        """Let one attempt through every rule or through none (a refusal gives back what it took)."""
        now = self.clock()
        slots = [self._slot(rule, subject, now) for rule, subject in wanted if rule.limit > 0]
        cached = [(until - now, s.rule.name) for s in slots if (until := self._refused.get(s.key, 0.0)) > now]
        if cached:
            wait, rule = max(cached)
            return Refused(rule, max(1, math.ceil(wait)))
        if not slots:
            return Taken()
        try:
            counts = self.store.take(slots, now)
            waits = [wait_s(s.rule, now, current, previous) for s, (current, previous) in zip(slots, counts)]
            if max(waits) <= 0:
                return Taken(tuple(slots))
            self.store.give_back(slots)
        except UNAVAILABLE as exc:  # the limiter must not take the product down with it
            return self._unavailable(exc, fail_open)
        if len(self._refused) > 10_000:
            self._refused = {k: t for k, t in self._refused.items() if t > now}
        for slot, wait in zip(slots, waits):
            if wait > 0:
                self._refused[slot.key] = now + wait
        wait, rule = max((w, s.rule.name) for s, w in zip(slots, waits))
        return Refused(rule, max(1, math.ceil(wait)))

    @staticmethod
    def _unavailable(exc: Exception, fail_open: bool) -> Taken | Refused:
        log.warning("limit counters unavailable (%s): %s", type(exc).__name__, "letting through" if fail_open
                    else "refusing")
        return Taken() if fail_open else Refused("unavailable", 5)

    def give_back(self, taken: Taken) -> None:
        if taken.slots:
            try:
                self.store.give_back(taken.slots)
            except UNAVAILABLE as exc:  # the counts run out with their window
                log.warning("could not give back limit counts (%s)", type(exc).__name__)

    # -- what the channels ask ------------------------------------------------------------------------

    @property
    def counts_messages(self) -> bool:
        """Whether `message` has anything to count (False when both its limits are lifted: no round trip)."""
        return self.per_conversation.limit > 0 or self.per_address.limit > 0

    def message(self, conversation_id: str, address: str) -> Refused | None:
        """A customer message (REST, web chat, leave-a-message): per conversation and per address."""
        result = self.take((self.per_conversation, conversation_id), (self.per_address, address))
        return result if isinstance(result, Refused) else None

    def conversation(self, address: str) -> Refused | None:
        """A new conversation from this address."""
        result = self.take((self.starts_per_address, address))
        return result if isinstance(result, Refused) else None

    def login(self, username: str, address: str) -> Taken | Refused:
        """One password check for `username` from `address`, or a refusal. The username-wide count is
        taken only by attempts the address limits let through, so an attacker's own locked door never
        locks the real user out; a refusal there gives back the address counts too."""
        first = self.take((self.login_pair, f"{username}\0{address}"), (self.login_address, address), fail_open=False)
        if isinstance(first, Refused):
            return first
        second = self.take((self.login_user, username), fail_open=False)
        if isinstance(second, Refused):
            self.give_back(first)
            return second
        return Taken(first.slots + second.slots)

    def logged_in(self, taken: Taken) -> None:
        """A correct password: its own attempts do not count, and this address may guess afresh."""
        pair = [s for s in taken.slots if s.rule is self.login_pair]
        if pair:
            try:
                self.store.clear(pair)
            except UNAVAILABLE as exc:
                log.warning("could not clear the login counts (%s)", type(exc).__name__)
        self.give_back(Taken(tuple(s for s in taken.slots if s.rule is not self.login_pair)))
        self._refused.pop(pair[0].key if pair else "", None)

    # -- open sockets ---------------------------------------------------------------------------------

    def open_socket(self, address: str) -> str | Refused:
        """A lease for one more web chat socket of this address (its id), or a refusal."""
        limit = self.settings.sockets_per_address
        lease_id = str(uuid.uuid4())
        if limit <= 0:
            return lease_id
        subject, now = self._hash("sockets", address), self.clock()
        try:
            held = self.store.lease(subject, lease_id, self.holder, limit, now, now + self.settings.socket_lease_s)
        except UNAVAILABLE as exc:
            log.warning("socket leases unavailable (%s): letting through", type(exc).__name__)
            return lease_id
        if not held:
            return Refused("sockets", max(1, math.ceil(self.settings.socket_lease_s / 6)))
        self._leases[lease_id] = subject
        return lease_id

    def close_socket(self, lease_id: str) -> None:
        subject = self._leases.pop(lease_id, None)
        if subject is not None:
            try:
                self.store.release(subject, lease_id)
            except UNAVAILABLE:
                log.warning("could not release a socket lease; it runs out by itself", exc_info=True)

    def renew(self) -> None:
        now = self.clock()
        self.store.renew(self.holder, dict(self._leases), now, now + self.settings.socket_lease_s)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.settings.socket_lease_s / 3)
            try:
                await to_thread.run_sync(self.renew)
            except Exception:
                log.warning("renewing socket leases failed; retrying", exc_info=True)

    async def start(self) -> None:
        if self._task is None and self.settings.sockets_per_address > 0:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancel(task)
