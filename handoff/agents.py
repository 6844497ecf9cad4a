"""Contact-centre accounts, their console sessions, and who may see and take which conversation.

Passwords are argon2id hashes; a session is a random cookie whose SHA-256 alone is stored (a leaked
database gives no usable session), kept in the database so every worker knows it, and it ends after
an idle timeout. Password guessing is limited per username and address, per address and per username
(`login`, with assistant.limits: counted before the password is checked, so parallel guesses can't
slip through, and shaped so that a guesser cannot keep the real user out for long).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from assistant.i18n import N_, gettext
from assistant.limits import Limits, Refused
from assistant.models import Conversation, utcnow
from assistant.states import WAITING, State
from handoff.models import ConsoleSession, Role, User
from nlu.pii import mask_personal_codes

ROLES = tuple(r.value for r in Role)
LANGUAGES = ("fi", "sv", "en")
IDLE_TIMEOUT = dt.timedelta(minutes=30)
MAX_SESSION = dt.timedelta(hours=12)
ONLINE_WITHIN = dt.timedelta(minutes=2)  # an online agent's console checks in every minute
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password")  # unknown users cost the same time as wrong passwords
ACTORS = ("customer", "bot", "system")  # the audit trail's other actors: no account may be called so
UNNAMED = N_("Expert")  # an account without a display name of its own, as customers and colleagues see it


class AccountError(ValueError):
    pass


def create_user(sessions: sessionmaker, username: str, password: str, name: str, role: str,
                languages: list[str], region: str | None = None, max_chats: int = 3,
                topics: list[str] | None = None, ui_language: str = "fi") -> User:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if not languages or set(languages) - set(LANGUAGES):
        raise AccountError("languages must be a comma-separated subset of fi, sv, en")
    if (role == Role.REGIONAL_ADVISOR) != bool(region):
        raise AccountError("a regional advisor needs --region (and only a regional advisor has one)")
    if username in ACTORS:  # the audit trail could not tell the account from the customer or the bot
        raise AccountError(f"{username!r} is reserved")
    if mask_personal_codes(username)[0] != username:  # it would be masked at login, and never match
        raise AccountError("a username must not contain an identity code, account or card number")
    if len(password) < 10:
        raise AccountError("the password must have at least 10 characters")
    user = User(username=username, name=name, password_hash=_hasher.hash(password), role=role, region=region,
                languages=list(languages), topics=topics, max_chats=max_chats, status="offline",
                ui_language=ui_language if ui_language in LANGUAGES else "fi")
    with sessions.begin() as db:
        if db.scalar(select(User).where(User.username == username)):
            raise AccountError(f"user {username!r} exists already")
        db.add(user)
    return user


class LockedOut(Exception):
    """Too many login attempts lately: `refused` says which limit and when to try again."""

    def __init__(self, refused: Refused):
        self.refused = refused
        super().__init__(refused.rule)


def authenticate(sessions: sessionmaker, username: str, password: str) -> User | None:
    """The user with this password, or None (unknown users cost the same time as wrong passwords)."""
    with sessions() as db:
        user = db.scalar(select(User).where(User.username == login_name(username)))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def display_name(user: User, lang: str) -> str:
    """The name customers and colleagues see: the account's display name, else "Expert" in `lang`.
    Never the login name, half of a credential: a name equal to it (what `user add` without --name
    used to store) counts as none."""
    name = (user.name or "").strip()
    return name if name and name != user.username else gettext(lang, UNNAMED)


def display_names(db: Session, usernames: set[str], lang: str) -> dict[str, str]:
    """Username → display name, for the accounts among `usernames` (the audit trail names its actors so)."""
    if not usernames:
        return {}
    return {u.username: display_name(u, lang) for u in db.scalars(select(User).where(User.username.in_(usernames)))}


def login(sessions: sessionmaker, limits: Limits, username: str, password: str, address: str) -> User | None:
    """`authenticate` within the login limits: LockedOut (the password is not even checked) when this
    attempt is over one of them; a correct password does not count as an attempt. The username is
    masked first: an identity code typed into the login form is never stored or logged raw."""
    attempt = limits.login(login_name(username), address)
    if isinstance(attempt, Refused):
        raise LockedOut(attempt)
    user = authenticate(sessions, username, password)
    if user is not None:
        limits.logged_in(attempt)
    return user


def login_name(username: str) -> str:
    """A username as it may be stored and logged: personal data masked, at most 80 characters."""
    return mask_personal_codes(username)[0][:80]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(sessions: sessionmaker, user: User) -> tuple[str, str]:
    """A new session: (cookie token, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    with sessions.begin() as db:
        db.add(ConsoleSession(token_hash=_digest(token), user_id=user.id, csrf=csrf))
        db.get(User, user.id).status = "online"
    return token, csrf


def session_user(sessions: sessionmaker, token: str | None) -> tuple[User, str] | None:
    """The user and CSRF token of a live session (touching it), or None when unknown or expired."""
    if not token:
        return None
    now = utcnow()
    with sessions.begin() as db:
        row = db.get(ConsoleSession, _digest(token))
        if row is None:
            return None
        if row.last_seen < now - IDLE_TIMEOUT or row.created_at < now - MAX_SESSION:
            db.delete(row)
            return None
        if row.last_seen < now - dt.timedelta(seconds=20):
            row.last_seen = now
        user = db.get(User, row.user_id)
        return user, row.csrf


def close_session(sessions: sessionmaker, token: str | None) -> None:
    if token:
        with sessions.begin() as db:
            db.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == _digest(token)))


def online_users(db: Session, now: dt.datetime) -> list[User]:
    """Agents marked online whose console checked in lately (a closed browser does not count)."""
    live = select(ConsoleSession.user_id).where(ConsoleSession.last_seen >= now - ONLINE_WITHIN)
    return list(db.scalars(select(User).where(User.status == "online", User.id.in_(live))))


def held_chats(db: Session) -> dict[int, int]:
    """Agent id → how many conversations the agent holds now."""
    rows = db.execute(select(Conversation.agent_id, func.count()).where(Conversation.state == State.AGENT)
                      .group_by(Conversation.agent_id)).all()
    return {agent: count for agent, count in rows if agent is not None}


def free_slots(users: list[User], held: dict[int, int]) -> int:
    """Chats these agents can still take: each one's limit minus what they hold."""
    return sum(max(0, u.max_chats - held.get(u.id, 0)) for u in users)


# -- access -------------------------------------------------------------------------------------------

def serves(user: User, queue_id: str) -> bool:
    """Whether the user works this queue (takes its conversations)."""
    kind, _, key = queue_id.partition(":")
    if user.role == Role.REGIONAL_ADVISOR:
        return queue_id == f"region:{user.region}"
    if user.role == Role.AGENT:
        return kind == "topic" and (user.topics is None or key in user.topics)
    return True  # supervisor, admin


class Placed(Protocol):
    """Where a conversation stands for access rules: a row, or a live update's Change."""
    @property
    def state(self) -> str: ...
    @property
    def agent_id(self) -> int | None: ...
    @property
    def queue(self) -> str | None: ...
    @property
    def language(self) -> str: ...


def may_see(user: User, conversation: Placed) -> bool:
    """Supervisors and admins see every conversation. Anyone else only while it is with the contact centre:
    held by them, or waiting in (or held in) a queue they serve. Access ends with that role: once it is
    returned to the bot, closed or transferred away, its later messages are not theirs to read."""
    if user.role in (Role.SUPERVISOR, Role.ADMIN):
        return True
    if conversation.state == State.AGENT and conversation.agent_id == user.id:
        return True
    with_centre = conversation.state == State.AGENT or conversation.state in WAITING
    return with_centre and conversation.queue is not None and serves(user, conversation.queue)


def may_claim(user: User, conversation: Placed) -> bool:
    return may_see(user, conversation) and conversation.language in user.languages
