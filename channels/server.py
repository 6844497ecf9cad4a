"""The product's ASGI app: the assistant, every customer channel and the contact centre (what `make run`
serves). This composition is the one place that knows them all."""
from __future__ import annotations

from fastapi import APIRouter, FastAPI

from assistant.app import create_app as assistant_app
from assistant.conversation import ConversationService
from assistant.settings import Settings
from channels import webchat, widget
from handoff import console
from handoff.desk import Desk


def contact_centre(service: ConversationService) -> APIRouter:
    """Conversations the bot hands over go to the desk; agents work them in the console."""
    service.desk = Desk(service)
    return console.router(service, service.desk)


def create_app(settings: Settings | None = None) -> FastAPI:
    return assistant_app(settings, channels=[contact_centre, webchat.router, widget.router])
