"""REST API v1: start a conversation, send a message, read the transcript.

`POST /conversations` returns the conversation's token; every later call sends it as
`Authorization: Bearer <token>` and reaches that conversation only (`conversation_from_token`).
"""
from __future__ import annotations

from collections.abc import Callable, Collection

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from assistant import inputs, schemas, tokens
from assistant.conversation import ConversationNotFound, ConversationService, InvalidMessage
from assistant.i18n import N_, gettext, negotiate_language
from assistant.inputs import Language, RegionCode, Text
from assistant.limits import Limits, Refused
from assistant.models import Message
from assistant.outbox import OutputChannel

ERRORS = {
    "not_found": N_("Conversation not found."),
    "empty_message": N_("The message is empty."),
    "message_too_long": N_("The message is too long: at most {limit} characters."),
    "invalid_text": N_("The message text must be a string."),
    "unsupported_language": N_("The language must be fi, sv or en."),
    "invalid_body": N_("The request body must be UTF-8 encoded JSON of the documented form."),
    "invalid_token": N_("This conversation cannot be opened with these credentials. Start a new conversation."),
    "internal": N_("Something went wrong on our side. Please try again in a moment."),
    "invalid_characters": N_("The text contains characters that cannot be stored (control characters or broken "
                             "Unicode). Remove them and try again."),
    "invalid_region": N_("Unknown region: give a region code from 01 to 21."),
    "body_too_large": N_("The request is too large."),
    "rate_limited": N_("Too many messages in a short time. Please wait {seconds} s and try again."),
}
#: The error code of a body field that fails validation (other fields: invalid_body).
FIELD_ERRORS = {"lang": "unsupported_language", "region": "invalid_region"}


def request_language(request: Request) -> str:
    return negotiate_language(inputs.accept_language(request.headers.get("accept-language")))


def client_address(request: Request) -> str:
    """The caller's address as the server sees it (behind a proxy: run uvicorn with --forwarded-allow-ips)."""
    return request.client.host if request.client else "unknown"


class ApiError(Exception):
    """An error answered as `{"error": {"code", "message"}}` in the caller's language."""

    def __init__(self, status: int, code: str):
        self.status, self.code = status, code
        super().__init__(code)


class Rendered(Exception):
    """An error a router has already rendered (e.g. from a dependency that must stop the request)."""

    def __init__(self, response: JSONResponse):
        self.response = response
        super().__init__(response.status_code)


def error(request: Request, status: int, code: str, **kwargs: object) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": gettext(request_language(request), ERRORS[code], **kwargs)}},
                        status_code=status, headers={"WWW-Authenticate": "Bearer"} if status == 401 else None)


def too_many(request: Request, refused: Refused) -> JSONResponse:
    """429 with Retry-After, in the caller's language."""
    response = error(request, 429, "rate_limited", seconds=refused.retry_after)
    response.headers["Retry-After"] = str(refused.retry_after)
    return response


class StartConversation(BaseModel):
    lang: Language | None = Field(None, description="fi, sv or en, fixed for the conversation; when left out, "
                                  "the first message that says which language it is decides")
    region: RegionCode | None = Field(None, description="region code, e.g. 15 for Pohjanmaa / Österbotten")


class CustomerMessage(BaseModel):
    text: Text = Field(..., description="what the customer wrote (or a button's payload)")


def message_json(m: Message) -> dict:
    data = {"seq": m.seq, "from": m.sender, "text": m.text, "buttons": m.buttons or [], "service": m.service,
            "source_url": m.source_url, "answer": m.answer}
    if m.event:
        data["event"], data["details"] = m.event, m.details or {}
    if m.author:
        data["author"] = m.author
    return data


class RestOutput(OutputChannel):
    """REST customers fetch their messages: a response that carries a message delivers it."""
    name = "rest"

    def render(self, message: Message) -> dict:
        return message_json(message)


def conversation_from_token(key: Callable[[], bytes]) -> Callable[[Request, str], str]:
    """The dependency that opens a conversation to the bearer of its own token, and to nobody else."""
    def check(request: Request, conversation_id: str) -> str:
        token = inputs.bearer(request.headers.get("authorization"))
        if token is None:
            raise ApiError(401, "invalid_token")
        if tokens.verify(key(), token) != conversation_id:
            raise ApiError(403, "invalid_token")
        return conversation_id
    return check


BAD_BODY = {400: "The body is not UTF-8 JSON (`invalid_body`).",
            413: "The body is over `max_body_bytes` (`body_too_large`).",
            422: "The body is not of the documented form: `invalid_body`, or the field's own code "
                 "(`unsupported_language`, `invalid_region`, `invalid_characters`)."}
TOKEN = {401: "No bearer token, or a malformed one (`invalid_token`).",
         403: "The token is not this conversation's, or it has expired (`invalid_token`): start a new conversation.",
         404: "The conversation no longer exists (`not_found`)."}
LIMITED = {429: "Too many in a short time (`rate_limited`): try again after `Retry-After` seconds."}


def router(service: ConversationService, limits: Limits) -> APIRouter:
    api = APIRouter(prefix="/api/v1", tags=["conversations"])
    settings, rest = service.settings, RestOutput()
    own = Depends(conversation_from_token(settings.signing_key))

    async def delivered(conversation_id: str, messages: list[Message], sent: Collection[int] = ()) -> list[dict]:
        """The messages as the response carries them, marked sent (those in `sent` were, when stored)."""
        if unsent := [m.seq for m in messages if m.seq not in sent]:
            await to_thread.run_sync(service.outbox.mark_sent, conversation_id, unsent, rest.name)
        return [rest.render(m) for m in messages]

    @api.post("/conversations", status_code=201, response_model=schemas.ConversationStarted,
              responses=schemas.errors({**BAD_BODY, **LIMITED}))
    async def start_conversation(request: Request, body: StartConversation | None = None):
        body = body or StartConversation()
        if refused := await to_thread.run_sync(limits.conversation, client_address(request)):
            return too_many(request, refused)
        try:
            conversation = await service.start(body.lang, body.region)
        except InvalidMessage as exc:
            return error(request, 422, exc.code)
        return {"conversation_id": conversation.id, "language": conversation.language, "region": conversation.region,
                "token": tokens.issue(settings.signing_key(), conversation.id, settings.token_ttl_s),
                "expires_in": settings.token_ttl_s}

    @api.post("/conversations/{conversation_id}/messages", response_model=schemas.Turn, response_model_exclude_unset=True,
              responses=schemas.errors({**BAD_BODY, **TOKEN, **LIMITED,
                                        413: "The body is over `max_body_bytes` (`body_too_large`) or the text over "
                                             "`max_message_chars` (`message_too_long`).",
                                        422: BAD_BODY[422] + " An empty text is `empty_message`."}))
    async def post_message(body: CustomerMessage, request: Request, conversation_id: str = own):
        """Send the customer's message (or a button's payload) and get the bot's reply. A catalogue answer's
        message carries `answer`: title, `short` (the part the question asked for), ordered `sections`
        (key, label, text or items), `source_url` and `reviewed`; `text` is the same answer as plain text.
        docs/protocol.md describes the message fields."""
        if limits.counts_messages and (
                refused := await to_thread.run_sync(limits.message, conversation_id, client_address(request))):
            return too_many(request, refused)
        try:
            turn = await service.post(conversation_id, body.text, replied_on=rest.name)
        except ConversationNotFound:
            return error(request, 404, "not_found")
        except InvalidMessage as exc:
            return error(request, 413 if exc.code == "message_too_long" else 422, exc.code,
                         limit=settings.max_message_chars)
        return {
            "conversation_id": conversation_id,
            "language": turn.conversation.language,
            "state": turn.conversation.state,
            "engine": "down" if turn.engine_down else "up",
            "messages": await delivered(conversation_id, turn.messages, turn.sent),
            "understood": turn.understood,
        }

    @api.get("/conversations/{conversation_id}", response_model=schemas.Transcript, response_model_exclude_unset=True,
             responses=schemas.errors({**TOKEN, 422: "A parameter is not of the documented form (`invalid_body`)."}))
    async def transcript(request: Request, conversation_id: str = own):
        try:
            conversation, messages = await to_thread.run_sync(service.history, conversation_id)
        except ConversationNotFound:
            return error(request, 404, "not_found")
        return {"conversation_id": conversation.id, "language": conversation.language, "region": conversation.region,
                "state": conversation.state,
                "messages": await delivered(conversation_id, messages)}

    return api
