"""The web chat channel: a websocket per browser tab, speaking the protocol of docs/protocol.md.

The input side turns frames into calls on the assistant's ConversationService; the output side
(`WebChatOutput`) renders stored messages as frames and marks their outbox items sent once the socket
took them. The channel keeps no conversation state of its own: a reconnect to any worker resumes from the
database, and what other workers store (an agent's reply, a transfer) reaches the socket through the Hub.
"""
from __future__ import annotations

import asyncio
import logging
import time

from anyio import to_thread
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from assistant import tokens
from assistant.api import ERRORS, message_json
from assistant.app import Assistant
from assistant.conversation import ConversationNotFound, ConversationService, DuplicateMessage, InvalidMessage
from assistant.i18n import N_, gettext
from assistant.limits import Limits, Refused
from assistant.models import Message
from assistant.outbox import Outbox, OutputChannel
from assistant.states import HUMAN, State
from assistant.updates import Hub
from channels import frames
from channels.sites import Sites

log = logging.getLogger("neuvo.webchat")

WS_ERRORS = {
    "invalid_json": N_("The frame is not valid JSON."),
    "invalid_frame": N_("Unknown or incomplete frame."),
    "frame_too_large": N_("The frame is too large."),
    "not_started": N_("Start or resume a conversation first."),
    "invalid_token": N_("This conversation cannot be resumed."),
    "invalid_id": N_("A message needs an id of at most 64 characters."),
    "invalid_email": N_("Please give a valid email address."),
    "invalid_phone": N_("Please give a valid phone number."),
    "too_many_connections": N_("Too many chat windows are open from your address. Close some and try again."),
}
TYPING_EVERY_S = 2.0  # a customer's typing frames are stored at most this often (the widget sends one per 3 s)


class WebChatOutput(OutputChannel):
    """Web chat customers are reached on their open socket: buttons are quick replies, links stay links."""
    name = "webchat"

    def render(self, message: Message) -> dict:
        frame = {"type": "message", **message_json(message)}
        if message.client_id:
            frame["id"] = message.client_id
        return frame


OUTPUT = WebChatOutput()


class ChatSession:
    """One websocket connection: which conversation it speaks for, in which language."""

    def __init__(self, ws: WebSocket, service: ConversationService, hub: Hub, outbox: Outbox, limits: Limits):
        self.ws, self.service, self.hub, self.outbox, self.limits = ws, service, hub, outbox, limits
        self.address = ws.client.host if ws.client else "unknown"
        self.typed_at = 0.0
        self.settings = service.settings
        self.key = service.settings.signing_key()
        self.conversation_id: str | None = None
        asked = ws.query_params.get("lang")
        self.language: str = asked if asked in ("fi", "sv", "en") else "fi"
        self.lock = asyncio.Lock()  # one sender at a time: a frame's handling (ack before replies) or the follower
        self.sent: set[int] = set()  # seqs sent on this socket
        self.delivered = 0           # every seq up to this one was sent or is not for the customer
        self.follower: asyncio.Task | None = None
        self.position: tuple[int, int] | None = None
        self.agent_typing = False
        self.state = State.BOT.value

    async def send(self, messages: list[Message]) -> None:
        """Send stored messages not yet sent on this socket (the caller holds the lock), then mark them
        delivered in the outbox."""
        sent = []
        for m in messages:
            if m.seq not in self.sent and not m.internal:
                self.sent.add(m.seq)
                await self.ws.send_json(OUTPUT.render(m))
                sent.append(m.seq)
        if sent and self.conversation_id is not None:
            await to_thread.run_sync(self.outbox.mark_sent, self.conversation_id, sent, OUTPUT.name)

    def follow(self, conversation_id: str, after_seq: int, state: str) -> None:
        self.conversation_id, self.delivered, self.state = conversation_id, after_seq, state
        if self.follower is None:
            self.follower = asyncio.get_running_loop().create_task(self._follow())

    async def _follow(self) -> None:
        """Forward what others store in this conversation (agents, transfers), and the queue position."""
        conversation_id = self.conversation_id
        assert conversation_id is not None  # follow() is called once the conversation is known
        subscription = self.hub.subscribe(conversation_id)
        try:
            while True:
                change = await subscription.next(timeout=3.0)  # a queue position changes with others' claims
                async with self.lock:
                    if change is not None:
                        self.state = change.state
                        if change.last_seq > self.delivered:
                            _, missed = await to_thread.run_sync(self.service.history, conversation_id,
                                                                 self.delivered)
                            await self.send(missed)
                            self.delivered = max([self.delivered, *(m.seq for m in missed)])
                        if change.agent_typing != self.agent_typing:
                            self.agent_typing = change.agent_typing
                            await self.ws.send_json({"type": "typing", "from": "agent", "on": change.agent_typing})
                    if self.state == State.QUEUED or self.position is not None:
                        await self._queue_position(conversation_id)
        except (WebSocketDisconnect, RuntimeError, ConnectionError):
            return
        finally:
            subscription.close()

    async def _queue_position(self, conversation_id: str) -> None:
        desk = self.service.desk
        position = await to_thread.run_sync(desk.position, conversation_id) if desk else None
        if position is not None and position != self.position:
            await self.ws.send_json({"type": "status", "event": "queue_position", "position": position[0],
                                     "wait_minutes": position[1]})
        self.position = position

    def stop(self) -> None:
        if self.follower is not None:
            self.follower.cancel()

    async def error(self, code: str, client_id: str | None = None, retry_after: int | None = None) -> None:
        """An error frame in the conversation's language; `id` names the refused message, if there was one."""
        text = WS_ERRORS.get(code) or ERRORS.get(code) or WS_ERRORS["invalid_frame"]
        frame: dict = {"type": "error", "code": code,
                       "message": gettext(self.language, text, limit=self.settings.max_message_chars,
                                          seconds=retry_after)}
        if client_id is not None:
            frame["id"] = client_id
        if retry_after is not None:
            frame["retry_after"] = retry_after
        await self.ws.send_json(frame)

    async def refused(self, client_id: str | None, refusal: Refused) -> None:
        await self.error("rate_limited", client_id, refusal.retry_after)

    async def start(self, frame: frames.Start) -> None:
        if refusal := await to_thread.run_sync(self.limits.conversation, self.address):
            await self.refused(None, refusal)
            return
        try:
            conversation = await self.service.start(frame.lang, frame.region, channel="webchat", default=self.language)
        except InvalidMessage as exc:
            await self.error(exc.code)
            return
        self.language = conversation.language
        await self.ws.send_json({"type": "started", "conversation_id": conversation.id,
                                 "token": tokens.issue(self.key, conversation.id, self.settings.token_ttl_s),
                                 "language": conversation.language})
        self.follow(conversation.id, 0, conversation.state)

    async def resume(self, frame: frames.Resume) -> None:
        conversation_id, last_seq = tokens.verify(self.key, frame.token), frame.last_seq
        if conversation_id is None:
            await self.error("invalid_token")
            return
        try:
            conversation, missed = await to_thread.run_sync(self.service.history, conversation_id, last_seq)
        except ConversationNotFound:
            await self.error("invalid_token")
            return
        self.language = conversation.language
        self.conversation_id = conversation.id
        await self.ws.send_json({"type": "resumed", "conversation_id": conversation.id,
                                 "token": tokens.issue(self.key, conversation.id, self.settings.token_ttl_s),
                                 "language": conversation.language, "state": conversation.state})
        await self.send(missed)
        self.follow(conversation.id, max([last_seq, *(m.seq for m in missed)]), conversation.state)

    async def message(self, frame: frames.CustomerText) -> None:
        client_id, text = frame.id, frame.text
        if self.conversation_id is None:
            await self.error("not_started", client_id)
            return
        if refusal := await to_thread.run_sync(self.limits.message, self.conversation_id, self.address):
            await self.refused(client_id, refusal)
            return
        conversation = await to_thread.run_sync(self.service.load, self.conversation_id)
        bot_turn = conversation.state not in HUMAN  # a person answers: no bot typing either
        if bot_turn:
            await self.ws.send_json({"type": "typing", "from": "bot", "on": True})
        try:
            turn = await self.service.post(self.conversation_id, text, client_id)
        except DuplicateMessage as exc:
            await self.ws.send_json({"type": "ack", "id": client_id, "seq": exc.message.seq, "duplicate": True})
            recovered = await self.service.retry(exc.message)  # its turn, if a crash left it unfinished
            if recovered is not None:
                await self.send(recovered.messages)
        except InvalidMessage as exc:
            await self.error(exc.code, client_id)
        else:
            await self.deliver(client_id, turn.customer_message, turn.messages, turn.conversation.language)
        finally:  # the turn is over: its frames are all sent
            if bot_turn:
                await self.ws.send_json({"type": "typing", "from": "bot", "on": False})

    async def deliver(self, client_id: str, customer: Message, messages: list[Message], language: str) -> None:
        """Acknowledge with the id the client sent (the stored one may be a digest) and send the replies."""
        self.language = language
        self.sent.add(customer.seq)
        await self.ws.send_json({"type": "ack", "id": client_id, "seq": customer.seq, "duplicate": False})
        await self.send(messages)

    async def leave_message(self, frame: frames.LeaveMessage) -> None:
        """A message to be answered by email, or a call-back request (docs/handoff.md)."""
        client_id = frame.id
        if self.conversation_id is None or self.service.desk is None:
            await self.error("not_started", client_id)
            return
        if refusal := await to_thread.run_sync(self.limits.message, self.conversation_id, self.address):
            await self.refused(client_id, refusal)
            return
        try:
            left = await to_thread.run_sync(self.service.desk.leave_message, self.conversation_id, client_id,
                                            frame.kind, frame.email, frame.phone, frame.text)
        except DuplicateMessage as exc:
            await self.ws.send_json({"type": "ack", "id": client_id, "seq": exc.message.seq, "duplicate": True})
        except InvalidMessage as exc:
            await self.error(exc.code, client_id)
        else:
            await self.deliver(client_id, left.messages[0], left.messages[1:], left.conversation.language)

    async def typing(self, frame: frames.Typing) -> None:
        """Stored for the agent to see; a burst of typing frames costs one write per TYPING_EVERY_S."""
        now = time.monotonic()
        if self.conversation_id is not None and (not frame.on or now - self.typed_at >= TYPING_EVERY_S):
            self.typed_at = now if frame.on else 0.0
            await to_thread.run_sync(self.service.set_typing, self.conversation_id, "customer", frame.on)

    async def handle(self, raw: str) -> None:
        if len(raw.encode("utf-8", "surrogatepass")) > self.settings.max_frame_bytes:
            await self.error("frame_too_large")
            return
        frame = frames.parse(raw)
        if isinstance(frame, frames.BadFrame):
            await self.error(frame.code, frame.id)
        elif isinstance(frame, frames.Ping):
            await self.ws.send_json({"type": "pong"})
        else:
            async with self.lock:
                try:
                    await self.dispatch(frame)
                except (WebSocketDisconnect, RuntimeError, ConnectionError):
                    raise  # the socket is gone: nothing to answer
                except Exception:  # a bug or a failing database: the customer is told, the socket stays
                    log.exception("a %s frame failed", frame.type)
                    await self.error("internal", getattr(frame, "id", None))

    async def dispatch(self, frame: frames.Frame) -> None:
        if isinstance(frame, frames.Start):
            await self.start(frame)
        elif isinstance(frame, frames.Resume):
            await self.resume(frame)
        elif isinstance(frame, frames.CustomerText):
            await self.message(frame)
        elif isinstance(frame, frames.LeaveMessage):
            await self.leave_message(frame)
        elif isinstance(frame, frames.Typing):
            await self.typing(frame)


def router(parts: Assistant) -> APIRouter:
    service, limits = parts.service, parts.limits
    sites = Sites(parts.settings, parts.sessions)
    parts.outbox.register(OUTPUT)
    api = APIRouter()

    @api.websocket("/ws/chat")
    async def chat(ws: WebSocket) -> None:
        origin = ws.headers.get("origin")
        if not await to_thread.run_sync(sites.allows, origin):  # the widget checks first (/widget/config.json)
            log.warning("refused a web chat connection from origin %s: not on the embedding allow-list "
                        "(assistant sites allow)", origin)
            await ws.close(code=1008)  # before accept: the handshake is refused with HTTP 403
            return
        await ws.accept()
        session = ChatSession(ws, service, parts.hub, parts.outbox, limits)
        lease = await to_thread.run_sync(limits.open_socket, session.address)
        if isinstance(lease, Refused):  # told in the page's language, then closed: "try again later"
            await session.error("too_many_connections", retry_after=lease.retry_after)
            await ws.close(code=1013)
            return
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
        finally:
            session.stop()
            await to_thread.run_sync(limits.close_socket, lease)

    return api
