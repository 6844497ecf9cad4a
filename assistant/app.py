"""The app factory: REST API, Rasa's action and NLG endpoints, health."""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from sqlalchemy import text

from assistant import actions, api
from assistant.conversation import ConversationService
from assistant.db import session_factory
from assistant.engine import RasaClient
from assistant.settings import Settings
from assistant.understanding import understander

log = logging.getLogger("neuvo.app")


def create_app(settings: Settings | None = None,
               channels: Sequence[Callable[[ConversationService], APIRouter]] = ()) -> FastAPI:
    """The assistant's app; `channels` add their routes (channels call the assistant, not the reverse)."""
    settings = settings or Settings.from_env()
    sessions = session_factory(settings.database_url)
    engine = RasaClient(settings)
    service = ConversationService(settings, sessions, engine, understander())

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        await engine.close()

    app = FastAPI(title="Neuvo", version="0.1.0", lifespan=lifespan,
                  description="Advisory assistant for Finland's public employment and business services.")
    app.state.settings, app.state.service = settings, service
    app.include_router(api.router(service))
    app.include_router(actions.router(sessions, service.understander))
    for channel in channels:
        app.include_router(channel(service))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        return api.error(request, 422, "invalid_body")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if exc.status_code == 400:  # e.g. a body that is not UTF-8 JSON
            return api.error(request, 400, "invalid_body")
        return JSONResponse({"error": {"code": f"http_{exc.status_code}", "message": str(exc.detail)}},
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return api.error(request, 500, "internal")

    @app.get("/health", tags=["operations"])
    async def health():
        try:
            with sessions() as db:
                db.execute(text("SELECT 1"))
            database = "up"
        except Exception as exc:  # noqa: BLE001
            database = f"down: {type(exc).__name__}"
        engine_state = await engine.status()
        return {"status": "ok" if database == "up" and engine_state["state"] == "up" else "degraded",
                "database": database, "engine": engine_state}

    return app
