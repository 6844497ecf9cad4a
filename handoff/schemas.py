"""What the agent console's JSON API answers, as pydantic models: the OpenAPI schema's responses for
`/console/api/*` (the console's page, its script and its websocket stay out of the schema).

Like `assistant.schemas`, an undeclared key passes through and tests/test_api_docs.py fails on it.
"""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from assistant.inputs import Language
from assistant.schemas import Button, ResponseBody, errors
from assistant.states import State

Timestamp = Annotated[str, Field(description="ISO 8601, UTC", json_schema_extra={"format": "date-time"})]


class ConsoleUser(ResponseBody):
    id: int
    username: str
    name: str = Field(..., description="the display name customers see")
    role: str = Field(..., description="agent, regional_advisor, supervisor or admin")
    region: str | None
    region_name: str | None
    languages: list[str]
    topics: list[str] | None = Field(..., description="national topics served; null: every topic")
    max_chats: int
    status: str = Field(..., description="online, away or offline")
    ui_language: Language


class LoggedIn(ResponseBody):
    user: ConsoleUser
    csrf: str = Field(..., description="send it as `X-CSRF-Token` on every change")


class UserOnly(ResponseBody):
    user: ConsoleUser


class Empty(ResponseBody):
    """`{}`: done."""


class ConversationSummary(ResponseBody):
    conversation_id: str
    state: State
    queue: str | None
    queue_name: str | None = Field(None, description="the queue's name in the agent's language")
    language: Language
    region: str | None
    region_name: str | None
    topic: str | None
    service: str | None
    service_title: str | None
    waiting_seconds: int
    updated_at: Timestamp
    preview: str = Field(..., description="the customer's last message, shortened")
    position: int | None = Field(None, description="place in the queue (queue views only)")


class QueueView(ResponseBody):
    id: str
    kind: str = Field(..., description="national or regional")
    name: str
    open: bool
    agents_online: int
    free_slots: int
    waiting: list[ConversationSummary]


class AgentRef(ResponseBody):
    id: int
    name: str


class ConversationInfo(ResponseBody):
    id: str
    state: State
    queue: str | None
    queue_name: str | None
    language: Language
    region: str | None
    region_name: str | None
    channel: str
    agent: AgentRef | None
    created_at: Timestamp
    contact: dict[str, Any] | None = Field(..., description="the email or phone left for an answer")
    last_seq: int


class Brief(ResponseBody):
    """After a claim, transfer, return or close: the conversation as it is now."""
    conversation: ConversationInfo


class ServiceOption(ResponseBody):
    label: str
    score: float
    title: str | None


class AgentUnderstood(ResponseBody):
    """What the bot understood of a customer message, with service titles an agent can read."""
    intent: str | None
    intent_title: str | None = Field(None, description="the intent as an agent reads it, e.g. 'Asks for a person'")
    service: str | None
    service_title: str | None
    confidence: float | None
    services: list[ServiceOption]


class MessageLabelView(ResponseBody):
    """What an agent said a customer message was about (docs/handoff.md, "Learning from agents")."""
    label: str = Field(..., description="a service id, or out_of_scope")
    title: str | None = Field(..., description="the service's title (or 'Not about growth services') in the UI language")
    state: str = Field(..., description="the suggestion's review: pending, accepted or rejected")


class Labelled(ResponseBody):
    seq: int
    label: MessageLabelView | None = Field(..., description="null: the label was cleared")


class LabelOption(ResponseBody):
    label: str = Field(..., description="a service id, or out_of_scope")
    title: str


class ConsoleMessage(ResponseBody):
    seq: int
    sender: str = Field(..., alias="from", description="customer, bot, agent or system")
    text: str
    internal: bool = Field(..., description="an agent's private note: never shown to the customer")
    event: str | None
    details: dict[str, Any] | None
    author: str | None
    buttons: list[Button]
    understood: AgentUnderstood | None
    service: str | None
    payload: str | None = Field(None, description="a pressed button's payload; `text` then says what was chosen")
    at: Timestamp
    labellable: bool = Field(False, description="a customer's own words, which an agent may label with a service")
    label: MessageLabelView | None = Field(None, description="the service an agent said it was about")


class HandoffEventView(ResponseBody):
    kind: str
    actor: str
    at: Timestamp
    from_queue: str | None
    from_queue_name: str | None = None
    to_queue: str | None
    to_queue_name: str | None = None
    note: str | None
    outcome: str | None
    outcome_title: str | None = None


class CustomerContext(ResponseBody):
    verified: bool
    language: Language
    region: str | None
    region_name: str | None
    business_id: str | None
    channel: str
    contact: dict[str, Any] | None
    services_asked: list[str] = Field(..., description="titles of the services the customer asked about")


class ConversationDetail(ResponseBody):
    conversation: ConversationInfo
    messages: list[ConsoleMessage]
    events: list[HandoffEventView]
    context: CustomerContext
    customer_typing: bool


class AgentMessage(ResponseBody):
    seq: int
    sender: str = Field(..., alias="from")
    text: str
    internal: bool
    author: str | None


class Sent(ResponseBody):
    message: AgentMessage


class CannedResponse(ResponseBody):
    id: str
    title: str
    text: str


class Outcome(ResponseBody):
    code: str
    title: str


class TransferTarget(ResponseBody):
    id: str
    name: str
    kind: str
    open: bool


class AgentRow(ResponseBody):
    id: int
    name: str
    role: str
    status: str
    languages: list[str]
    region: str | None
    region_name: str | None
    chats: int
    max_chats: int


class SupervisorView(ResponseBody):
    queues: list[QueueView]
    agents: list[AgentRow]


class EmailDelivery(ResponseBody):
    """One message for an email customer in the outbox, for supervisors: is it out, and if not, why."""
    conversation_id: str
    seq: int
    to: str | None = Field(description="the customer's address")
    state: str = Field(description="pending | sent | failed")
    attempts: int
    last_error: str | None = Field(description='why the last attempt failed, e.g. "no relay configured"')
    created_at: Timestamp
    sent_at: Timestamp | None


LOGIN = {401: "Not logged in (`login_required`)."}
PARAMETER = {422: "A parameter is not of the documented form (`invalid_body`)."}
CSRF = {403: "No valid `X-CSRF-Token`, or an Origin off the allow-list (`csrf`)."}
#: `responses=` of the console's routes
READ = errors(LOGIN)
READ_WITH_PARAMETER = errors({**LOGIN, **PARAMETER})
READ_CONVERSATION = errors({**LOGIN, 403: "Not in your queues or languages (`forbidden`).",
                            404: "No such conversation (`not_found`).", **PARAMETER})
SUPERVISOR = errors({**LOGIN, 403: "Supervisors and admins only (`forbidden`)."})
LOG_OUT = errors({**LOGIN, **CSRF})
CHANGE = errors({**LOGIN, **CSRF, 422: "The body is not of the documented form (`invalid_body`)."})
ACT = errors({**LOGIN, 403: CSRF[403] + " Or not in your queues or languages (`not_allowed`, `forbidden`).",
              404: "No such conversation (`not_found`).",
              409: "Another agent holds it (`already_claimed`), or you do not hold it (`not_held`).",
              422: "The body is not of the documented form (`invalid_body`, `empty_message`, `message_too_long`, "
                   "`invalid_characters`, `unknown_queue`, `unknown_outcome`)."})
LABEL = errors({**LOGIN, 403: CSRF[403] + " Or not in your queues (`forbidden`).",
                404: "No such conversation (`not_found`) or message (`unknown_message`).",
                422: "The body is not of the documented form (`invalid_body`), the label is no service of the catalogue "
                     "nor `out_of_scope` (`unknown_label`), or the message is not a customer's own words "
                     "(`not_labellable`)."})
LOG_IN = errors({401: "Wrong username or password (`invalid_login`).", 403: "An Origin off the allow-list (`csrf`).",
                 422: "The body is not of the documented form (`invalid_body`).",
                 429: "Too many attempts (`locked_out`): try again after `Retry-After` seconds."})
STRINGS = errors(PARAMETER)
