"""The contact centre's desk: hand a conversation over, let an agent claim, answer, transfer, return or
close it, and take a message or a call-back request when nobody can chat.

Every step moves the conversation through the state machine (`assistant.states.transition`, a
compare-and-set), writes an audit event and, where the customer should know, a system message in the
customer's language (stored with its outbox item), all in one transaction: any worker may do the next
step, and of any number of agents clicking "claim" at once exactly one wins.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.conversation import (ConversationNotFound, ConversationService, DuplicateMessage, InvalidMessage,
                                    Step, store)
from assistant.events import EventKind
from assistant.i18n import N_, gettext
from assistant.message import Button, MessageDraft, Sender
from assistant.models import Conversation, Message, utcnow
from assistant.states import HUMAN, ROUTABLE, WAITING, State, StateConflict, transition
from handoff.agents import display_name, free_slots, held_chats, may_claim, may_see, online_users, serves
from handoff.contact import valid_email, valid_phone
from handoff.hours_text import when
from handoff.models import HandoffEvent, Role, User
from handoff.queues import Capacity, Queue, Route, estimated_wait, route
from knowledge.catalogue import CatalogueEntry
from nlu.pii import mask_personal_codes

CANNED = yaml.safe_load((Path(__file__).resolve().parent / "canned.yml").read_text(encoding="utf-8"))
OUTCOMES = {
    "answered": N_("Answered"),
    "referred": N_("Referred to another service"),
    "callback_agreed": N_("Call back agreed"),
    "message_answered": N_("Message answered"),
    "no_response": N_("Customer did not respond"),
    "not_our_service": N_("Not a growth services matter"),
}
TEXTS = {
    "queued": N_("You are number {position} in the queue for {queue}. Estimated wait: about {minutes} min. "
                 "An expert will reply here; the bot will not answer meanwhile."),
    "closed_hours": N_("Our experts for {queue} are not available right now. The service opens again {when}."),
    "busy": N_("All our experts for {queue} are busy right now."),  # online, every chat slot taken
    "nobody_online": N_("Nobody from {queue} is online right now."),  # open hours, but no expert logged in
    "unavailable": N_("Our experts for {queue} are not available right now."),
    "offer": N_("You can leave a message, and we will answer by email, or ask us to call you back."),
    "leave_message": N_("Leave a message"),
    "callback": N_("Ask for a call back"),
    "message_left": N_("Thank you! Your message is with {queue}. We will answer by email to {email}."),
    "callback_requested": N_("Thank you! {queue} will call you back at {phone}."),
    "agent_joined": N_("{agent} from the contact centre has joined the conversation."),
    "transferred": N_("{agent} has transferred the conversation to {queue}. You are number {position} in the "
                      "queue."),
    "returned_to_bot": N_("{agent} has left the conversation. You can continue with the bot."),
    "closed": N_("{agent} has closed the conversation. Thank you for contacting us!"),
}


#: Why nobody can chat now (handoff.queues.Route.reason) → what the customer is told: a customer who
#: knows everyone is busy may try again soon; one told nobody is online should rather leave a message.
UNAVAILABLE = {"closed": "unavailable", "no_agents": "nobody_online", "full": "busy"}


class NotAllowed(Exception):
    pass


def visible(db: Session, user: User, conversation_id: str) -> Conversation:
    """The conversation if this user may see it (role and region: `agents.may_see`), else why not."""
    c = db.get(Conversation, conversation_id)
    if c is None:
        raise ConversationNotFound(conversation_id)
    if not may_see(user, c):
        raise NotAllowed("forbidden")
    return c


class AlreadyClaimed(Exception):
    pass


class Desk:
    def __init__(self, service: ConversationService, queues: dict[str, Queue]):
        self.service, self.sessions, self.queues = service, service.sessions, queues

    # -- what the routing needs to know -------------------------------------------------------------

    def capacity(self, db: Session, queue: Queue, language: str, now: dt.datetime) -> Capacity:
        agents = [u for u in online_users(db, now) if serves(u, queue.id) and language in u.languages]
        waiting = db.scalar(select(func.count()).select_from(Conversation).where(
            Conversation.state == State.QUEUED, Conversation.queue == queue.id, Conversation.language == language))
        return Capacity(len(agents), free_slots(agents, held_chats(db)) if agents else 0, waiting or 0)

    @staticmethod
    def ahead(db: Session, c: Conversation) -> int:
        """Customers of the same language who have waited longer in the conversation's queue."""
        return db.scalar(select(func.count()).select_from(Conversation).where(
            Conversation.state == State.QUEUED, Conversation.queue == c.queue, Conversation.language == c.language,
            Conversation.queued_at < c.queued_at)) or 0

    def understood_service(self, db: Session, conversation_id: str) -> CatalogueEntry | None:
        """The catalogue entry the bot last understood in this conversation (it decides the topic)."""
        catalogue = self.service.content.current().catalogue
        for understood in db.scalars(select(Message.understood).where(
                Message.conversation_id == conversation_id, Message.sender == Sender.CUSTOMER,
                Message.understood.is_not(None)).order_by(Message.seq.desc())):
            entry = catalogue.get(understood.get("service")) if understood.get("service") else None
            if entry is not None:
                return entry
        return None

    def topic(self, db: Session, conversation_id: str) -> str | None:
        entry = self.understood_service(db, conversation_id)
        return entry.topic if entry else None

    def canned(self, lang: str) -> list[dict]:
        """Ready answers for agents, in the conversation's language (fi and sv; en falls back to fi)."""
        return [{"id": key, "title": item[lang if lang in item else "fi"]["title"],
                 "text": item[lang if lang in item else "fi"]["text"]} for key, item in CANNED.items()]

    def position(self, conversation_id: str) -> tuple[int, int] | None:
        """(position, estimated minutes) of a waiting customer, or None when not waiting."""
        now = utcnow()
        with self.sessions() as db:
            c = db.get(Conversation, conversation_id)
            if c is None or c.state != State.QUEUED or c.queue not in self.queues:
                return None
            ahead = self.ahead(db, c)
            queue = self.queues[c.queue]
            capacity = self.capacity(db, queue, c.language, now)
        return ahead + 1, estimated_wait(queue, capacity, ahead + 1)

    # -- the customer's side -------------------------------------------------------------------------

    def request(self, conversation_id: str, actor: str = "customer") -> Step:
        """Route a conversation the dialogue handed over: into a queue, or to the message offer."""
        try:
            return self._route(conversation_id, actor)
        except StateConflict:  # another worker routed it at the same moment
            return Step(self.service.load(conversation_id), [])

    def _route(self, conversation_id: str, actor: str) -> Step:
        now = utcnow()
        with self.sessions.begin() as db:
            c = db.get(Conversation, conversation_id)
            if c is None:
                raise ConversationNotFound(conversation_id)
            if c.state not in ROUTABLE:  # already with the contact centre, or back with the bot
                return Step(c, [])
            routed_from = State(c.state)
            chosen: Route = route(self.topic(db, c.id), c.region, now,
                                  lambda q: self.capacity(db, q, c.language, now), self.queues)
            lang, name = c.language, chosen.queue.name(c.language)
            db.add(HandoffEvent(conversation_id=c.id, kind="requested", actor=actor, to_queue=chosen.queue.id,
                                note=chosen.reason))
            if chosen.available:
                transition(db, c.id, [routed_from], State.QUEUED, actor=actor, event=EventKind.QUEUED,
                           details={"queue": chosen.queue.id}, queue=chosen.queue.id, queued_at=now)
                db.add(HandoffEvent(conversation_id=c.id, kind="queued", actor="bot", to_queue=chosen.queue.id))
                drafts = [_system(lang, "queued", {"queue": chosen.queue.id, "queue_name": name,
                                                   "position": chosen.position, "wait_minutes": chosen.wait_minutes},
                                  queue=name, position=chosen.position, minutes=chosen.wait_minutes)]
            else:
                transition(db, c.id, [routed_from], State.NO_AGENTS, actor=actor,
                           event=EventKind.NO_AGENTS, details={"queue": chosen.queue.id, "reason": chosen.reason},
                           queue=chosen.queue.id)
                db.add(HandoffEvent(conversation_id=c.id, kind="no_agents", actor="bot", to_queue=chosen.queue.id,
                                    note=chosen.reason))
                opens = chosen.queue.hours.next_opening(now) if chosen.reason == "closed" else None
                why = gettext(lang, TEXTS["closed_hours"], queue=name, when=when(opens, lang)) if opens else \
                    gettext(lang, TEXTS[UNAVAILABLE[chosen.reason]], queue=name)
                drafts = [MessageDraft(Sender.SYSTEM, f"{why} {gettext(lang, TEXTS['offer'])}", language=lang,
                                       event="no_agents",
                                       details={"queue": chosen.queue.id, "queue_name": name, "reason": chosen.reason},
                                       buttons=[Button(gettext(lang, TEXTS["leave_message"]), "/leave_message"),
                                                Button(gettext(lang, TEXTS["callback"]), "/callback")])]
            stored = store(db, c.id, drafts)
        return Step(self.service.load(conversation_id), stored)

    def leave_message(self, conversation_id: str, client_id: str | None, kind: object, email: object,
                      phone: object, text: object) -> Step:
        """A message to be answered by email, or a call-back request, left in the conversation's queue."""
        # an identity code typed into a contact field is masked first, so it fails the check, never stored
        email, phone = valid_email(_masked(email)), valid_phone(_masked(phone))  # normalised, or None
        text = " ".join(text.split()) if isinstance(text, str) else ""
        if kind not in ("message", "callback"):
            raise InvalidMessage("invalid_frame")
        if kind == "message" and not email:
            raise InvalidMessage("invalid_email")
        if kind == "callback" and not phone:
            raise InvalidMessage("invalid_phone")
        if kind == "message" and not text:
            raise InvalidMessage("empty_message")
        if client_id and (previous := self.service.previous(conversation_id, client_id)):
            raise DuplicateMessage(previous)  # a resend after a lost ack, whatever happened since
        if self.service.load(conversation_id).state in HUMAN:  # a person is already on it
            raise InvalidMessage("invalid_frame")
        text, masked = self.service.screen(text) if text else ("📞", 0)
        _, customer = self.service.accept(conversation_id, text, client_id)
        notice = self.service.personal_data_notice(conversation_id) if masked else []
        state = State.MESSAGE_LEFT if kind == "message" else State.CALLBACK_REQUESTED
        with self.sessions.begin() as db:
            c = db.get(Conversation, conversation_id)
            queue = c.queue if c.queue in self.queues else \
                route(self.topic(db, c.id), c.region, utcnow(), lambda q: Capacity(0, 0, 0), self.queues).queue.id
            try:
                transition(db, c.id, set(State) - HUMAN, state, actor="customer", event=EventKind(state.value),
                           details={"queue": queue}, queue=queue, queued_at=utcnow(), agent_id=None,
                           contact={"email": email} if kind == "message" else {"phone": phone},
                           **({"channel": "email"} if kind == "message" else {}))  # the answer goes out by email
            except StateConflict:  # an agent took the conversation meanwhile: they read the message there
                raise InvalidMessage("invalid_frame") from None
            db.add(HandoffEvent(conversation_id=c.id, kind=state.value, actor="customer", to_queue=queue))
            name = self.queues[queue].name(c.language)
            stored = store(db, c.id, [_system(c.language, state.value, {"queue": queue, "queue_name": name},
                                              queue=name, email=email, phone=phone)])
        return Step(self.service.load(conversation_id), [customer, *notice, *stored])

    def by_email(self, conversation_id: str, email: str) -> Step:
        """A mail the bot could not answer on its own: into the right queue as a message to be answered by
        email (the agent's reply goes out as a mail in the same thread). Nothing changes while a person has it
        or it waits for one already."""
        with self.sessions.begin() as db:
            c = db.get(Conversation, conversation_id)
            if c is None:
                raise ConversationNotFound(conversation_id)
            if c.state in HUMAN or c.state == State.MESSAGE_LEFT:
                return Step(c, [])
            queue = c.queue if c.state == State.NO_AGENTS and c.queue in self.queues else \
                route(self.topic(db, c.id), c.region, utcnow(), lambda q: Capacity(0, 0, 0), self.queues).queue.id
            try:
                transition(db, c.id, set(State) - HUMAN - {State.MESSAGE_LEFT}, State.MESSAGE_LEFT, actor="customer",
                           event=EventKind.MESSAGE_LEFT, details={"queue": queue, "channel": "email"}, queue=queue,
                           queued_at=utcnow(), agent_id=None, contact={"email": email})
            except StateConflict:  # an agent took it meanwhile
                return Step(self.service.load(conversation_id), [])
            db.add(HandoffEvent(conversation_id=c.id, kind=State.MESSAGE_LEFT.value, actor="customer", to_queue=queue))
            name = self.queues[queue].name(c.language)
            stored = store(db, c.id, [_system(c.language, "message_left", {"queue": queue, "queue_name": name},
                                              queue=name, email=email)])
        return Step(self.service.load(conversation_id), stored)

    # -- the agent's side ----------------------------------------------------------------------------

    def _held(self, db: Session, conversation_id: str, user: User) -> Conversation:
        c = db.get(Conversation, conversation_id)
        if c is None:
            raise ConversationNotFound(conversation_id)
        if c.state != State.AGENT or (c.agent_id != user.id and user.role not in (Role.SUPERVISOR, Role.ADMIN)):
            raise NotAllowed("not_held")
        return c

    def check_held(self, conversation_id: str, user: User) -> None:
        with self.sessions() as db:
            self._held(db, conversation_id, user)

    def claim(self, conversation_id: str, user: User) -> Step:
        with self.sessions.begin() as db:
            c = db.get(Conversation, conversation_id)
            if c is None:
                raise ConversationNotFound(conversation_id)
            if not may_claim(user, c):
                raise NotAllowed("not_allowed")
            try:  # of simultaneous claims exactly one matches the row still waiting in this queue
                transition(db, c.id, WAITING, State.AGENT, actor=user.username, event=EventKind.CLAIMED,
                           details={"agent": user.username, "queue": c.queue},
                           where=[Conversation.agent_id.is_(None), Conversation.queue == c.queue], agent_id=user.id)
            except StateConflict:
                raise AlreadyClaimed(conversation_id) from None
            db.add(HandoffEvent(conversation_id=c.id, kind="claimed", actor=user.username, from_queue=c.queue))
            name = display_name(user, c.language)
            stored = store(db, c.id, [_system(c.language, "agent_joined", {"agent": name}, agent=name)])
        return Step(self.service.load(conversation_id), stored)

    def answer(self, conversation_id: str, user: User, text: object, internal: bool) -> Message:
        """An agent's message to the customer, or a private note (never shown to the customer)."""
        clean = self.service.clean(text)
        with self.sessions.begin() as db:
            c = db.get(Conversation, conversation_id)
            if c is None:
                raise ConversationNotFound(conversation_id)
            if not internal:
                self._held(db, conversation_id, user)
            elif not may_claim(user, c) and c.agent_id != user.id:
                raise NotAllowed("not_allowed")
            c.agent_typing_until = None
            draft = MessageDraft(Sender.AGENT, clean, language=c.language, author=display_name(user, c.language),
                                 internal=bool(internal))
            # a reply only while the agent still holds it (a transfer at the same moment wins)
            stored = store(db, conversation_id, [draft], None if internal else [State.AGENT])
        if not stored:
            raise NotAllowed("not_held")
        return stored[0]

    def transfer(self, conversation_id: str, user: User, queue_id: object, note: object) -> Step:
        if not isinstance(queue_id, str) or queue_id not in self.queues:
            raise InvalidMessage("unknown_queue")
        note, now = _note(note), utcnow()
        with self.sessions.begin() as db:
            c = self._held(db, conversation_id, user)
            previous, lang = c.queue, c.language
            transition(db, c.id, [State.AGENT], State.QUEUED, actor=user.username, event=EventKind.TRANSFERRED,
                       details={"from_queue": previous, "queue": queue_id}, where=[Conversation.agent_id == c.agent_id],
                       queue=queue_id, agent_id=None, queued_at=now, agent_typing_until=None)
            db.add(HandoffEvent(conversation_id=c.id, kind="transferred", actor=user.username, from_queue=previous,
                                to_queue=queue_id, note=note))
            db.refresh(c)
            position = self.ahead(db, c) + 1
            name, agent = self.queues[queue_id].name(lang), display_name(user, lang)
            drafts = [_system(lang, "transferred", {"agent": agent, "queue": queue_id, "queue_name": name,
                                                    "position": position}, agent=agent, queue=name, position=position)]
            if note:
                drafts.append(MessageDraft(Sender.AGENT, note, language=lang, author=agent, internal=True))
            stored = store(db, c.id, drafts)
        return Step(self.service.load(conversation_id), stored)

    def return_to_bot(self, conversation_id: str, user: User, note: object = None) -> Step:
        return self._release(conversation_id, user, State.BOT, EventKind.RETURNED, "returned_to_bot", None, note)

    def close(self, conversation_id: str, user: User, outcome: object, note: object = None) -> Step:
        if not isinstance(outcome, str) or outcome not in OUTCOMES:
            raise InvalidMessage("unknown_outcome")
        return self._release(conversation_id, user, State.CLOSED, EventKind.CLOSED, "closed", outcome, note)

    def _release(self, conversation_id: str, user: User, state: State, kind: EventKind, text: str,
                 outcome: str | None, note: object) -> Step:
        note = _note(note)
        with self.sessions.begin() as db:
            c = self._held(db, conversation_id, user)
            transition(db, c.id, [State.AGENT], state, actor=user.username, event=kind,
                       details={"outcome": outcome} if outcome else None, where=[Conversation.agent_id == c.agent_id],
                       agent_id=None, agent_typing_until=None, failed_turns=0)
            db.add(HandoffEvent(conversation_id=c.id, kind=kind.value, actor=user.username, from_queue=c.queue,
                                note=note, outcome=outcome))
            name = display_name(user, c.language)
            stored = store(db, c.id, [_system(c.language, text, {"agent": name}, agent=name)])
        return Step(self.service.load(conversation_id), stored)


def _masked(value: object) -> object:
    return mask_personal_codes(value)[0] if isinstance(value, str) else value


def _note(note: object) -> str | None:
    """An agent's note for the record, identity codes masked; None when there is none."""
    return mask_personal_codes(note.strip())[0] if isinstance(note, str) and note.strip() else None


def _system(lang: str, event: str, details: dict, **values: object) -> MessageDraft:
    return MessageDraft(Sender.SYSTEM, gettext(lang, TEXTS[event], **values), language=lang, event=event,
                        details=details)
