"""Which websites may embed the widget: the allow-list of host page origins.

A site owner's page loads widget.js from us; its browser then fetches the widget's strings and opens the
chat websocket with the page's `Origin`. Only origins on this list get CORS access and a websocket.
The list is the app's own origins, `WIDGET_ORIGINS` and the rows added with `assistant sites allow`
(stored, so every worker sees a change at once and no restart is needed).
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from assistant.models import Base, UTCDateTime, utcnow
from assistant.settings import Settings

DEFAULT_PORTS = {"http": 80, "https": 443}


class EmbeddingSite(Base):
    """An origin whose pages may embed the widget."""
    __tablename__ = "embedding_sites"

    origin: Mapped[str] = mapped_column(String(300), primary_key=True)
    note: Mapped[str | None] = mapped_column(String(200))  # whose site it is, for the admin
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InvalidOrigin(ValueError):
    pass


def normalise(text: str) -> str:
    """`https://www.Kunta.fi/` → `https://www.kunta.fi`: the form a browser sends in its Origin header."""
    value = text.strip()
    parts = urlsplit(value)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise InvalidOrigin(f"{value!r} is not an origin: write it as https://www.example.fi")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise InvalidOrigin(f"{value!r}: an origin is scheme, host and port only, without a path "
                            f"(e.g. {parts.scheme}://{parts.hostname})")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
        port = parts.port
    except (UnicodeError, ValueError) as exc:
        raise InvalidOrigin(f"{value!r}: {exc}") from None
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != DEFAULT_PORTS[parts.scheme] else "")


class Sites:
    """The allow-list, read on every check (one indexed lookup): a site added or removed counts at once."""

    def __init__(self, settings: Settings, sessions: sessionmaker):
        self.sessions = sessions
        self.configured = frozenset({*settings.origins, *(normalise(o) for o in settings.widget_origins)})

    def allows(self, origin: str | None) -> bool:
        """No Origin: the page is our own (same-origin requests) or the client is not a browser."""
        if origin is None or origin in self.configured:
            return True
        with self.sessions() as db:
            return db.get(EmbeddingSite, origin) is not None

    def allow(self, origin: str, note: str | None = None) -> str:
        origin = normalise(origin)
        with self.sessions.begin() as db:
            site = db.get(EmbeddingSite, origin)
            if site is None:
                db.add(EmbeddingSite(origin=origin, note=note))
            elif note:
                site.note = note
        return origin

    def revoke(self, origin: str) -> bool:
        with self.sessions.begin() as db:
            site = db.get(EmbeddingSite, normalise(origin))
            if site is not None:
                db.delete(site)
            return site is not None

    def listed(self) -> list[EmbeddingSite]:
        with self.sessions() as db:
            return list(db.scalars(select(EmbeddingSite).order_by(EmbeddingSite.origin)))
