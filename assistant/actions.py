"""Rasa's action endpoint and NLG endpoint, served by our app, to the Rasa server only.

Rasa decides *which* action follows a message; we decide *what* is said, from the catalogue, in the
conversation's language. Both endpoints read the conversation state from the database, and a turn's
outcome is stored by compare-and-set: an agent who took the conversation meanwhile keeps it.
Only a caller on loopback that sends the secret written into Rasa's endpoints file gets in (`rasa_only`).
"""
from __future__ import annotations

import hmac
import ipaddress
import json
import logging
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import sessionmaker

from assistant import replies
from assistant.content import ContentProvider
from assistant.conversation import ConversationNotFound, conversation_state, load, save_state
from assistant.dialogue import ConversationState, respond
from assistant.engine import SECRET_HEADER
from assistant.inputs import Text
from assistant.faults import Faults

log = logging.getLogger("neuvo.actions")


def _ranking(latest: dict) -> list[tuple[str, float]]:
    ranking = [(r["name"], float(r.get("confidence") or 0.0)) for r in latest.get("intent_ranking") or []]
    intent = latest.get("intent") or {}
    if not ranking and intent.get("name"):
        ranking = [(intent["name"], float(intent.get("confidence") or 1.0))]
    return ranking


class RasaTracker(BaseModel):
    """The part of Rasa's tracker we read; the rest is passed along untouched."""
    model_config = ConfigDict(extra="allow")
    sender_id: Annotated[Text, Field(max_length=200)] = ""
    latest_message: dict | None = None


class RasaCall(BaseModel):
    """What Rasa posts to the action and NLG endpoints."""
    model_config = ConfigDict(extra="allow")
    tracker: RasaTracker | None = None
    response: str | None = None


def rasa_only(secret: str):
    """The dependency that lets only the Rasa server in: a loopback peer with the shared secret."""
    def check(request: Request) -> None:
        peer = request.client.host if request.client else ""
        try:
            loopback = ipaddress.ip_address(peer).is_loopback
        except ValueError:
            loopback = False
        if not loopback or not hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), secret.encode()):
            log.warning("refused a call to %s from %s", request.url.path, peer)
            raise HTTPException(status_code=403, detail="Only the dialogue engine may call this endpoint.")
    return check


def router(sessions: sessionmaker, content: ContentProvider, secret: str, faults: Faults | None = None) -> APIRouter:
    api = APIRouter(prefix="/rasa", include_in_schema=False, dependencies=[Depends(rasa_only(secret))])

    def state_of(tracker: dict) -> tuple[ConversationState, bool]:
        """The conversation's state (in the language Rasa was told), and whether it is one of ours."""
        latest = tracker.get("latest_message") or {}
        lang = (latest.get("metadata") or {}).get("lang")
        try:
            state, ours = conversation_state(load(sessions, str(tracker.get("sender_id", "")))), True
        except ConversationNotFound:  # someone talking to Rasa directly (e.g. its own REST webhook)
            state, ours = ConversationState(lang or "fi"), False
        if lang in ("fi", "sv", "en"):
            state.language = lang
        return state, ours

    def act(body: dict) -> dict:
        tracker = body.get("tracker") or {}
        latest = tracker.get("latest_message") or {}
        conversation, ours = state_of(tracker)
        text = str(latest.get("text") or "")
        understander = content.current().understander
        understanding = understander.understand(text, conversation.language, _ranking(latest))
        turn = respond(understanding, conversation, text, understander)
        if ours:
            save_state(sessions, str(tracker["sender_id"]), conversation, turn.state)
        return {"events": [], "responses": [{"custom": {"neuvo": m.as_dict()}} for m in turn.messages]}

    def generate(body: dict) -> dict:
        tracker = body.get("tracker") or {}
        latest = tracker.get("latest_message") or {}
        conversation, _ = state_of(tracker)
        intent = latest.get("intent") or {}
        understood = {"intent": intent.get("name"), "service": None, "confidence": float(intent.get("confidence") or 0.0),
                      "language": conversation.language,
                      "ranking": [{"label": n, "score": round(c, 4)} for n, c in _ranking(latest)[:5]]}
        utter = body.get("response")
        if utter not in replies.SMALL_TALK:
            log.error("NLG asked for an unknown response %r", utter)
            return {"custom": {"neuvo": replies.acknowledged(conversation.language, understood).as_dict()}}
        return {"custom": {"neuvo": replies.small_talk(conversation.language, utter, understood).as_dict()}}

    async def tracker_body(request: Request) -> dict:
        try:
            body = json.loads(await request.body())
            RasaCall.model_validate(body)
        except (ValueError, RecursionError, ValidationError):
            raise HTTPException(status_code=422, detail="Expected Rasa's JSON body with a tracker.") from None
        return body

    @api.post("/webhook")
    async def action_endpoint(request: Request) -> dict:
        body = await tracker_body(request)
        answer = await to_thread.run_sync(act, body)
        if faults is not None:  # the crash tests: Rasa is busy with this turn and its state is stored
            await faults.pause("in_engine", str((body.get("tracker") or {}).get("sender_id", "")))
        return answer

    @api.post("/nlg")
    async def nlg_endpoint(request: Request) -> dict:
        return await to_thread.run_sync(generate, await tracker_body(request))

    return api
