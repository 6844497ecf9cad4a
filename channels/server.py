"""The product's ASGI app: the assistant plus every customer channel (what `make run` serves)."""
from __future__ import annotations

from fastapi import FastAPI

from assistant.app import create_app as assistant_app
from assistant.settings import Settings
from channels import webchat, widget


def create_app(settings: Settings | None = None) -> FastAPI:
    return assistant_app(settings, channels=[webchat.router, widget.router])
