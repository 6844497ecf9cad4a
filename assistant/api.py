"""REST API v1: start a conversation, send a message, read the transcript."""
from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from assistant.conversation import ConversationNotFound, ConversationService, InvalidMessage
from assistant.i18n import N_, gettext
from assistant.models import Message

ERRORS = {
    "not_found": N_("Conversation not found."),
    "empty_message": N_("The message is empty."),
    "message_too_long": N_("The message is too long: at most {limit} characters."),
    "invalid_text": N_("The message text must be a string."),
    "unsupported_language": N_("The language must be fi, sv or en."),
    "invalid_body": N_("The request body must be UTF-8 encoded JSON of the documented form."),
    "internal": N_("Something went wrong on our side. Please try again in a moment."),
}


def request_language(request: Request) -> str:
    header = request.headers.get("accept-language", "")
    for part in header.replace(" ", "").split(","):
        lang = part.split(";")[0].split("-")[0].lower()
        if lang in ("fi", "sv", "en"):
            return lang
    return "en"


def error(request: Request, status: int, code: str, **kwargs: object) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": gettext(request_language(request), ERRORS[code], **kwargs)}},
                        status_code=status)


class StartConversation(BaseModel):
    lang: str | None = Field(None, description="fi, sv or en; detected from the first message when left out")
    region: str | None = Field(None, description="region code, e.g. 15 for Pohjanmaa / Österbotten")


class CustomerMessage(BaseModel):
    text: str = Field(..., description="what the customer wrote (or a button's payload)")


def message_json(m: Message) -> dict:
    data = {"seq": m.seq, "from": m.sender, "text": m.text, "buttons": m.buttons or [], "service": m.service,
            "source_url": m.source_url}
    if m.event:
        data["event"], data["details"] = m.event, m.details or {}
    if m.author:
        data["author"] = m.author
    return data


def router(service: ConversationService) -> APIRouter:
    api = APIRouter(prefix="/api/v1", tags=["conversations"])

    @api.post("/conversations", status_code=201)
    async def start_conversation(request: Request, body: StartConversation | None = None):
        body = body or StartConversation()
        try:
            conversation = await service.start(body.lang, body.region)
        except InvalidMessage as exc:
            return error(request, 422, exc.code)
        return {"conversation_id": conversation.id, "language": conversation.language, "region": conversation.region}

    @api.post("/conversations/{conversation_id}/messages")
    async def post_message(conversation_id: str, body: CustomerMessage, request: Request):
        try:
            turn = await service.post(conversation_id, body.text)
        except ConversationNotFound:
            return error(request, 404, "not_found")
        except InvalidMessage as exc:
            return error(request, 413 if exc.code == "message_too_long" else 422, exc.code,
                         limit=service.settings.max_message_chars)
        return {
            "conversation_id": conversation_id,
            "language": turn.conversation.language,
            "state": turn.conversation.state,
            "engine": "down" if turn.engine_down else "up",
            "messages": [message_json(m) for m in turn.messages],
            "understood": turn.understood,
        }

    @api.get("/conversations/{conversation_id}")
    async def transcript(conversation_id: str, request: Request):
        try:
            conversation, messages = await to_thread.run_sync(service.history, conversation_id)
        except ConversationNotFound:
            return error(request, 404, "not_found")
        return {"conversation_id": conversation.id, "language": conversation.language, "region": conversation.region,
                "state": conversation.state, "messages": [message_json(m) for m in messages]}

    return api
