"""Conversations: start one, take a customer message, get the bot's turn, store everything.

Every step reads and writes the database, never process memory, so any app worker can take any turn.
State moves go through `assistant.states.transition`; every stored message meant for the customer gets
its outbox item in the same transaction; every change records a domain event (`assistant.events`).
A customer message owes its bot turn durably (`assistant.turns`): a turn a crash left unfinished is run
again by any worker, and its reply is stored once.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from anyio import to_thread
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from assistant import outbox, turns
from assistant.outbox import Outbox
from assistant.content import ContentProvider
from assistant.dialogue import ConversationState, respond
from assistant.engine import EngineUnavailable, RasaClient
from assistant.events import Event, EventKind, record
from assistant.faults import Faults
from assistant.i18n import N_, gettext
from assistant.language import LanguageDetector, decides, next_language
from assistant.limits import engine_session_due
from assistant.logs import request_id
from assistant.message import BotMessage, MessageDraft, Payload, Sender
from assistant.models import Conversation, Message, utcnow
from assistant.settings import Settings
from assistant.states import BOT_SPEAKS, HUMAN, State, StateConflict, transition
from assistant.turns import Claim
from assistant.understanding import Understanding
from nlu.identifiers import valid_business_id
from nlu.person import asks_for_person
from nlu.personal_data import mask, without_masks
from nlu.places import find_region

log = logging.getLogger("neuvo.conversation")
TYPING_FOR = dt.timedelta(seconds=6)
LANGUAGE_LOOKBACK = 10  # customer messages read to tell whether the language was decided yet
PERSONAL_DATA_NOTICE = N_("Please do not send your personal identity code, bank account or card number here: "
                          "we removed it from your message. If an advisor needs it, they will ask for it "
                          "through a secure channel.")
GAVE_UP = N_("Sorry, I could not answer your last message. Please ask again in other words, or ask for a person.")


class HandoffDesk(Protocol):
    """What a conversation needs from the contact centre (handoff.desk.Desk provides it)."""

    def request(self, conversation_id: str, actor: str = "customer") -> "Step": ...

    def leave_message(self, conversation_id: str, client_id: str | None, kind: object, email: object,
                      phone: object, text: object) -> "Step": ...

    def position(self, conversation_id: str) -> tuple[int, int] | None: ...

    def by_email(self, conversation_id: str, email: str) -> "Step": ...


class ConversationNotFound(Exception):
    pass


class DuplicateMessage(Exception):
    """The customer message with this client id was received before: no second turn, nothing changed."""

    def __init__(self, message: Message):
        self.message = message
        super().__init__(message.client_id)


class InvalidMessage(Exception):
    """Bad input from the customer; `code` names the translated text in assistant.api.ERRORS."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


@dataclass
class Step:
    """A change and the messages it stored (in order), with the conversation as it is after it."""
    conversation: Conversation
    messages: list[Message]


@dataclass
class TurnResult:
    conversation: Conversation
    customer_message: Message
    messages: list[Message]
    understood: dict | None
    engine_down: bool
    sent: frozenset[int] = frozenset()  # seqs stored as sent: the reply that this REST response carries


def conversation_state(conversation: Conversation) -> ConversationState:
    return ConversationState(conversation.language, State(conversation.state), conversation.failed_turns,
                             conversation.language_fixed)


def save_state(sessions: sessionmaker, conversation_id: str, before: ConversationState, after: ConversationState) -> bool:
    """Store a bot turn's outcome if the conversation is still where the turn found it (compare-and-set):
    an agent who claimed it meanwhile keeps it. Returns whether the turn's state was stored. A turn that
    leaves the state as it found it (most answers) writes nothing: no transaction, no event; its reply is
    still stored only while the bot speaks (`store(..., require_states=BOT_SPEAKS)`)."""
    if before.state not in BOT_SPEAKS:
        return False
    if after == before:
        return True
    try:
        with sessions.begin() as db:
            transition(db, conversation_id, [before.state], after.state, failed_turns=after.failed_turns,
                       language=after.language, language_fixed=after.language_fixed,
                       event=EventKind.HANDOFF_REQUESTED if after.state == State.HANDOFF_REQUESTED
                       and before.state != State.HANDOFF_REQUESTED else EventKind.STATE_CHANGED)
        return True
    except StateConflict as exc:
        log.info("a bot turn lost the race for %s: %s", conversation_id, exc)
        return False


def load(sessions: sessionmaker, conversation_id: str) -> Conversation:
    with sessions() as db:
        conversation = db.get(Conversation, conversation_id)
    if conversation is None:
        raise ConversationNotFound(conversation_id)
    return conversation


def stored_client_id(client_id: str | None) -> str | None:
    """A channel's message id as stored: one that carries personal data is kept as its digest (still
    unique, so a resend is still recognised), never as typed."""
    if client_id is None or not mask(client_id).count:
        return client_id
    return "sha256:" + hashlib.sha256(client_id.encode("utf-8", "surrogatepass")).hexdigest()[:56]


def store(db: Session, conversation_id: str, drafts: Sequence[MessageDraft],
          require_states: Collection[State] | None = None, sent_on: str | None = None,
          values: dict | None = None) -> list[Message]:
    """Store messages with the next sequence numbers (one atomic UPDATE, so two workers never share a
    number), their outbox items and their events, in the caller's transaction. With `require_states`
    nothing is stored unless the conversation is in one of them (a bot reply after an agent's claim).
    `sent_on`: the channel whose response carries them; in a conversation of that channel they are
    stored as sent (`outbox.enqueue`). `values`: other columns of the conversation set by the same UPDATE."""
    if not drafts:
        return []
    conversation = take_seqs(db, conversation_id, len(drafts), require_states, values)
    if conversation is None:
        if require_states is None:
            raise ConversationNotFound(conversation_id)
        return []
    return insert_messages(db, conversation, drafts, sent_on)


def take_seqs(db: Session, conversation_id: str, count: int, require_states: Collection[State] | None = None,
              values: dict | None = None) -> Conversation | None:
    """Reserve the conversation's next `count` sequence numbers (they end at its `last_seq`), setting `values`
    too, in one UPDATE that returns the conversation as it now is; None when it does not exist or is in none
    of `require_states`. A copy of the conversation already in `db` is refreshed from it."""
    where = [Conversation.id == conversation_id]
    if require_states is not None:
        where.append(Conversation.state.in_([s.value for s in require_states]))
    return db.scalars(update(Conversation).where(*where)
                      .values(last_seq=Conversation.last_seq + count, **(values or {})).returning(Conversation),
                      execution_options={"synchronize_session": False, "populate_existing": True}).first()


def insert_messages(db: Session, conversation: Conversation, drafts: Sequence[MessageDraft],
                    sent_on: str | None = None) -> list[Message]:
    """The messages whose sequence numbers `take_seqs` reserved (the last ones up to `last_seq`), with their
    outbox items and events (`store`)."""
    first = conversation.last_seq - len(drafts) + 1
    rows = [Message(conversation_id=conversation.id, seq=first + i, **d.columns()) for i, d in enumerate(drafts)]
    db.add_all(rows)
    db.flush()
    channel = conversation.channel
    outbox.enqueue(db, conversation.id, channel, rows, sent=sent_on == channel)
    for m in rows:
        record(db, Event(EventKind.MESSAGE_STORED, conversation.id, actor=m.author or m.sender,
                         details={"seq": m.seq, "sender": m.sender, "internal": m.internal, "channel": channel}))
    return rows


class ConversationService:
    def __init__(self, settings: Settings, sessions: sessionmaker, engine: RasaClient, content: ContentProvider,
                 outbox: Outbox):
        self.settings, self.sessions, self.engine, self.content, self.outbox = settings, sessions, engine, content, outbox
        self.desk: HandoffDesk | None = None  # set by the composition root (channels.server)
        self.faults = Faults(settings.fault_pause_at, settings.fault_pause_s)

    # -- storage (synchronous; run in a worker thread) ---------------------------------------------

    def _create(self, language: str | None, region: str | None, channel: str,
                default: str | None = None) -> Conversation:
        """A new conversation: in the language asked for (fixed: detection never switches it), else in the
        channel's `default` or the settings' language until the customer's own words decide."""
        with self.sessions.begin() as db:
            conversation = Conversation(language=language or default or self.settings.default_language,
                                        language_fixed=language is not None, region=region, channel=channel,
                                        state=State.BOT.value, failed_turns=0, last_seq=0)
            db.add(conversation)
            db.flush()
            record(db, Event(EventKind.STARTED, conversation.id, actor="customer", details={"channel": channel}))
        return conversation

    def load(self, conversation_id: str) -> Conversation:
        return load(self.sessions, conversation_id)

    def append(self, conversation_id: str, drafts: Sequence[MessageDraft],
               require_states: Collection[State] | None = None) -> list[Message]:
        with self.sessions.begin() as db:
            return store(db, conversation_id, drafts, require_states)

    def previous(self, conversation_id: str, client_id: str) -> Message | None:
        with self.sessions() as db:
            return self._previous(db, conversation_id, client_id)

    @staticmethod
    def _previous(db: Session, conversation_id: str, client_id: str) -> Message | None:
        return db.scalars(select(Message).where(Message.conversation_id == conversation_id,
                                                Message.client_id == stored_client_id(client_id))).first()

    def accept(self, conversation_id: str, text: str, client_id: str | None,
               turn: bool = False) -> tuple[Conversation, Message]:
        """Store a customer message once (by its client id), noting its language and any municipality.
        A resend of a known client id changes nothing and raises DuplicateMessage. With `turn` the message
        owes a bot turn, claimed by this worker in the same transaction (done at once while a person answers)."""
        detector = self.content.current().detector
        try:
            with self.sessions.begin() as db:
                conversation = db.get(Conversation, conversation_id)
                if conversation is None:
                    raise ConversationNotFound(conversation_id)
                if client_id and (previous := self._previous(db, conversation_id, client_id)):
                    db.expunge(previous)  # kept readable: the rollback that follows would expire it
                    raise DuplicateMessage(previous)
                values: dict = {"customer_typing_until": None} if conversation.customer_typing_until else {}
                if not text.startswith("/"):  # a first message (no earlier ones) has nothing to look back at
                    decided = conversation.language_fixed or (
                        conversation.last_seq > 0 and self._language_decided(db, conversation_id, detector))
                    noted = {"language": next_language(detector, conversation.language, conversation.language_fixed,
                                                       without_masks(text), decided),
                             "region": find_region(text), "business_id": valid_business_id(text)}
                    values |= {k: v for k, v in noted.items() if v is not None and v != getattr(conversation, k)}
                language = values.get("language", conversation.language)
                owed = None if not turn else turns.done() if conversation.state in HUMAN else turns.claimed(
                    self.settings.turn_lease_s)
                message = store(db, conversation_id, [MessageDraft(Sender.CUSTOMER, text, language=language,
                                                                   client_id=stored_client_id(client_id), turn=owed)],
                                values=values)[0]  # the conversation's changes in the UPDATE that numbers it
                if text.startswith("/feedback"):
                    record(db, Event(EventKind.RATED, conversation_id, actor="customer", details={"payload": text}))
        except IntegrityError:  # the same client id arrived twice at once, through two workers
            previous = self.previous(conversation_id, client_id) if client_id else None
            if previous is None:
                raise
            raise DuplicateMessage(previous) from None
        return conversation, message

    @staticmethod
    def _language_decided(db: Session, conversation_id: str, detector: LanguageDetector) -> bool:
        """Whether an earlier customer message of this conversation said which language the customer speaks
        (a greeting, "ok" or "👍" does not). Past a few messages it is taken as decided."""
        earlier = db.scalars(select(Message.text).where(Message.conversation_id == conversation_id,
                                                        Message.sender == Sender.CUSTOMER.value)
                             .order_by(Message.seq).limit(LANGUAGE_LOOKBACK)).all()
        return len(earlier) >= LANGUAGE_LOOKBACK or any(
            decides(detector, without_masks(t)) for t in earlier if not t.startswith("/"))

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
            record(db, Event(EventKind.TYPING, conversation_id, actor=who, details={"who": who, "on": on}))

    # -- the turn ------------------------------------------------------------------------------------

    async def start(self, language: str | None = None, region: str | None = None, channel: str = "rest",
                    default: str | None = None) -> Conversation:
        """`language` is the customer's explicit choice; `default` the channel's (a page's) language, used
        only until the customer's first words say which language they speak."""
        if language is not None and language not in self.settings.languages:
            raise InvalidMessage("unsupported_language")
        if default not in self.settings.languages:
            default = None
        if isinstance(region, str) and mask(region).count:  # an identity code typed as the region is no region
            region = None
        return await to_thread.run_sync(self._create, language, region, channel, default)

    def clean(self, text: object) -> str:
        return self.screen(text)[0]

    def screen(self, text: object) -> tuple[str, int]:
        """The text as it is stored, logged and sent to Rasa (whitespace collapsed, personal data masked),
        and how many values were masked."""
        if not isinstance(text, str):
            raise InvalidMessage("invalid_text")
        text = " ".join(text.split())
        if not text:
            raise InvalidMessage("empty_message")
        if len(text) > self.settings.max_message_chars:
            raise InvalidMessage("message_too_long")
        masked = mask(text)
        return masked.text, masked.count

    def personal_data_notice(self, conversation_id: str) -> list[Message]:
        """The first time personal data was masked in a conversation, tell the customer (in its language)
        not to send it: one stored system message. The conversation row remembers it (any worker, any
        restart); of two workers at once, one UPDATE matches."""
        with self.sessions.begin() as db:
            row = db.execute(update(Conversation).where(Conversation.id == conversation_id,
                                                        Conversation.personal_data_noticed_at.is_(None))
                             .values(personal_data_noticed_at=utcnow()).returning(Conversation.language)).first()
            if row is None:
                return []
            lang = row[0]
            return store(db, conversation_id, [MessageDraft(Sender.SYSTEM, gettext(lang, PERSONAL_DATA_NOTICE),
                                                            language=lang, event="personal_data_notice")])

    async def post(self, conversation_id: str, text: object, client_id: str | None = None,
                   replied_on: str | None = None) -> TurnResult:
        """Take a customer message and run its bot turn. `replied_on` names the channel whose response
        carries the reply (REST): its outbox items are stored as sent with it."""
        text, masked = self.screen(text)
        conversation, customer = await to_thread.run_sync(self.accept, conversation_id, text, client_id, True)
        notice = await to_thread.run_sync(self.personal_data_notice, conversation_id) if masked else []
        if customer.turn != turns.CLAIMED:  # a person answers; the agent sees the message live
            return TurnResult(conversation, customer, notice, None, False)
        claim = Claim(customer.id, conversation_id, customer.turn_attempt)
        async with turns.leased(self.sessions, [claim], self.settings.turn_lease_s):
            turn = await self._run(conversation, customer, claim, replied_on)
        turn.messages[:0] = notice
        return turn

    async def _run(self, conversation: Conversation, customer: Message, claim: Claim,
                   replied_on: str | None = None) -> TurnResult:
        """The bot's turn for a stored customer message: Rasa (or the catalogue search alone), then the reply
        stored in the transaction that finishes the turn."""
        conversation_id, text = conversation.id, customer.text
        await self.faults.pause("stored", conversation_id)
        metadata = {"lang": conversation.language, "region": conversation.region}
        engine_down = False
        try:
            if claim.attempt > 1 and claim.attempt >= self.settings.turn_max_attempts:  # it crashed workers before
                raise EngineUnavailable(f"attempt {claim.attempt} of a turn: without Rasa")
            if asks_for_person(text):  # never the classifier's to read, small talk included
                bot = await to_thread.run_sync(self._local_turn, conversation_id, text, False)
            else:
                bot = await self._engine_turn(conversation_id, text, metadata)
        except EngineUnavailable as exc:
            log.warning("Rasa unavailable (%s); answering from the catalogue search", exc)
            engine_down = True
            bot = await to_thread.run_sync(self._local_turn, conversation_id, text, True)
        await self.faults.pause("answered", conversation_id)
        understood = next((m.understood for m in bot if m.understood), None)
        conversation, stored = await to_thread.run_sync(self._reply, claim, bot, understood, replied_on)
        if stored is None:  # this worker stalled past its lease and another one took the turn: it answers
            log.warning("a turn of %s was taken over by another worker; its reply is dropped here", conversation_id)
            return TurnResult(conversation, customer, [], understood, engine_down)
        await self.faults.pause("replied", conversation_id)
        sent = frozenset(m.seq for m in stored) if replied_on == conversation.channel else frozenset()
        if not engine_down:
            await self._bound_engine_session(conversation_id, customer.seq, stored, metadata)
        if conversation.state == State.HANDOFF_REQUESTED and self.desk is not None:
            handed = await to_thread.run_sync(self.desk.request, conversation_id)
            conversation, stored = handed.conversation, stored + handed.messages
        return TurnResult(conversation, customer, stored, understood, engine_down, sent)

    async def _bound_engine_session(self, conversation_id: str, first_seq: int, stored: list[Message],
                                    metadata: dict) -> None:
        """Rasa keeps only a conversation's latest session in its in-memory tracker: start a new one every
        `rasa_session_messages` messages, so the tracker (and each turn's latency) stays small. Nothing
        is lost: the conversation's state is ours, in the database, and Rasa's rules look one turn back."""
        last_seq = max([first_seq, *(m.seq for m in stored)])
        if engine_session_due(first_seq, last_seq, self.settings.rasa_session_messages):
            try:
                await self.engine.send(conversation_id, "/session_start", metadata)
            except EngineUnavailable as exc:
                log.info("could not start a new Rasa session for %s: %s", conversation_id, exc)

    def _reply(self, claim: Claim, bot: Sequence[BotMessage], understood: dict | None,
               replied_on: str | None) -> tuple[Conversation, list[Message] | None]:
        """End a bot turn in one transaction (one commit, not four): the turn marked done with the bot's
        reading of the customer message, the reply in the conversation's language as it is now, stored as
        sent when the response on `replied_on` carries it. No messages (None) when the claim was lost:
        the worker that took the turn over stores its own reading and reply."""
        with self.sessions.begin() as db:
            finished = turns.finish(db, claim, **({"understood": understood} if understood is not None else {}))
            if finished and understood is not None:
                record(db, Event(EventKind.UNDERSTOOD, claim.conversation_id, details={
                    "intent": understood.get("intent"), "service": understood.get("service"),
                    "confidence": understood.get("confidence")}))
            # the numbers for the reply, and the conversation as it is now (its language), in one UPDATE
            conversation = take_seqs(db, claim.conversation_id, len(bot), BOT_SPEAKS) if finished and bot else None
            if conversation is None:  # the claim was lost, or an agent holds the conversation: nothing stored
                conversation = db.get(Conversation, claim.conversation_id)
                if conversation is None:
                    raise ConversationNotFound(claim.conversation_id)
                return conversation, [] if finished else None
            drafts = [m.draft(conversation.language) for m in bot]
            return conversation, insert_messages(db, conversation, drafts, replied_on)

    def _finish(self, claim: Claim, drafts: Sequence[MessageDraft]) -> list[Message] | None:
        """Store the turn's reply and mark the turn done, at once; None (nothing stored) when the claim was
        lost. The bot stays silent in a conversation an agent took meanwhile, but the turn is done."""
        with self.sessions.begin() as db:
            if not turns.finish(db, claim):
                return None
            return store(db, claim.conversation_id, drafts, BOT_SPEAKS)

    # -- recovery of turns a crash left unfinished ------------------------------------------------------

    async def retry(self, message: Message) -> TurnResult | None:
        """The customer resent a message: if its turn was left unfinished and nobody holds it any more, run
        it now (None: it is done, owes none, or a live worker is on it and its reply comes from there)."""
        if message.turn not in (turns.PENDING, turns.CLAIMED):
            return None
        claim = await to_thread.run_sync(self._claim, message.id)
        if claim is None:
            return None
        async with turns.leased(self.sessions, [claim], self.settings.turn_lease_s):
            return await self._recover(claim)

    async def recover_due(self) -> int:
        """One sweep: run the unfinished turns whose lease ran out (a conversation's in order, conversations
        side by side) and route handoffs a crash left unrouted. Returns how many were taken up."""
        claims = await to_thread.run_sync(self._claim_due)
        by_conversation: dict[str, list[Claim]] = {}
        for c in claims:
            by_conversation.setdefault(c.conversation_id, []).append(c)
        async with turns.leased(self.sessions, claims, self.settings.turn_lease_s):
            await asyncio.gather(*(self._recover_each(c) for c in by_conversation.values()))
        return len(claims) + await to_thread.run_sync(self._route_stuck)

    async def _recover_each(self, claims: list[Claim]) -> None:
        for claim in claims:
            request_id.set(f"turn-{claim.message_id}")  # this task's log lines name the turn they run
            try:
                await self._recover(claim)
            except Exception:  # the lease runs out and a later sweep tries again, up to turn_max_attempts
                log.exception("recovering the turn of message %s failed", claim.message_id)

    async def _recover(self, claim: Claim) -> TurnResult | None:
        conversation, customer = await to_thread.run_sync(self._claimed, claim)
        log.info("running a turn left unfinished (attempt %d)", claim.attempt,
                 extra={"conversation_id": claim.conversation_id, "message_id": claim.message_id})
        if conversation.state in HUMAN:  # a person took the conversation meanwhile: no bot turn is owed
            await to_thread.run_sync(self._finish, claim, [])
            return None
        if claim.attempt > self.settings.turn_max_attempts:  # it crashed every time: say so, once
            log.error("gave up a turn after %d attempts", claim.attempt - 1,
                      extra={"conversation_id": claim.conversation_id, "message_id": claim.message_id})
            lang = conversation.language
            stored = await to_thread.run_sync(self._finish, claim,
                                              [MessageDraft(Sender.BOT, gettext(lang, GAVE_UP), language=lang)])
            return TurnResult(conversation, customer, stored or [], None, True)
        return await self._run(conversation, customer, claim)

    def _claim(self, message_id: int) -> Claim | None:
        with self.sessions.begin() as db:
            return turns.claim(db, message_id, self.settings.turn_lease_s)

    def _claim_due(self) -> list[Claim]:
        with self.sessions.begin() as db:
            return turns.claim_due(db, self.settings.turn_lease_s, self.settings.turn_sweep_batch)

    def _claimed(self, claim: Claim) -> tuple[Conversation, Message]:
        with self.sessions() as db:
            conversation, message = db.get(Conversation, claim.conversation_id), db.get(Message, claim.message_id)
        if conversation is None or message is None:
            raise ConversationNotFound(claim.conversation_id)
        return conversation, message

    def _route_stuck(self) -> int:
        """A crash between the reply that hands a conversation over and its routing left it asking for a
        person: route it now (the desk's routing is a compare-and-set, so two workers route it once)."""
        if self.desk is None:
            return 0
        before = utcnow() - dt.timedelta(seconds=self.settings.turn_lease_s)
        with self.sessions() as db:
            stuck = db.scalars(select(Conversation.id).where(Conversation.state == State.HANDOFF_REQUESTED.value,
                                                             Conversation.updated_at <= before).limit(20)).all()
        for conversation_id in stuck:
            self.desk.request(conversation_id, actor="system")
        return len(stuck)

    async def _engine_turn(self, conversation_id: str, text: str, metadata: dict) -> list[BotMessage]:
        raw = await self.engine.send(conversation_id, text, metadata)
        if not raw:  # Rasa predicted no reply: never leave the customer without one
            raise EngineUnavailable("no bot message")
        return [BotMessage.from_dict(m["custom"]["neuvo"]) if "neuvo" in (m.get("custom") or {})
                else BotMessage(str(m.get("text", ""))) for m in raw]

    def _local_turn(self, conversation_id: str, text: str, engine_down: bool) -> list[BotMessage]:
        """The same dialogue rules without Rasa: the engine is down (the catalogue search alone), or the
        message asks for a person, which no classifier reads."""
        conversation = load(self.sessions, conversation_id)
        understander = self.content.current().understander
        parsed = Payload.parse(text)  # a button: "/intent" or "/intent{…}"
        payload = parsed.intent if parsed else None
        if payload and (payload in understander.catalogue or payload in ("request_human", "deny", "affirm", "feedback")):
            understanding = Understanding(payload, payload if payload in understander.catalogue else None, 1.0,
                                          conversation.language)
        else:
            understanding = understander.understand(text, conversation.language, None if engine_down else [])
        before = conversation_state(conversation)
        turn = respond(understanding, before, text, understander, engine_down=engine_down)
        save_state(self.sessions, conversation_id, before, turn.state)
        return turn.messages

