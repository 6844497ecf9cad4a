"""What the REST API and the operations endpoints answer, as pydantic models: the OpenAPI schema's responses.

The routes declare these as their `response_model`, so `/openapi.json` describes every answer, and FastAPI
checks what a route returns as data on its way out. A key that a model does not declare is passed through,
never dropped (and never a server error); tests/test_api_docs.py fails on any, so schema and answers agree.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.inputs import Language
from assistant.states import State


class ResponseBody(BaseModel):
    """Every response model: undeclared keys pass through (see the module's docstring)."""
    model_config = ConfigDict(extra="allow")


class ErrorDetail(ResponseBody):
    code: str = Field(..., description="stable, for programs, e.g. `invalid_token`, `rate_limited`")
    message: str = Field(..., description="for people, in the caller's language (Accept-Language)")


class Error(ResponseBody):
    """Every error of the app: `{"error": {"code", "message"}}`."""
    error: ErrorDetail


class Button(ResponseBody):
    title: str = Field(..., description="what the button shows")
    payload: str = Field(..., description="sent back as the customer's message `text` when it is chosen")


class AnswerSection(ResponseBody):
    key: str = Field(..., description="stable name of the section, e.g. `who`, `how`")
    label: str = Field(..., description="the section's heading in the conversation's language")
    text: str | None = Field(None, description="the section's text, or …")
    items: list[str] | None = Field(None, description="… its items (e.g. the main conditions)")
    open: bool = Field(False, description="shown unfolded: it answers the question that was asked")


class ServiceAnswer(ResponseBody):
    """A catalogue answer in parts, for a client that lays it out itself (the `text` has it all)."""
    service: str = Field(..., description="the catalogue service id")
    facet: str = Field(..., description="what the short answer answers: summary, audience, how_to_apply, provider")
    title: str
    short: str = Field(..., description="2–3 sentences answering the question asked")
    sections: list[AnswerSection] = Field(..., description="the rest of the description, in order")
    source_url: str | None = None
    source_label: str = Field("", description="the source link's label in the conversation's language")
    reviewed: str | None = Field(None, description="when the content was last reviewed (ISO date)")
    reviewed_text: str = Field("", description="the review date as a sentence in the conversation's language")
    note: str | None = Field(None, description="e.g. that an English conversation gets the Finnish text")


class Candidate(ResponseBody):
    label: str = Field(..., description="a service id or a dialogue intent")
    score: float


class Understood(ResponseBody):
    """What the bot read in the customer's message."""
    intent: str | None = Field(..., description="a service id, a dialogue intent or `out_of_scope`")
    service: str | None
    confidence: float
    language: Language
    ranking: list[Candidate] = Field(..., description="best first, services and intents together")


class Message(ResponseBody):
    """A stored message of the conversation; `seq` orders them (1, 2, …)."""
    seq: int
    sender: Literal["customer", "bot", "agent", "system"] = Field(..., alias="from")
    text: str
    buttons: list[Button] = Field(..., description="quick replies")
    service: str | None = Field(..., description="the catalogue service the message answers about")
    source_url: str | None = Field(..., description="where the customer acts on it (the service's page)")
    answer: ServiceAnswer | None = None
    event: str | None = Field(None, description="system messages: `queued`, `agent_joined`, `closed`, … "
                                                "(docs/protocol.md)")
    details: dict[str, Any] | None = Field(None, description="the event's details, e.g. `position`, `queue_name`")
    author: str | None = Field(None, description="an agent's display name")


class ConversationStarted(ResponseBody):
    conversation_id: str
    language: Language = Field(..., description="the one asked for, else the default until the first message "
                                                "is detected")
    region: str | None
    token: str = Field(..., description="send it as `Authorization: Bearer <token>` on every later call")
    expires_in: int = Field(..., description="seconds the token is valid")


class Turn(ResponseBody):
    """The answer to a customer message: the messages stored in this turn (the customer's own included)."""
    conversation_id: str
    language: Language
    state: State
    engine: Literal["up", "down"] = Field(..., description="`down`: answered from the catalogue search alone")
    messages: list[Message]
    understood: Understood | None


class Transcript(ResponseBody):
    conversation_id: str
    language: Language
    region: str | None
    state: State
    messages: list[Message]


class EngineStatus(ResponseBody):
    state: Literal["up", "no_model", "down"]
    model: str | None = None
    error: str | None = Field(None, description="why it is down")


class Health(ResponseBody):
    status: Literal["ok", "degraded"]
    database: str = Field(..., description="`up`, or `down: <reason>`")
    engine: EngineStatus
    content: str = Field(..., description="the content version served")


class ReadyChecks(ResponseBody):
    database: str
    engine: str
    notifier: str


class Ready(ResponseBody):
    status: Literal["ready", "not_ready"]
    not_ready: list[str] = Field(..., description="the checks that failed")
    checks: ReadyChecks


#: The headers that come with an error status (documented with it).
HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"description": "`Bearer`", "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "seconds to wait before trying again", "schema": {"type": "integer"}}},
}


def errors(described: dict[int, str]) -> dict[int | str, Any]:
    """A route's documented error answers (`responses=`): status → what it means; each is an `Error`."""
    return {status: {"model": Error, "description": description,
                     **({"headers": HEADERS[status]} if status in HEADERS else {})}
            for status, description in described.items()}
