"""A fault-injection hook for the crash tests: hold a turn at one named step, so a test can kill the
process at exactly that moment (tests/test_reliability.py). Off unless `fault_pause_at` is set.

Steps of a bot turn, in order:
- `stored`: the customer message is stored and its turn claimed; Rasa has not been asked;
- `in_engine`: Rasa is busy with the turn: it called our action endpoint, which stored the dialogue state;
- `answered`: the bot's reply is computed; nothing of it is stored;
- `replied`: the reply is stored and the turn done; the customer has not been sent it.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Literal

log = logging.getLogger("neuvo.faults")
Step = Literal["stored", "in_engine", "answered", "replied"]


class Faults:
    def __init__(self, pause_at: str | None, pause_s: float):
        self.pause_at, self.pause_s = pause_at or None, pause_s

    async def pause(self, step: Step, conversation_id: str) -> None:
        """Hold the turn here for `pause_s` when the settings name this step (logged first, so a test sees it)."""
        if step == self.pause_at:
            log.warning("fault injection: the turn is held at %s", step,
                        extra={"fault": step, "conversation_id": conversation_id})
            await asyncio.sleep(self.pause_s)
