"""Conversations: start one, take a customer message, get the bot's turn, store everything.

Every step reads and writes the database, never process memory, so any app worker can take any turn.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Protocol

from anyio import to_thread
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from assistant.dialogue import ConversationState, respond, valid_business_id
from assistant.engine import EngineUnavailable, RasaClient
from assistant.language import next_language
from assistant.message import BotMessage
from assistant.models import Conversation, Message, utcnow
from assistant.settings import Settings
from assistant.understanding import Understander, Understanding
from assistant.updates import Hub
from nlu.pii import mask_personal_codes
from nlu.places import find_region

log = logging.getLogger("neuvo.conversation")
HUMAN_STATES = ("queued", "agent")  # a person is to answer: the bot stays silent
TYPING_FOR = dt.timedelta(seconds=6)


class HandoffDesk(Protocol):
    """What a conversation needs from the contact centre (handoff.desk.Desk provides it)."""

    def request(self, conversation_id: str, actor: str = "customer"): ...

    def leave_message(self, conversation_id: str, client_id: str | None, kind: str, email: object,
                      phone: object, text: object): ...

    def position(self, conversation_id: str) -> tuple[int, int] | None: ...


class ConversationNotFound(Exception):
    pass


class DuplicateMessage(Exception):
    """The customer message with this client id was received before: no second turn."""

    def __init__(self, message: Message):
        self.message = message
        super().__init__(message.client_id)


class InvalidMessage(Exception):
    """Bad input from the customer; `code` names the translated text in assistant.api.ERRORS."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


@dataclass
class TurnResult:
    conversation: Conversation
    customer_message: Message
    messages: list[Message]
    understood: dict | None
    engine_down: bool


def conversation_state(conversation: Conversation) -> ConversationState:
    return ConversationState(conversation.language, conversation.state, conversation.failed_turns, conversation.language_fixed)


def save_state(sessions: sessionmaker, conversation_id: str, state: ConversationState) -> None:
    with sessions.begin() as db:
        db.execute(update(Conversation).where(Conversation.id == conversation_id).values(
            state=state.state, failed_turns=state.failed_turns, language=state.language, language_fixed=state.language_fixed))


def load(sessions: sessionmaker, conversation_id: str) -> Conversation:
    with sessions() as db:
        conversation = db.get(Conversation, conversation_id)
    if conversation is None:
        raise ConversationNotFound(conversation_id)
    return conversation


class ConversationService:
    def __init__(self, settings: Settings, sessions: sessionmaker, engine: RasaClient, understander: Understander):
        self.settings, self.sessions, self.engine, self.understander = settings, sessions, engine, understander
        self.desk: HandoffDesk | None = None  # set by the product's composition (channels.server)
        self.hub = Hub(sessions)

    # -- storage (synchronous; run in a worker thread) ---------------------------------------------

    def _create(self, language: str | None, region: str | None, channel: str) -> Conversation:
        with self.sessions.begin() as db:
            conversation = Conversation(language=language or self.settings.default_language, region=region,
                                        channel=channel, state="bot", failed_turns=0, last_seq=0)
            db.add(conversation)
        return conversation

    def load(self, conversation_id: str) -> Conversation:
        return load(self.sessions, conversation_id)

    def append(self, conversation_id: str, sender: str, items: list[dict]) -> list[Message]:
        """Store messages with the next sequence numbers (atomic across workers)."""
        with self.sessions.begin() as db:
            last = db.execute(update(Conversation).where(Conversation.id == conversation_id)
                              .values(last_seq=Conversation.last_seq + len(items))
                              .returning(Conversation.last_seq)).scalar_one()
            rows = [Message(conversation_id=conversation_id, seq=last - len(items) + i + 1, sender=sender, **item)
                    for i, item in enumerate(items)]
            db.add_all(rows)
        self.hub.poke()
        return rows

    def previous(self, conversation_id: str, client_id: str) -> Message | None:
        with self.sessions() as db:
            return db.scalars(select(Message).where(Message.conversation_id == conversation_id,
                                                    Message.client_id == client_id)).first()

    def accept(self, conversation_id: str, text: str, client_id: str | None) -> tuple[Conversation, Message]:
        """Store a customer message once (by its client id), noting its language and any municipality."""
        with self.sessions.begin() as db:
            conversation = db.get(Conversation, conversation_id)
            if conversation is None:
                raise ConversationNotFound(conversation_id)
            first = conversation.last_seq == 0
            if not text.startswith("/"):
                conversation.language = next_language(conversation.language, conversation.language_fixed, text, first)
                conversation.region = find_region(text) or conversation.region
                conversation.business_id = valid_business_id(text) or conversation.business_id
            conversation.customer_typing_until = None
        if client_id and (previous := self.previous(conversation_id, client_id)):
            raise DuplicateMessage(previous)
        try:
            message = self.append(conversation_id, "customer",
                                   [{"text": text, "language": conversation.language, "client_id": client_id}])[0]
        except IntegrityError:  # the same client id arrived twice at once, through two workers
            previous = self.previous(conversation_id, client_id) if client_id else None
            if previous is None:
                raise
            raise DuplicateMessage(previous) from None
        return conversation, message

    def _set_understood(self, message_id: int, understood: dict | None) -> None:
        with self.sessions.begin() as db:
            db.execute(update(Message).where(Message.id == message_id).values(understood=understood))

    def history(self, conversation_id: str, after_seq: int = 0) -> tuple[Conversation, list[Message]]:
        """The conversation and what the customer may see of it after `after_seq`, in order (a reconnecting
        client's gap): agents' private notes are left out."""
        query = select(Message).where(Message.conversation_id == conversation_id, Message.seq > after_seq,
                                      Message.internal.is_(False))
        with self.sessions() as db:
            conversation = db.get(Conversation, conversation_id)
            if conversation is None:
                raise ConversationNotFound(conversation_id)
            messages = list(db.scalars(query.order_by(Message.seq)))
        return conversation, messages

    def set_typing(self, conversation_id: str, who: str, on: bool) -> None:
        """Customer or agent typing: shown on the other side for a few seconds (any worker sees it)."""
        column = Conversation.customer_typing_until if who == "customer" else Conversation.agent_typing_until
        with self.sessions.begin() as db:
            db.execute(update(Conversation).where(Conversation.id == conversation_id)
                       .values({column: utcnow() + TYPING_FOR if on else None}))
        self.hub.poke()

    # -- the turn ------------------------------------------------------------------------------------

    async def start(self, language: str | None = None, region: str | None = None, channel: str = "rest") -> Conversation:
        if language is not None and language not in self.settings.languages:
            raise InvalidMessage("unsupported_language")
        return await to_thread.run_sync(self._create, language, region, channel)

    def clean(self, text: object) -> str:
        if not isinstance(text, str):
            raise InvalidMessage("invalid_text")
        text = " ".join(text.split())
        if not text:
            raise InvalidMessage("empty_message")
        if len(text) > self.settings.max_message_chars:
            raise InvalidMessage("message_too_long")
        return mask_personal_codes(text)[0]

    async def post(self, conversation_id: str, text: object, client_id: str | None = None) -> TurnResult:
        text = self.clean(text)
        conversation, customer = await to_thread.run_sync(self.accept, conversation_id, text, client_id)
        if conversation.state in HUMAN_STATES:  # a person answers; the agent sees the message live
            return TurnResult(conversation, customer, [], None, False)
        metadata = {"lang": conversation.language, "region": conversation.region}
        engine_down = False
        try:
            raw = await self.engine.send(conversation_id, text, metadata)
            if not raw:  # Rasa predicted no reply: never leave the customer without one
                raise EngineUnavailable("no bot message")
            bot = [BotMessage.from_dict(m["custom"]["neuvo"]) if "neuvo" in (m.get("custom") or {})
                   else BotMessage(str(m.get("text", ""))) for m in raw]
        except EngineUnavailable as exc:
            log.warning("Rasa unavailable (%s); answering from the catalogue search", exc)
            engine_down = True
            bot = await to_thread.run_sync(self._fallback_turn, conversation_id, text)
        understood = next((m.understood for m in bot if m.understood), None)
        await to_thread.run_sync(self._set_understood, customer.id, understood)
        conversation = await to_thread.run_sync(load, self.sessions, conversation_id)
        stored = await to_thread.run_sync(self.append, conversation_id, "bot", [
            {"text": m.text, "language": conversation.language, "buttons": [b.__dict__ for b in m.buttons] or None,
             "service": m.service, "source_url": m.source_url, "understood": m.understood} for m in bot
        ]) if bot else []
        if conversation.state == "handoff_requested" and self.desk is not None:
            handed = await to_thread.run_sync(self.desk.request, conversation_id)
            conversation, stored = handed.conversation, stored + handed.messages
        return TurnResult(conversation, customer, stored, understood, engine_down)

    def _fallback_turn(self, conversation_id: str, text: str) -> list[BotMessage]:
        """The engine is down: the same dialogue rules on the catalogue search alone."""
        conversation = load(self.sessions, conversation_id)
        payload = text[1:].split("{", 1)[0] if text.startswith("/") else None  # a button: "/intent" or "/intent{…}"
        if payload and (payload in self.understander.catalogue or payload in ("request_human", "deny", "affirm", "feedback")):
            understanding = Understanding(payload, payload if payload in self.understander.catalogue else None, 1.0,
                                          conversation.language)
        else:
            understanding = self.understander.understand(text, conversation.language, None)
        turn = respond(understanding, conversation_state(conversation), text, self.understander, engine_down=True)
        save_state(self.sessions, conversation_id, turn.state)
        return turn.messages
