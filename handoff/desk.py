"""The contact centre's desk: hand a conversation over, let an agent claim, answer, transfer, return or
close it, and take a message or a call-back request when nobody can chat.

Every step changes the conversation row, writes an audit event and, where the customer should know,
a system message in the customer's language, all in the database (any worker may do the next step).
A claim is one conditional UPDATE: of any number of agents clicking at once, exactly one wins.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from assistant.conversation import (HUMAN_STATES, ConversationNotFound, ConversationService, DuplicateMessage,
                                   InvalidMessage)
from assistant.i18n import N_, gettext
from assistant.models import Conversation, HandoffEvent, Message, User, utcnow
from handoff.agents import free_slots, held_chats, may_claim, online_users, serves
from handoff.hours_text import when
from handoff.queues import Capacity, Queue, Route, estimated_wait, queues, route
from nlu.pii import mask_personal_codes

WAITING = ("queued", "message_left", "callback_requested")  # listed in a queue for an agent
CANNED = yaml.safe_load((Path(__file__).resolve().parent / "canned.yml").read_text(encoding="utf-8"))
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,19}$")
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
    "busy": N_("All our experts for {queue} are busy right now."),
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


class NotAllowed(Exception):
    pass


class AlreadyClaimed(Exception):
    pass


@dataclass
class Transition:
    conversation: Conversation
    messages: list[Message]


class Desk:
    def __init__(self, service: ConversationService):
        self.service, self.sessions = service, service.sessions
        self.catalogue = service.understander.catalogue

    # -- what the routing needs to know -------------------------------------------------------------

    def capacity(self, db: Session, queue: Queue, language: str, now: dt.datetime) -> Capacity:
        agents = [u for u in online_users(db, now) if serves(u, queue.id) and language in u.languages]
        waiting = db.scalar(select(func.count()).select_from(Conversation).where(
            Conversation.state == "queued", Conversation.queue == queue.id, Conversation.language == language))
        return Capacity(len(agents), free_slots(agents, held_chats(db)) if agents else 0, waiting or 0)

    @staticmethod
    def ahead(db: Session, c: Conversation) -> int:
        """Customers of the same language who have waited longer in the conversation's queue."""
        return db.scalar(select(func.count()).select_from(Conversation).where(
            Conversation.state == "queued", Conversation.queue == c.queue, Conversation.language == c.language,
            Conversation.queued_at < c.queued_at)) or 0

    def understood_service(self, db: Session, conversation_id: str):
        """The catalogue entry the bot last understood in this conversation (it decides the topic)."""
        for understood in db.scalars(select(Message.understood).where(
                Message.conversation_id == conversation_id, Message.sender == "customer",
                Message.understood.is_not(None)).order_by(Message.seq.desc())):
            entry = self.catalogue.get(understood.get("service")) if understood.get("service") else None
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
            if c is None or c.state != "queued" or c.queue not in queues():
                return None
            ahead = self.ahead(db, c)
            queue = queues()[c.queue]
            capacity = self.capacity(db, queue, c.language, now)
        return ahead + 1, estimated_wait(queue, capacity, ahead + 1)

    # -- the customer's side -------------------------------------------------------------------------

    def request(self, conversation_id: str, actor: str = "customer") -> Transition:
        """Route a conversation the dialogue handed over: into a queue, or to the message offer."""
        now = utcnow()
        with self.sessions.begin() as db:
            c = db.get(Conversation, conversation_id)
            if c is None:
                raise ConversationNotFound(conversation_id)
            if c.state in HUMAN_STATES:  # already with the contact centre: nothing to route
                return Transition(c, [])
            chosen: Route = route(self.topic(db, c.id), c.region, now,
                                  lambda q: self.capacity(db, q, c.language, now))
            lang, name = c.language, chosen.queue.name(c.language)
            c.queue = chosen.queue.id
            db.add(HandoffEvent(conversation_id=c.id, kind="requested", actor=actor, to_queue=chosen.queue.id,
                                note=chosen.reason))
            if chosen.available:
                c.state, c.queued_at = "queued", now
                db.add(HandoffEvent(conversation_id=c.id, kind="queued", actor="bot", to_queue=chosen.queue.id))
                items = [_system(lang, "queued", {"queue": chosen.queue.id, "queue_name": name,
                                                  "position": chosen.position, "wait_minutes": chosen.wait_minutes},
                                 queue=name, position=chosen.position, minutes=chosen.wait_minutes)]
            else:
                c.state = "no_agents"
                db.add(HandoffEvent(conversation_id=c.id, kind="no_agents", actor="bot", to_queue=chosen.queue.id,
                                    note=chosen.reason))
                opens = chosen.queue.hours.next_opening(now) if chosen.reason == "closed" else None
                why = gettext(lang, TEXTS["closed_hours"], queue=name, when=when(opens, lang)) if opens else \
                    gettext(lang, TEXTS["unavailable" if chosen.reason == "closed" else "busy"], queue=name)
                items = [{"text": f"{why} {gettext(lang, TEXTS['offer'])}", "event": "no_agents",
                          "details": {"queue": chosen.queue.id, "queue_name": name, "reason": chosen.reason},
                          "buttons": [{"title": gettext(lang, TEXTS["leave_message"]), "payload": "/leave_message"},
                                      {"title": gettext(lang, TEXTS["callback"]), "payload": "/callback"}]}]
        return self._say(conversation_id, items)

    def leave_message(self, conversation_id: str, client_id: str | None, kind: str, email: object,
                      phone: object, text: object) -> Transition:
        """A message to be answered by email, or a call-back request, left in the conversation's queue."""
        email = email.strip() if isinstance(email, str) else ""
        phone = phone.strip() if isinstance(phone, str) else ""
        text = " ".join(text.split()) if isinstance(text, str) else ""
        if kind not in ("message", "callback"):
            raise InvalidMessage("invalid_frame")
        if kind == "message" and not EMAIL.match(email):
            raise InvalidMessage("invalid_email")
        if kind == "callback" and not PHONE.match(phone):
            raise InvalidMessage("invalid_phone")
        if kind == "message" and not text:
            raise InvalidMessage("empty_message")
        if client_id and (previous := self.service.previous(conversation_id, client_id)):
            raise DuplicateMessage(previous)  # a resend after a lost ack, whatever happened since
        if self.service.load(conversation_id).state in HUMAN_STATES:  # a person is already on it
            raise InvalidMessage("invalid_frame")
        text = self.service.clean(text) if text else "📞"
        _, customer = self.service.accept(conversation_id, text, client_id)
        state = "message_left" if kind == "message" else "callback_requested"
        with self.sessions.begin() as db:
            c = db.get(Conversation, conversation_id)
            if c.queue not in queues():  # left without a routing first (e.g. straight from the widget)
                c.queue = route(self.topic(db, c.id), c.region, utcnow(), lambda q: Capacity(0, 0, 0)).queue.id
            c.state, c.queued_at, c.agent_id = state, utcnow(), None
            c.contact = {"email": email} if kind == "message" else {"phone": phone}
            db.add(HandoffEvent(conversation_id=c.id, kind=state, actor="customer", to_queue=c.queue))
            lang, queue = c.language, c.queue
        name = queues()[queue].name(lang)
        details = {"queue": queue, "queue_name": name}
        transition = self._say(conversation_id, [_system(lang, state, details, queue=name, email=email, phone=phone)])
        transition.messages.insert(0, customer)
        return transition

    # -- the agent's side ----------------------------------------------------------------------------

    def _held(self, db: Session, conversation_id: str, user: User) -> Conversation:
        c = db.get(Conversation, conversation_id)
        if c is None:
            raise ConversationNotFound(conversation_id)
        if c.state != "agent" or (c.agent_id != user.id and user.role not in ("supervisor", "admin")):
            raise NotAllowed("not_held")
        return c

    def check_held(self, conversation_id: str, user: User) -> None:
        with self.sessions() as db:
            self._held(db, conversation_id, user)

    def claim(self, conversation_id: str, user: User) -> Transition:
        with self.sessions() as db:
            c = db.get(Conversation, conversation_id)
            if c is None:
                raise ConversationNotFound(conversation_id)
            if not may_claim(user, c):
                raise NotAllowed("not_allowed")
        with self.sessions.begin() as db:
            won = db.execute(update(Conversation).where(
                Conversation.id == conversation_id, Conversation.state.in_(WAITING), Conversation.agent_id.is_(None),
                Conversation.queue == c.queue).values(state="agent", agent_id=user.id)).rowcount
            if won != 1:
                raise AlreadyClaimed(conversation_id)
            db.add(HandoffEvent(conversation_id=conversation_id, kind="claimed", actor=user.username,
                                from_queue=c.queue))
        return self._say(conversation_id, [_system(c.language, "agent_joined", {"agent": user.name}, agent=user.name)])

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
        return self.service.append(conversation_id, "agent", [
            {"text": clean, "language": c.language, "author": user.name, "internal": bool(internal)}])[0]

    def transfer(self, conversation_id: str, user: User, queue_id: object, note: object) -> Transition:
        if queue_id not in queues():
            raise InvalidMessage("unknown_queue")
        note, now = _note(note), utcnow()
        with self.sessions.begin() as db:
            c = self._held(db, conversation_id, user)
            previous, c.queue, c.state, c.agent_id, c.queued_at = c.queue, queue_id, "queued", None, now
            c.agent_typing_until = None
            db.add(HandoffEvent(conversation_id=c.id, kind="transferred", actor=user.username, from_queue=previous,
                                to_queue=queue_id, note=note))
            ahead = self.ahead(db, c)
            lang = c.language
        name = queues()[queue_id].name(lang)
        items = [_system(lang, "transferred", {"agent": user.name, "queue": queue_id, "queue_name": name,
                                               "position": ahead + 1}, agent=user.name, queue=name, position=ahead + 1)]
        if note:
            items.append({"text": note, "author": user.name, "internal": True, "sender": "agent"})
        return self._say(conversation_id, items)

    def return_to_bot(self, conversation_id: str, user: User, note: object = None) -> Transition:
        return self._release(conversation_id, user, "bot", "returned", "returned_to_bot", None, note)

    def close(self, conversation_id: str, user: User, outcome: object, note: object = None) -> Transition:
        if outcome not in OUTCOMES:
            raise InvalidMessage("unknown_outcome")
        return self._release(conversation_id, user, "closed", "closed", "closed", outcome, note)

    def _release(self, conversation_id: str, user: User, state: str, kind: str, event: str,
                 outcome: str | None, note: object) -> Transition:
        note = _note(note)
        with self.sessions.begin() as db:
            c = self._held(db, conversation_id, user)
            c.state, c.agent_id, c.agent_typing_until, c.failed_turns = state, None, None, 0
            db.add(HandoffEvent(conversation_id=c.id, kind=kind, actor=user.username, from_queue=c.queue,
                                note=note, outcome=outcome))
            lang = c.language
        return self._say(conversation_id, [_system(lang, event, {"agent": user.name}, agent=user.name)])

    def _say(self, conversation_id: str, items: list[dict]) -> Transition:
        """Store the step's messages (system ones by default) after the conversation's last one."""
        stored = []
        for item in items:
            sender = item.pop("sender", "system")
            stored += self.service.append(conversation_id, sender, [item])
        return Transition(self.service.load(conversation_id), stored)


def _note(note: object) -> str | None:
    """An agent's note for the record, identity codes masked; None when there is none."""
    return mask_personal_codes(note.strip())[0] if isinstance(note, str) and note.strip() else None


def _system(lang: str, event: str, details: dict, **values: object) -> dict:
    return {"text": gettext(lang, TEXTS[event], **values), "event": event, "details": details}
