"""The agent console: its page, its JSON API and its live-update websocket (docs/handoff.md).

Only a logged-in contact-centre account gets anything here: a session cookie (HttpOnly, SameSite=Strict)
plus a CSRF token on every change, an Origin check, and per-conversation access rules (handoff.agents).
A customer's resume token opens nothing here.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal

from anyio import to_thread
from fastapi import APIRouter, Depends, Request, WebSocket
from fastapi import Path as PathParameter
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field, StrictBool
from sqlalchemy import select

from assistant import inputs
from assistant.api import Rendered, client_address, request_language
from assistant.app import Assistant
from assistant.conversation import ConversationNotFound, ConversationService, InvalidMessage
from assistant.i18n import N_, gettext
from assistant.inputs import Text
from assistant.models import Conversation, Message, OutboxItem, utcnow
from assistant.states import WAITING, State
from assistant.updates import is_active
from handoff import agents, labels, schemas
from handoff.console_strings import strings
from handoff.desk import OUTCOMES, AlreadyClaimed, Desk, NotAllowed, visible
from handoff.models import HandoffEvent, Role, User
from handoff.names import Names, names
from nlu.regions import registry

log = logging.getLogger("neuvo.console")
STATIC = Path(__file__).resolve().parent / "static"
COOKIE = "neuvo_console"
CSP = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
ERRORS = {
    "login_required": N_("Please log in."),
    "invalid_login": N_("Wrong username or password."),
    "locked_out": N_("Too many login attempts. Try again in {minutes} min."),
    "forbidden": N_("You may not do that."),
    "csrf": N_("The request could not be verified. Reload the page and try again."),
    "not_found": N_("Conversation not found."),
    "already_claimed": N_("Another agent has already taken this conversation."),
    "not_allowed": N_("This conversation is not in your queues or not in your languages."),
    "not_held": N_("Take the conversation first."),
    "unknown_queue": N_("Unknown queue."),
    "unknown_outcome": N_("Choose an outcome."),
    "invalid_body": N_("The request body must be UTF-8 encoded JSON of the documented form."),
    "empty_message": N_("The message is empty."),
    "message_too_long": N_("The message is too long: at most {limit} characters."),
    "invalid_text": N_("The message text must be a string."),
    "unknown_message": N_("Message not found."),
    "not_labellable": N_("Only the customer's own words can be labelled, not a button they pressed."),
    "unknown_label": N_("Choose a service of the catalogue, or not about growth services."),
}
STATUS = {"login_required": 401, "invalid_login": 401, "forbidden": 403, "csrf": 403, "not_found": 404,
          "already_claimed": 409, "locked_out": 429, "not_allowed": 403, "not_held": 409, "unknown_message": 404}
PREVIEW = 120
ACTOR_NAMES = {"customer": N_("Customer"), "bot": N_("Bot"), "system": N_("System")}  # the trail's non-accounts


Note = Annotated[Text, Field(max_length=4000)]


class Login(BaseModel):
    username: Annotated[Text, Field(min_length=1, max_length=200)]
    password: Annotated[str, Field(max_length=1024)]  # as it was set (no normalisation); a lone surrogate is refused


class StatusChange(BaseModel):
    status: Literal["online", "away", "offline"]


class AgentText(BaseModel):
    text: Text
    internal: StrictBool = False


class TypingChange(BaseModel):
    on: StrictBool = False


class Transfer(BaseModel):
    queue: Annotated[str, Field(max_length=80)] | None = None
    note: Note | None = None


class Release(BaseModel):
    note: Note | None = None


class Closing(BaseModel):
    outcome: Annotated[str, Field(max_length=80)] | None = None
    note: Note | None = None


class Labelling(BaseModel):
    label: Annotated[str, Field(max_length=80)] | None  # a service id or "out_of_scope"; null clears it


def region_name(code: str | None, lang: str) -> str | None:
    return registry().name(code, lang)


def user_json(u: User) -> dict:
    return {"id": u.id, "username": u.username, "name": agents.display_name(u, u.ui_language), "role": u.role,
            "region": u.region, "region_name": region_name(u.region, u.ui_language), "languages": u.languages,
            "topics": u.topics, "max_chats": u.max_chats, "status": u.status, "ui_language": u.ui_language}


class Console:
    """The console's reads and writes for one service (synchronous; endpoints run them in threads)."""

    def __init__(self, service: ConversationService, desk: Desk):
        self.service, self.desk, self.sessions = service, desk, service.sessions

    def names(self, lang: str) -> Names:
        return names(self.service.content, self.desk.queues, lang)

    def visible_queues(self, user: User) -> list:
        return [q for q in self.desk.queues.values() if agents.serves(user, q.id)]

    def queue_view(self, user: User, queue_list=None) -> list[dict]:
        now, lang = utcnow(), user.ui_language
        queue_list = queue_list if queue_list is not None else self.visible_queues(user)
        with self.sessions() as db:
            online, held = agents.online_users(db, now), agents.held_chats(db)
            waiting = db.scalars(select(Conversation).where(Conversation.state.in_(sorted(WAITING)),
                                                            Conversation.queue.in_([q.id for q in queue_list]))
                                 .order_by(Conversation.queued_at)).all()
            items = {c.id: self.summary(db, c, lang) for c in waiting
                     if user.role in (Role.SUPERVISOR, Role.ADMIN) or c.language in user.languages}
        result = []
        for q in queue_list:
            staff = [u for u in online if agents.serves(u, q.id) and u.role != Role.ADMIN]
            mine = [items[c.id] for c in waiting if c.queue == q.id and c.id in items]
            for position, item in enumerate(mine, 1):
                item["position"] = position
            result.append({"id": q.id, "kind": q.kind, "name": q.name(lang), "open": q.hours.is_open(now),
                           "agents_online": len(staff),
                           "free_slots": agents.free_slots(staff, held),
                           "waiting": mine})
        return result

    def summary(self, db, c: Conversation, lang: str) -> dict:
        last = db.scalar(select(Message.text).where(Message.conversation_id == c.id, Message.sender == "customer",
                                                    ~Message.text.startswith("/"))
                         .order_by(Message.seq.desc()).limit(1)) or ""
        entry = self.desk.understood_service(db, c.id)
        since = c.queued_at or c.updated_at
        return {"conversation_id": c.id, "state": c.state, "queue": c.queue,
                "queue_name": self.names(lang).queue(c.queue), "language": c.language,
                "region": c.region, "region_name": region_name(c.region, lang),
                "topic": entry.topic if entry else None, "service": entry.id if entry else None,
                "service_title": entry.text(lang).title if entry else None,
                "waiting_seconds": int((utcnow() - since).total_seconds()),
                "updated_at": c.updated_at.isoformat(), "preview": last[:PREVIEW]}

    def mine(self, user: User) -> list[dict]:
        with self.sessions() as db:
            held = db.scalars(select(Conversation).where(Conversation.agent_id == user.id,
                                                         Conversation.state == State.AGENT)).all()
            return [self.summary(db, c, user.ui_language) for c in held]

    def conversation(self, user: User, conversation_id: str) -> dict:
        lang = user.ui_language
        with self.sessions() as db:
            c = visible(db, user, conversation_id)
            agent = db.get(User, c.agent_id) if c.agent_id else None
            messages = db.scalars(select(Message).where(Message.conversation_id == c.id).order_by(Message.seq)).all()
            events = db.scalars(select(HandoffEvent).where(HandoffEvent.conversation_id == c.id)
                                .order_by(HandoffEvent.id)).all()
            people = agents.display_names(db, {e.actor for e in events} - set(agents.ACTORS), lang)
            marks = labels.of_conversation(db, c.id)
        named = self.names(lang)
        asked: list[str] = []
        for m in messages:
            title = named.service((m.understood or {}).get("service")) if m.sender == "customer" else None
            if title and title not in asked:
                asked.append(title)
        return {
            "conversation": self.conversation_json(c, agent, lang),
            "messages": self.transcript(messages, named, marks),
            "events": [self.event_json(e, people, named) for e in events],
            "context": {"verified": False, "language": c.language, "region": c.region,
                        "region_name": region_name(c.region, lang), "business_id": c.business_id,
                        "channel": c.channel, "contact": c.contact, "services_asked": asked},
            "customer_typing": is_active(c.customer_typing_until, utcnow()),
        }

    @staticmethod
    def event_json(e: HandoffEvent, people: dict[str, str], named: Names) -> dict:
        """One step of the audit trail, its actor by display name (the trail keeps the username)."""
        actor = people.get(e.actor) or gettext(named.lang, ACTOR_NAMES.get(e.actor, agents.UNNAMED))
        return {"kind": e.kind, "actor": actor, "at": e.at.isoformat(),
                "from_queue": e.from_queue, "from_queue_name": named.queue(e.from_queue),
                "to_queue": e.to_queue, "to_queue_name": named.queue(e.to_queue), "note": e.note, "outcome": e.outcome,
                "outcome_title": gettext(named.lang, OUTCOMES[e.outcome]) if e.outcome in OUTCOMES else None}

    @staticmethod
    def transcript(messages, named: Names, marks: dict[int, tuple[str, str]] | None = None) -> list[dict]:
        """The messages as the agent reads them: a button the customer pressed (stored as its payload,
        kept in `payload`) reads as the button's title; a customer message an agent labelled has its label."""
        marks = marks or {}
        result: list[dict] = []
        offered: dict[str, str] = {}  # payload → the title of a button the bot showed
        for m in messages:
            command = m.sender == "customer" and m.text.startswith("/")
            text = named.command(m.text, offered) if command else m.text
            result.append({"seq": m.seq, "from": m.sender, "text": text, "payload": m.text if command else None,
                           "internal": m.internal, "event": m.event, "details": m.details, "author": m.author,
                           "buttons": m.buttons or [],
                           "understood": Console.understood(m.understood, named) if m.sender == "customer" else None,
                           "service": m.service, "at": m.created_at.isoformat(),
                           "labellable": labels.labellable(m),
                           "label": Console.label_json(marks[m.seq], named) if m.seq in marks else None})
            offered.update({b["payload"]: b["title"] for b in m.buttons or [] if b.get("payload") and b.get("title")})
        return result

    @staticmethod
    def label_json(mark: tuple[str, str], named: Names) -> dict:
        label, state = mark
        return {"label": label, "title": named.label(label), "state": state}

    def label_options(self, user: User) -> list[dict]:
        """What a message may be labelled with, by title in the agent's language; out of scope last."""
        named = self.names(user.ui_language)
        catalogue = self.service.content.current().catalogue
        services = sorted(({"label": s, "title": named.label(s) or s} for s in labels.labels(catalogue)
                           if s != labels.OUT_OF_SCOPE), key=lambda o: o["title"].casefold())
        return [*services, {"label": labels.OUT_OF_SCOPE, "title": named.label(labels.OUT_OF_SCOPE) or ""}]

    def label(self, user: User, conversation_id: str, seq: int, label: str | None) -> dict:
        mark = labels.label_message(self.sessions, user, conversation_id, seq, label,
                                    self.service.content.current().catalogue)
        return {"seq": seq, "label": self.label_json(mark, self.names(user.ui_language)) if mark else None}

    @staticmethod
    def understood(u: dict | None, named: Names) -> dict | None:
        """What the bot understood of a customer message, with titles an agent can read for services and
        dialogue intents alike."""
        if not u:
            return None
        return {"intent": u.get("intent"), "intent_title": named.label(u.get("intent")), "service": u.get("service"),
                "service_title": named.service(u.get("service")), "confidence": u.get("confidence"),
                "services": [{**r, "title": named.label(r.get("label"))} for r in (u.get("ranking") or [])[:3]]}

    def conversation_json(self, c: Conversation, agent: User | None, lang: str) -> dict:
        queue = self.desk.queues.get(c.queue or "")
        return {"id": c.id, "state": c.state, "queue": c.queue, "queue_name": queue.name(lang) if queue else None,
                "language": c.language, "region": c.region, "region_name": region_name(c.region, lang),
                "channel": c.channel,
                "agent": {"id": agent.id, "name": agents.display_name(agent, lang)} if agent else None,
                "created_at": c.created_at.isoformat(), "contact": c.contact, "last_seq": c.last_seq}

    def brief(self, user: User, conversation_id: str) -> dict:
        with self.sessions() as db:
            c = db.get(Conversation, conversation_id)
            agent = db.get(User, c.agent_id) if c.agent_id else None
        return {"conversation": self.conversation_json(c, agent, user.ui_language)}

    def set_status(self, user: User, status: str) -> User:
        with self.sessions.begin() as db:
            row = db.get(User, user.id)
            row.status = status
        return row

    def supervisor(self, user: User) -> dict:
        with self.sessions() as db:
            users = db.scalars(select(User).order_by(User.name)).all()
            held = agents.held_chats(db)
            online = {u.id for u in agents.online_users(db, utcnow())}
        return {"queues": self.queue_view(user, list(self.desk.queues.values())),
                "agents": [{"id": u.id, "name": agents.display_name(u, user.ui_language), "role": u.role,
                            "status": u.status if u.id in online else "offline", "languages": u.languages,
                            "region": u.region, "region_name": region_name(u.region, user.ui_language),
                            "chats": held.get(u.id, 0), "max_chats": u.max_chats} for u in users]}


async def _until_closed(ws: WebSocket) -> None:
    while (await ws.receive())["type"] != "websocket.disconnect":
        pass  # the page sends nothing we need





def router(parts: Assistant, desk: Desk) -> APIRouter:
    service = parts.service
    api = APIRouter(tags=["console"])
    console = Console(service, desk)
    settings = service.settings

    def lang_of(request: Request, user: User | None = None) -> str:
        return user.ui_language if user else request_language(request)

    def fail(request: Request, code: str, user: User | None = None, **values: object) -> JSONResponse:
        message = gettext(lang_of(request, user), ERRORS.get(code, ERRORS["invalid_body"]),
                          limit=settings.max_message_chars, **values)
        return JSONResponse({"error": {"code": code, "message": message}}, status_code=STATUS.get(code, 422))

    async def authorised(request: Request, change: bool = True) -> tuple[User, str] | JSONResponse:
        found = await to_thread.run_sync(agents.session_user, service.sessions, request.cookies.get(COOKIE))
        if found is None:
            return fail(request, "login_required")
        user, csrf = found
        if request.query_params.get("lang") in settings.languages:  # the page's language switch (not saved)
            user.ui_language = request.query_params["lang"]
        if change:
            origin = request.headers.get("origin")
            token = inputs.token(request.headers.get("x-csrf-token"))  # None for a malformed (non-ASCII…) value
            if (origin is not None and origin not in settings.origins) or token is None \
                    or not hmac.compare_digest(token, csrf):
                return fail(request, "csrf", user)
        return user, csrf

    async def changing(request: Request) -> tuple[User, str]:
        """The dependency of every change: a session and its CSRF token, checked before the body is."""
        found = await authorised(request)
        if isinstance(found, JSONResponse):
            raise Rendered(found)
        return found

    session = Depends(changing)

    def page(name: str, media: str) -> Response:
        return FileResponse(STATIC / name, media_type=media, headers={
            "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache",
            "Referrer-Policy": "same-origin"})

    @api.get("/console", include_in_schema=False)
    async def console_page():
        return page("console.html", "text/html; charset=utf-8")

    @api.get("/console/console.js", include_in_schema=False)
    async def console_js():
        return page("console.js", "text/javascript; charset=utf-8")

    @api.get("/console/console.css", include_in_schema=False)
    async def console_css():
        return page("console.css", "text/css; charset=utf-8")

    @api.get("/console/api/strings/{lang}", response_model=dict[str, str], responses=schemas.STRINGS)
    async def console_strings(lang: str):
        return strings(lang if lang in settings.languages else "fi")

    @api.post("/console/api/login", response_model=schemas.LoggedIn, responses=schemas.LOG_IN)
    async def login(body: Login, request: Request):
        origin = request.headers.get("origin")
        if origin is not None and origin not in settings.origins:
            return fail(request, "csrf")
        username = body.username.strip()
        try:
            user = await to_thread.run_sync(agents.login, service.sessions, parts.limits, username, body.password,
                                            client_address(request))
        except agents.LockedOut as exc:
            log.warning("console login locked for %r after repeated failures (%s)", agents.login_name(username),
                        exc.refused.rule)
            response = fail(request, "locked_out", minutes=exc.refused.minutes)
            response.headers["Retry-After"] = str(exc.refused.retry_after)
            return response
        if user is None:
            log.warning("failed console login for %r", agents.login_name(username))
            return fail(request, "invalid_login")
        token, csrf = await to_thread.run_sync(agents.open_session, service.sessions, user)
        user.status = "online"
        response = JSONResponse({"user": user_json(user), "csrf": csrf})
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/",
                            secure=settings.cookie_secure or request.url.scheme == "https",
                            max_age=int(agents.MAX_SESSION.total_seconds()))
        return response

    @api.post("/console/api/logout", response_model=schemas.Empty, responses=schemas.LOG_OUT)
    async def logout(request: Request, found: tuple[User, str] = session):
        await to_thread.run_sync(console.set_status, found[0], "offline")
        await to_thread.run_sync(agents.close_session, service.sessions, request.cookies.get(COOKIE))
        response = JSONResponse({})
        response.delete_cookie(COOKIE, path="/")
        return response

    async def read(request: Request, view) -> Response:
        """Answer a GET for a logged-in user: `view(user)` runs in a worker thread; errors as JSON."""
        found = await authorised(request, change=False)
        if isinstance(found, JSONResponse):
            return found
        try:
            return JSONResponse(await to_thread.run_sync(view, found[0]))
        except ConversationNotFound:
            return fail(request, "not_found", found[0])
        except NotAllowed as exc:
            return fail(request, str(exc), found[0])

    @api.get("/console/api/me", response_model=schemas.LoggedIn, responses=schemas.READ)
    async def me(request: Request):
        found = await authorised(request, change=False)
        return found if isinstance(found, JSONResponse) else {"user": user_json(found[0]), "csrf": found[1]}

    @api.post("/console/api/status", response_model=schemas.UserOnly, responses=schemas.CHANGE)
    async def status(body: StatusChange, found: tuple[User, str] = session):
        return {"user": user_json(await to_thread.run_sync(console.set_status, found[0], body.status))}

    @api.get("/console/api/queues", response_model=list[schemas.QueueView], responses=schemas.READ)
    async def queue_list(request: Request):
        return await read(request, console.queue_view)

    @api.get("/console/api/conversations", response_model=list[schemas.ConversationSummary],
             responses=schemas.READ)
    async def my_conversations(request: Request):
        return await read(request, console.mine)

    @api.get("/console/api/conversations/{conversation_id}", response_model=schemas.ConversationDetail,
             responses=schemas.READ_CONVERSATION)
    async def conversation(conversation_id: str, request: Request):
        def view(user: User) -> dict:
            if inputs.conversation_id(conversation_id) is None:  # no such id can exist: not even a lookup
                raise ConversationNotFound(conversation_id)
            return console.conversation(user, conversation_id)
        return await read(request, view)

    async def act(request: Request, found: tuple[User, str], conversation_id: str,
                  step: Callable[[User], object]) -> Response:
        """Run one desk step for a logged-in user with a valid CSRF token; errors as JSON."""
        user = found[0]
        if inputs.conversation_id(conversation_id) is None:
            return fail(request, "not_found", user)
        try:
            result = await to_thread.run_sync(step, user)
        except ConversationNotFound:
            return fail(request, "not_found", user)
        except NotAllowed as exc:
            return fail(request, str(exc), user)
        except AlreadyClaimed:
            return fail(request, "already_claimed", user)
        except (InvalidMessage, labels.LabelError) as exc:
            return fail(request, exc.code, user)
        if isinstance(result, dict):
            return JSONResponse(result)
        if result is None:
            return JSONResponse({})
        if isinstance(result, Message):
            return JSONResponse({"message": {"seq": result.seq, "from": result.sender, "text": result.text,
                                             "internal": result.internal, "author": result.author}})
        return JSONResponse(await to_thread.run_sync(console.brief, user, conversation_id))

    @api.post("/console/api/conversations/{conversation_id}/claim", response_model=schemas.Brief, responses=schemas.ACT)
    async def claim(conversation_id: str, request: Request, found: tuple[User, str] = session):
        return await act(request, found, conversation_id, lambda u: desk.claim(conversation_id, u))

    @api.post("/console/api/conversations/{conversation_id}/messages", response_model=schemas.Sent,
              responses=schemas.ACT)
    async def agent_message(conversation_id: str, request: Request, body: AgentText,
                            found: tuple[User, str] = session):
        return await act(request, found, conversation_id,
                         lambda u: desk.answer(conversation_id, u, body.text, body.internal))

    @api.post("/console/api/conversations/{conversation_id}/typing", response_model=schemas.Empty,
              responses=schemas.ACT)
    async def agent_typing(conversation_id: str, request: Request, body: TypingChange | None = None,
                           found: tuple[User, str] = session):
        on = body.on if body else False

        def typing(u: User) -> None:
            desk.check_held(conversation_id, u)
            service.set_typing(conversation_id, "agent", on)
        return await act(request, found, conversation_id, typing)

    @api.post("/console/api/conversations/{conversation_id}/transfer", response_model=schemas.Brief,
              responses=schemas.ACT)
    async def transfer(conversation_id: str, request: Request, body: Transfer | None = None,
                       found: tuple[User, str] = session):
        body = body or Transfer()
        return await act(request, found, conversation_id,
                         lambda u: desk.transfer(conversation_id, u, body.queue, body.note))

    @api.post("/console/api/conversations/{conversation_id}/return", response_model=schemas.Brief,
              responses=schemas.ACT)
    async def return_to_bot(conversation_id: str, request: Request, body: Release | None = None,
                            found: tuple[User, str] = session):
        note = body.note if body else None
        return await act(request, found, conversation_id, lambda u: desk.return_to_bot(conversation_id, u, note))

    @api.post("/console/api/conversations/{conversation_id}/close", response_model=schemas.Brief, responses=schemas.ACT)
    async def close(conversation_id: str, request: Request, body: Closing | None = None,
                    found: tuple[User, str] = session):
        body = body or Closing()
        return await act(request, found, conversation_id, lambda u: desk.close(conversation_id, u, body.outcome, body.note))

    @api.post("/console/api/conversations/{conversation_id}/messages/{seq}/label", response_model=schemas.Labelled,
              responses=schemas.LABEL)
    async def label_message(conversation_id: str, seq: Annotated[int, PathParameter(ge=0, le=2**31 - 1)],
                            request: Request, body: Labelling,
                            found: tuple[User, str] = session):
        """Learning from agents (handoff/labels.py): which service a customer message was really about."""
        return await act(request, found, conversation_id, lambda u: console.label(u, conversation_id, seq, body.label))

    @api.get("/console/api/labels", response_model=list[schemas.LabelOption], responses=schemas.READ)
    async def label_options(request: Request):
        return await read(request, console.label_options)

    @api.get("/console/api/canned", response_model=list[schemas.CannedResponse],
             responses=schemas.READ_WITH_PARAMETER)
    async def canned(request: Request, lang: str = "fi"):
        return await read(request, lambda user: desk.canned(lang))

    @api.get("/console/api/outcomes", response_model=list[schemas.Outcome], responses=schemas.READ)
    async def outcomes(request: Request):
        return await read(request, lambda user: [{"code": code, "title": gettext(user.ui_language, title)}
                                                 for code, title in OUTCOMES.items()])

    @api.get("/console/api/transfer-targets", response_model=list[schemas.TransferTarget],
             responses=schemas.READ)
    async def transfer_targets(request: Request):
        def targets(user: User) -> list[dict]:
            now = utcnow()
            return [{"id": q.id, "name": q.name(user.ui_language), "kind": q.kind, "open": q.hours.is_open(now)}
                    for q in desk.queues.values()]
        return await read(request, targets)

    @api.get("/console/api/supervisor", response_model=schemas.SupervisorView, responses=schemas.SUPERVISOR)
    async def supervisor(request: Request):
        def view(user: User) -> dict:
            if user.role not in (Role.SUPERVISOR, Role.ADMIN):
                raise NotAllowed("forbidden")
            return console.supervisor(user)
        return await read(request, view)

    @api.get("/console/api/supervisor/email", response_model=list[schemas.EmailDelivery],
             responses=schemas.SUPERVISOR)
    async def email_deliveries(request: Request):
        """The latest messages for email customers and their delivery state (supervisors and admins)."""
        def view(user: User) -> list[dict]:
            if user.role not in (Role.SUPERVISOR, Role.ADMIN):
                raise NotAllowed("forbidden")
            return email_view(parts.sessions)
        return await read(request, view)

    @api.websocket("/ws/console")
    async def live(ws: WebSocket):
        origin = ws.headers.get("origin")
        found = await to_thread.run_sync(agents.session_user, service.sessions, ws.cookies.get(COOKIE))
        if found is None or (origin is not None and origin not in settings.origins):
            await ws.close(code=1008)  # before accept: the handshake is refused with HTTP 403
            return
        user = found[0]
        await ws.accept()
        subscription = parts.hub.subscribe(None)
        closed = asyncio.get_running_loop().create_task(_until_closed(ws))  # a gone browser ends this at once
        typing: dict[str, bool] = {}
        shown: set[str] = set()  # conversations this socket told of: that one left the user's sight is told too
        try:
            while not closed.done():
                waiting = asyncio.ensure_future(subscription.next(timeout=30.0))
                await asyncio.wait({waiting, closed}, return_when=asyncio.FIRST_COMPLETED)
                if closed.done():
                    waiting.cancel()
                    return
                change = waiting.result()
                if change is None:  # quiet: keep the session (and "online") alive, or end it when expired
                    if await to_thread.run_sync(agents.session_user, service.sessions, ws.cookies.get(COOKIE)) is None:
                        await ws.close(code=4401)
                        return
                    await ws.send_json({"type": "ping"})
                    continue
                if not agents.may_see(user, change):
                    if change.conversation_id in shown:  # transferred, returned or closed away: re-fetch (and close it)
                        shown.discard(change.conversation_id)
                        await ws.send_json({"type": "left", "conversation_id": change.conversation_id})
                    continue
                shown.add(change.conversation_id)
                await ws.send_json({"type": "changed", "conversation_id": change.conversation_id,
                                    "state": change.state, "queue": change.queue, "last_seq": change.last_seq})
                if typing.get(change.conversation_id, False) != change.customer_typing:
                    typing[change.conversation_id] = change.customer_typing
                    await ws.send_json({"type": "typing", "conversation_id": change.conversation_id,
                                        "from": "customer", "on": change.customer_typing})
        except Exception:
            return
        finally:
            closed.cancel()
            subscription.close()

    return api


def email_view(sessions, limit: int = 100) -> list[dict]:
    """The email channel's outbox items, newest first: pending ones first of all (what needs attention)."""
    with sessions() as db:
        rows = db.execute(select(OutboxItem, Conversation.contact).join(
            Conversation, Conversation.id == OutboxItem.conversation_id).where(OutboxItem.channel == "email")
            .order_by((OutboxItem.state == "sent").asc(), OutboxItem.id.desc()).limit(limit)).all()
    return [{"conversation_id": item.conversation_id, "seq": item.seq, "to": (contact or {}).get("email"),
             "state": item.state, "attempts": item.attempts, "last_error": item.last_error,
             "created_at": item.created_at.isoformat(), "sent_at": item.sent_at.isoformat() if item.sent_at else None}
            for item, contact in rows]
