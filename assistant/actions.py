"""Rasa's action endpoint and NLG endpoint, served by our app.

Rasa decides *which* action follows a message; we decide *what* is said, from the catalogue, in the
conversation's language. Both endpoints read the conversation state from the database.
"""
from __future__ import annotations

import logging

from anyio import to_thread
from fastapi import APIRouter, Request
from sqlalchemy.orm import sessionmaker

from assistant import replies
from assistant.conversation import ConversationNotFound, conversation_state, load, save_state
from assistant.dialogue import ConversationState, respond
from assistant.understanding import Understander

log = logging.getLogger("neuvo.actions")


def _ranking(latest: dict) -> list[tuple[str, float]]:
    ranking = [(r["name"], float(r.get("confidence") or 0.0)) for r in latest.get("intent_ranking") or []]
    intent = latest.get("intent") or {}
    if not ranking and intent.get("name"):
        ranking = [(intent["name"], float(intent.get("confidence") or 1.0))]
    return ranking


def router(sessions: sessionmaker, understander: Understander) -> APIRouter:
    api = APIRouter(prefix="/rasa", include_in_schema=False)

    def state_of(tracker: dict) -> ConversationState:
        latest = tracker.get("latest_message") or {}
        lang = (latest.get("metadata") or {}).get("lang")
        try:
            state = conversation_state(load(sessions, tracker.get("sender_id", "")))
        except ConversationNotFound:  # someone talking to Rasa directly (e.g. its own REST webhook)
            state = ConversationState(lang or "fi")
        if lang:
            state.language = lang
        return state

    def act(body: dict) -> dict:
        tracker = body.get("tracker") or {}
        latest = tracker.get("latest_message") or {}
        conversation = state_of(tracker)
        text = latest.get("text") or ""
        understanding = understander.understand(text, conversation.language, _ranking(latest))
        turn = respond(understanding, conversation, text, understander)
        try:
            save_state(sessions, tracker.get("sender_id", ""), turn.state)
        except Exception:  # noqa: BLE001 - a lost state update must not lose the answer
            log.exception("could not save the conversation state")
        return {"events": [], "responses": [{"custom": {"neuvo": m.as_dict()}} for m in turn.messages]}

    def generate(body: dict) -> dict:
        tracker = body.get("tracker") or {}
        latest = tracker.get("latest_message") or {}
        conversation = state_of(tracker)
        intent = latest.get("intent") or {}
        understood = {"intent": intent.get("name"), "service": None, "confidence": float(intent.get("confidence") or 0.0),
                      "language": conversation.language,
                      "ranking": [{"label": n, "score": round(c, 4)} for n, c in _ranking(latest)[:5]]}
        utter = body.get("response")
        if utter not in replies.SMALL_TALK:
            log.error("NLG asked for an unknown response %r", utter)
            return {"custom": {"neuvo": replies.acknowledged(conversation.language, understood).as_dict()}}
        return {"custom": {"neuvo": replies.small_talk(conversation.language, utter, understood).as_dict()}}

    @api.post("/webhook")
    async def action_endpoint(request: Request) -> dict:
        return await to_thread.run_sync(act, await request.json())

    @api.post("/nlg")
    async def nlg_endpoint(request: Request) -> dict:
        return await to_thread.run_sync(generate, await request.json())

    return api
