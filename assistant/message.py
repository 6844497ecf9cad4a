"""Typed messages between modules: what the bot says (`BotMessage`), and what is to be stored (`MessageDraft`).

Channels render these (buttons as quick replies in the web chat, as links or lines in email; a catalogue
answer's `ServiceAnswer` as a heading, a short answer and folded sections); the database row
(`assistant.models.Message`) is made from a draft in one place, `ConversationService.append`.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Sender(StrEnum):
    CUSTOMER = "customer"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"  # status events: queued, agent joined, closed, …


@dataclass(frozen=True)
class Button:
    title: str
    payload: str  # sent back as the customer's message when clicked


@dataclass(frozen=True)
class Payload:
    """A button's payload as the customer sends it back: `/intent` or `/intent{"entity": "value", …}`
    (the form Rasa reads as an intent with entities)."""
    intent: str
    entities: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"/{self.intent}" + (json.dumps(self.entities, ensure_ascii=False) if self.entities else "")

    @classmethod
    def parse(cls, text: str) -> "Payload | None":
        """The payload in a message's text, or None when the text is not one."""
        text = text.strip()
        if not text.startswith("/") or len(text) < 2:
            return None
        intent, brace, rest = text[1:].partition("{")
        entities: object = {}
        if brace:
            try:
                entities = json.loads(brace + rest)
            except ValueError:
                entities = {}
        return cls(intent.strip(), entities if isinstance(entities, dict) else {})


@dataclass(frozen=True)
class AnswerSection:
    """One folded part of a catalogue answer: a text or a list of items under a label."""
    key: str                    # about | audience | conditions | how_to_apply | provider
    label: str                  # in the conversation's language
    text: str | None = None
    items: tuple[str, ...] = ()
    open: bool = False          # shown unfolded: it answers the question asked, with the short answer

    def as_dict(self) -> dict:
        body: dict = {"items": list(self.items)} if self.text is None else {"text": self.text}
        return {"key": self.key, "label": self.label, **body, "open": self.open}

    @classmethod
    def from_dict(cls, data: dict) -> "AnswerSection":
        text = data.get("text")
        return cls(str(data.get("key") or ""), str(data.get("label") or ""),
                   str(text) if text is not None else None,
                   tuple(str(i) for i in data.get("items") or ()) if text is None else (), bool(data.get("open")))


@dataclass(frozen=True)
class ServiceAnswer:
    """A catalogue answer as fields: the title, a short answer to the question asked (`facet`), the rest of
    the description in ordered sections, the source link and the review date."""
    service: str
    facet: str                  # nlu.facets.Facet: what the short answer answers
    title: str
    short: str
    sections: tuple[AnswerSection, ...]
    source_url: str
    reviewed: dt.date
    source_label: str = ""      # "More information", in the conversation's language
    reviewed_text: str = ""     # "Content reviewed on 1.12.2026.", likewise
    note: str | None = None     # e.g. that an English conversation gets the Finnish description

    def as_dict(self) -> dict:
        data = {"service": self.service, "facet": self.facet, "title": self.title, "short": self.short,
                "sections": [s.as_dict() for s in self.sections], "source_url": self.source_url,
                "source_label": self.source_label, "reviewed": self.reviewed.isoformat(),
                "reviewed_text": self.reviewed_text}
        return {**data, "note": self.note} if self.note else data

    @classmethod
    def from_dict(cls, data: dict) -> "ServiceAnswer":
        return cls(str(data["service"]), str(data.get("facet") or "summary"), str(data.get("title") or ""),
                   str(data.get("short") or ""), tuple(AnswerSection.from_dict(s) for s in data.get("sections") or ()),
                   str(data.get("source_url") or ""), dt.date.fromisoformat(str(data["reviewed"])),
                   str(data.get("source_label") or ""), str(data.get("reviewed_text") or ""), data.get("note") or None)


@dataclass
class BotMessage:
    text: str                   # complete on its own: what a text-only channel shows
    buttons: list[Button] = field(default_factory=list)
    service: str | None = None
    source_url: str | None = None
    understood: dict | None = None  # Understanding.as_dict(): what the bot read, shown to agents
    answer: ServiceAnswer | None = None

    def as_dict(self) -> dict:
        data = asdict(self)
        data["answer"] = self.answer.as_dict() if self.answer else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "BotMessage":
        answer = data.get("answer")
        return cls(
            text=str(data.get("text") or ""),
            buttons=[Button(str(b.get("title", "")), str(b.get("payload", ""))) for b in data.get("buttons") or []],
            service=data.get("service"),
            source_url=data.get("source_url"),
            understood=data.get("understood"),
            answer=ServiceAnswer.from_dict(answer) if isinstance(answer, dict) else None,
        )

    def draft(self, language: str) -> "MessageDraft":
        return MessageDraft(Sender.BOT, self.text, language=language, buttons=list(self.buttons),
                            service=self.service, source_url=self.source_url, understood=self.understood,
                            answer=self.answer)


@dataclass
class MessageDraft:
    """A message about to be stored: the next sequence number is given when it is."""
    sender: Sender
    text: str
    language: str | None = None
    buttons: list[Button] = field(default_factory=list)
    service: str | None = None
    source_url: str | None = None
    understood: dict | None = None
    answer: ServiceAnswer | None = None  # a catalogue answer's fields (the text is its plain version)
    event: str | None = None          # system messages: queued, agent_joined, closed, …
    details: dict | None = None
    author: str | None = None         # an agent's display name
    internal: bool = False            # an agent's private note: never to the customer
    client_id: str | None = None      # the channel's id of a customer message (idempotency)
    turn: dict | None = None          # a customer message's bot turn columns (assistant.turns.claimed / done)

    @property
    def for_customer(self) -> bool:
        return not self.internal and self.sender != Sender.CUSTOMER

    def columns(self) -> dict:
        """The row's values; unset ones are left out, so JSON columns hold SQL NULL rather than JSON null."""
        values = {"sender": self.sender.value, "text": self.text, "language": self.language,
                "buttons": [asdict(b) for b in self.buttons] or None, "service": self.service,
                "source_url": self.source_url, "understood": self.understood,
                "answer": self.answer.as_dict() if self.answer else None, "event": self.event,
                "details": self.details, "author": self.author, "internal": self.internal,
                "client_id": self.client_id, **(self.turn or {})}
        return {key: value for key, value in values.items() if value is not None}
