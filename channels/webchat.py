"""The web chat channel: a websocket per browser tab, speaking the protocol of docs/protocol.md.

The channel turns frames into calls on the assistant's ConversationService and the stored messages into
frames. It keeps no conversation state of its own: a reconnect to any worker resumes from the database.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging

from anyio import to_thread
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from assistant.api import ERRORS, message_json
from assistant.conversation import ConversationNotFound, ConversationService, DuplicateMessage, InvalidMessage
from assistant.i18n import N_, gettext
from assistant.models import Message

log = logging.getLogger("neuvo.webchat")

WS_ERRORS = {
    "invalid_json": N_("The frame is not valid JSON."),
    "invalid_frame": N_("Unknown or incomplete frame."),
    "frame_too_large": N_("The frame is too large."),
    "not_started": N_("Start or resume a conversation first."),
    "invalid_token": N_("This conversation cannot be resumed."),
    "invalid_id": N_("A message needs an id of at most 64 characters."),
}
MAX_ID = 64


def sign(key: bytes, conversation_id: str) -> str:
    digest = hmac.new(key, conversation_id.encode(), hashlib.sha256).digest()
    return f"{conversation_id}.{base64.urlsafe_b64encode(digest).decode().rstrip('=')}"


def verify(key: bytes, token: object) -> str | None:
    """The conversation id a resume token was issued for, or None for a forged or altered token."""
    if not isinstance(token, str) or "." not in token:
        return None
    conversation_id = token.rsplit(".", 1)[0]
    return conversation_id if hmac.compare_digest(sign(key, conversation_id), token) else None


def message_frame(m: Message) -> dict:
    frame = {"type": "message", **message_json(m)}
    if m.client_id:
        frame["id"] = m.client_id
    return frame


class ChatSession:
    """One websocket connection: which conversation it speaks for, in which language."""

    def __init__(self, ws: WebSocket, service: ConversationService):
        self.ws, self.service = ws, service
        self.key = service.settings.signing_key()
        self.conversation_id: str | None = None
        self.language = ws.query_params.get("lang") if ws.query_params.get("lang") in ("fi", "sv", "en") else "fi"

    async def error(self, code: str) -> None:
        text = WS_ERRORS.get(code) or ERRORS.get(code) or WS_ERRORS["invalid_frame"]
        await self.ws.send_json({"type": "error", "code": code,
                                 "message": gettext(self.language, text, limit=self.service.settings.max_message_chars)})

    async def start(self, frame: dict) -> None:
        try:
            conversation = await self.service.start(frame.get("lang"), frame.get("region"), channel="webchat")
        except InvalidMessage as exc:
            await self.error(exc.code)
            return
        self.conversation_id, self.language = conversation.id, conversation.language
        await self.ws.send_json({"type": "started", "conversation_id": conversation.id,
                                 "token": sign(self.key, conversation.id), "language": conversation.language})

    async def resume(self, frame: dict) -> None:
        conversation_id = verify(self.key, frame.get("token"))
        last_seq = frame.get("last_seq", 0)
        if conversation_id is None or not isinstance(last_seq, int):
            await self.error("invalid_token")
            return
        try:
            conversation, missed = await to_thread.run_sync(self.service.history, conversation_id, last_seq)
        except ConversationNotFound:
            await self.error("invalid_token")
            return
        self.conversation_id, self.language = conversation.id, conversation.language
        await self.ws.send_json({"type": "resumed", "conversation_id": conversation.id,
                                 "language": conversation.language, "state": conversation.state})
        for m in missed:
            await self.ws.send_json(message_frame(m))

    async def message(self, frame: dict) -> None:
        client_id, text = frame.get("id"), frame.get("text")
        if self.conversation_id is None:
            await self.error("not_started")
            return
        if not isinstance(client_id, str) or not 0 < len(client_id) <= MAX_ID:
            await self.error("invalid_id")
            return
        await self.ws.send_json({"type": "typing", "from": "bot", "on": True})
        try:
            turn = await self.service.post(self.conversation_id, text, client_id)
        except DuplicateMessage as exc:
            await self.ws.send_json({"type": "ack", "id": client_id, "seq": exc.message.seq, "duplicate": True})
        except InvalidMessage as exc:
            await self.error(exc.code)
        else:
            self.language = turn.conversation.language
            await self.ws.send_json({"type": "ack", "id": client_id, "seq": turn.customer_message.seq, "duplicate": False})
            for m in turn.messages:
                await self.ws.send_json(message_frame(m))
            if turn.conversation.state == "handoff_requested":
                await self.ws.send_json({"type": "status", "event": "handoff_requested"})
        finally:  # the turn is over: its frames are all sent
            await self.ws.send_json({"type": "typing", "from": "bot", "on": False})

    async def handle(self, raw: str) -> None:
        if len(raw.encode()) > self.service.settings.max_frame_bytes:
            await self.error("frame_too_large")
            return
        try:
            frame = json.loads(raw)
        except ValueError:
            await self.error("invalid_json")
            return
        kind = frame.get("type") if isinstance(frame, dict) else None
        handler = {"start": self.start, "resume": self.resume, "message": self.message}.get(kind)
        if kind == "ping":
            await self.ws.send_json({"type": "pong"})
        elif handler is None:
            await self.error("invalid_frame")
        else:
            await handler(frame)


def router(service: ConversationService) -> APIRouter:
    api = APIRouter()

    @api.websocket("/ws/chat")
    async def chat(ws: WebSocket) -> None:
        origin = ws.headers.get("origin")
        if origin is not None and origin not in service.settings.origins:
            log.warning("refused a web chat connection from origin %s", origin)
            await ws.close(code=1008)  # before accept: the handshake is refused with HTTP 403
            return
        await ws.accept()
        session = ChatSession(ws, service)
        try:
            while True:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    return
                raw = message.get("text")
                if raw is None:
                    raw = (message.get("bytes") or b"").decode("utf-8", errors="replace")
                await session.handle(raw)
        except (WebSocketDisconnect, RuntimeError):  # closed mid-turn: what was stored is replayed on resume
            return

    return api
