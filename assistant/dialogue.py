"""One bot turn: from what was understood and where the conversation stands, decide what to say.

The rules live here once, whether the engine answered or is down: answer a clear service question (the
part it asks for first: `assistant.answers`), ask which service when unsure, offer a person after a failed
clarification or repeated misunderstanding. A button's payload `/service{"facet": …}` asks for one part
of one service and is answered like a clarification's choice.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from assistant import answers, replies
from assistant.language import requested_language
from assistant.message import BotMessage, Payload
from assistant.states import STICKY, State
from assistant.understanding import OUT_OF_SCOPE, Understander, Understanding
from knowledge.catalogue import Catalogue
from nlu.identifiers import valid_business_id

SMALL_TALK_INTENTS = {"greet": "utter_greet", "goodbye": "utter_goodbye", "thanks": "utter_thanks",
                      "bot_challenge": "utter_bot_challenge", "feedback": "utter_feedback"}
MISUNDERSTANDINGS_BEFORE_OFFER = 2


@dataclass
class ConversationState:
    language: str
    state: State = State.BOT
    failed_turns: int = 0
    language_fixed: bool = False


@dataclass
class Turn:
    messages: list[BotMessage]
    state: ConversationState
    action: str                 # answer | clarify | offer_human | handoff | out_of_scope | small_talk | switch_language | ack
    notes: list[str] = field(default_factory=list)


def respond(understanding: Understanding, conversation: ConversationState, text: str,
            understander: Understander, engine_down: bool = False) -> Turn:
    turn = _respond(understanding, conversation, text, understander, engine_down)
    if conversation.state in STICKY:  # stands until the contact centre takes the conversation up
        turn.state.state = conversation.state
    return turn


def _respond(understanding: Understanding, conversation: ConversationState, text: str,
             understander: Understander, engine_down: bool) -> Turn:
    catalogue: Catalogue = understander.catalogue
    lang = conversation.language
    state = ConversationState(lang, State.BOT, conversation.failed_turns, conversation.language_fixed)
    u = understanding.as_dict()
    intent = understanding.intent

    def offer(reason: str) -> Turn:
        state.state, state.failed_turns = State.HUMAN_OFFERED, 0
        return Turn([replies.human_offer(lang, reason, u)], state, "offer_human")

    if intent == "request_human" or (intent == "affirm" and conversation.state == State.HUMAN_OFFERED):
        state.state, state.failed_turns = State.HANDOFF_REQUESTED, 0
        return Turn([replies.handoff_requested(lang, u)], state, "handoff")
    if intent == "deny" and conversation.state == State.AWAITING_CHOICE:
        return offer("not_understood")
    if intent == "switch_language":
        state.language, state.language_fixed = requested_language(text, lang), True
        return Turn([replies.language_switched(state.language, u)], state, "switch_language")
    if intent in SMALL_TALK_INTENTS:
        return Turn([replies.small_talk(lang, SMALL_TALK_INTENTS[intent], u)], state, "small_talk")
    if intent == "give_business_id":
        return Turn([replies.business_id_noted(lang, valid_business_id(text), u)], state, "ack")
    if intent == "give_municipality":
        return Turn([replies.municipality_noted(lang, u)], state, "ack")
    if intent in ("affirm", "deny"):
        return Turn([replies.acknowledged(lang, u)], state, "ack")

    entry = catalogue.get(understanding.service) if understanding.service else None
    payload = Payload.parse(text)
    facet = answers.facet_asked(text)
    if entry is not None and (understander.is_clear(understanding) or (payload and payload.intent == entry.id)):
        state.failed_turns = 0
        answer = replies.service_answer(lang, entry, u, facet)
        messages = [answer]
        if engine_down or entry.needs_person:
            person = replies.human_offer(lang, "engine_down" if engine_down else "needs_person", u)
            person.buttons += answer.buttons  # a channel shows the last message's buttons: the follow-ups move along
            answer.buttons = []
            messages.append(person)
            state.state = State.HUMAN_OFFERED
        return Turn(messages, state, "answer")
    state.failed_turns = conversation.failed_turns + 1
    if engine_down or conversation.state == State.AWAITING_CHOICE or state.failed_turns >= MISUNDERSTANDINGS_BEFORE_OFFER:
        turn = offer("engine_down" if engine_down else "not_understood")
        options = understanding.entries(catalogue) if engine_down else []
        if options and intent != OUT_OF_SCOPE:
            turn.messages.insert(0, replies.clarification(lang, options, u, facet))
        return turn
    if intent == OUT_OF_SCOPE or entry is None:
        return Turn([replies.out_of_scope(lang, u)], state, "out_of_scope")
    state.state = State.AWAITING_CHOICE
    options = understanding.entries(catalogue)
    return Turn([replies.clarification(lang, options, u, facet)], state, "clarify")
