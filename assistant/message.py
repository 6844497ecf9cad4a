"""Typed bot messages: what every channel renders (text, quick-reply buttons, the cited service)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Button:
    title: str
    payload: str  # sent back as the customer's message when clicked


@dataclass
class BotMessage:
    text: str
    buttons: list[Button] = field(default_factory=list)
    service: str | None = None
    source_url: str | None = None
    understood: dict | None = None

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
