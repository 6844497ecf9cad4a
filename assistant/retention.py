"""Conversations are deleted `retention_days` after their last activity, with everything that hangs on them
(messages, outbox items, handoff events: ON DELETE CASCADE), as the privacy page promises."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from assistant.models import Conversation, utcnow

log = logging.getLogger("neuvo.retention")
BATCH = 500  # conversations per transaction: a long backlog never holds one huge lock


def purge(sessions: sessionmaker, days: int, now: dt.datetime | None = None) -> int:
    """Delete the conversations untouched for `days` days; returns how many. `days` 0 keeps everything."""
    if days <= 0:
        return 0
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    deleted = 0
    while True:
        with sessions.begin() as db:
            ids = list(db.scalars(select(Conversation.id).where(Conversation.updated_at < cutoff).limit(BATCH)))
            if not ids:
                break
            db.execute(delete(Conversation).where(Conversation.id.in_(ids)))
        deleted += len(ids)
    if deleted:
        log.info("deleted %d conversation(s) older than %d days", deleted, days, extra={"deleted": deleted})
    return deleted
