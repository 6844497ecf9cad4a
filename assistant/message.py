"""Typed messages between modules: what the bot says (`BotMessage`), and what is to be stored (`MessageDraft`).

Channels render these (buttons as quick replies in the web chat, as links or lines in email); the
database row (`assistant.models.Message`) is made from a draft in one place, `ConversationService.append`.
"""
from __future__ import annotations

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


@dataclass
class BotMessage:
    text: str
    buttons: list[Button] = field(default_factory=list)
    service: str | None = None
    source_url: str | None = None
    understood: dict | None = None  # Understanding.as_dict(): what the bot read, shown to agents

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "BotMessage":
        return cls(
            text=str(data.get("text") or ""),
            buttons=[Button(str(b.get("title", "")), str(b.get("payload", ""))) for b in data.get("buttons") or []],
            service=data.get("service"),
            source_url=data.get("source_url"),
            understood=data.get("understood"),
        )

    def draft(self, language: str) -> "MessageDraft":
        return MessageDraft(Sender.BOT, self.text, language=language, buttons=list(self.buttons),
                            service=self.service, source_url=self.source_url, understood=self.understood)


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
    event: str | None = None          # system messages: queued, agent_joined, closed, …
    details: dict | None = None
    author: str | None = None         # an agent's display name
    internal: bool = False            # an agent's private note: never to the customer
    client_id: str | None = None      # the channel's id of a customer message (idempotency)

    @property
    def for_customer(self) -> bool:
        return not self.internal and self.sender != Sender.CUSTOMER

    def columns(self) -> dict:
        """The row's values; unset ones are left out, so JSON columns hold SQL NULL rather than JSON null."""
        values = {"sender": self.sender.value, "text": self.text, "language": self.language,
                "buttons": [asdict(b) for b in self.buttons] or None, "service": self.service,
                "source_url": self.source_url, "understood": self.understood, "event": self.event,
                "details": self.details, "author": self.author, "internal": self.internal,
                "client_id": self.client_id}
        return {key: value for key, value in values.items() if value is not None}
