"""The assistant's parts and its app factory: REST API, Rasa's action and NLG endpoints, health and readiness.

`build` wires the assistant's own parts from the settings; the composition root (`channels.server`)
adds the channels and the contact centre and calls `create_app`. Nothing here knows them.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import anyio
from anyio import to_thread
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker
from starlette.exceptions import HTTPException

from assistant import actions, api, docs, inputs, logfilter, retention, schemas
from assistant.body_limit import BodyLimit
from assistant.content import ContentProvider, catalogue_loader, dialogue_loader, semantic_from
from assistant.conversation import ConversationService
from assistant.db import session_factory
from assistant.engine import RasaClient
from assistant.events import Event, EventKind, Events
from assistant.limits import Limits
from assistant.logs import RequestIds
from assistant.notify import notifier_for
from assistant.outbox import Outbox
from assistant.settings import Settings
from assistant.turns import Sweeper
from assistant.updates import Hub
from nlu import personal_data

log = logging.getLogger("neuvo.app")
QUIET = {EventKind.DELIVERED}  # events no socket needs to hear about


@dataclass
class Assistant:
    """The assistant's parts, built once per app (per worker)."""
    settings: Settings
    sessions: sessionmaker
    events: Events
    hub: Hub
    content: ContentProvider
    engine: RasaClient
    outbox: Outbox
    service: ConversationService
    limits: Limits


def build(settings: Settings, content: ContentProvider | None = None) -> Assistant:
    events = Events()
    sessions = events.attach(session_factory(settings.database_url))
    hub = Hub(sessions, notifier_for(settings.notifier, settings.database_url, settings.redis_url))

    def wake(event: Event) -> None:  # live updates subscribe to the events: every worker hears of each change
        if event.kind not in QUIET:
            hub.poke(event.conversation_id)

    events.subscribe(wake)
    content = content or ContentProvider(catalogue_loader(settings.held_out),
                                         semantic_from(settings.semantic, settings.cache_dir),
                                         dialogue_loader(settings.held_out))
    engine = RasaClient(settings)
    outbox = Outbox(sessions, events, [api.RestOutput()], settings.outbox_retry_s, settings.outbox_retry_max_s)
    service = ConversationService(settings, sessions, engine, content, outbox)
    return Assistant(settings, sessions, events, hub, content, engine, outbox, service, limits=Limits(settings, sessions))


Extension = Callable[[Assistant], APIRouter]


def create_app(settings: Settings | None = None, extensions: Sequence[Extension] = (),
               parts: Assistant | None = None) -> FastAPI:
    """The assistant's app; `extensions` (channels, the contact centre) add their routes and output channels."""
    logfilter.install()  # before anything logs: no log line of this worker carries personal data
    parts = parts or build(settings or Settings())
    settings = parts.settings
    routers = [extension(parts) for extension in extensions]  # may register output channels on the outbox
    sweeper = Sweeper(parts.service.recover_due, settings.turn_sweep_s)  # turns a crashed worker left unfinished
    retention_sweeper = Sweeper(lambda: to_thread.run_sync(retention.purge, parts.sessions, settings.retention_days),
                                settings.retention_sweep_s, "old conversation(s) deleted")

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        parts.content.current()  # load the content before the first customer waits for it
        personal_data.load()
        await parts.hub.start()
        await parts.outbox.startup()
        await parts.limits.start()
        await sweeper.start()
        await retention_sweeper.start()
        try:
            yield
        finally:  # a turn still running is cancelled here: it stays claimed and another worker takes it up
            await retention_sweeper.stop()
            await sweeper.stop()
            await parts.limits.stop()
            await parts.outbox.shutdown()
            await parts.hub.stop()
            await parts.engine.close()

    app = FastAPI(title="Neuvo", version="0.1.0", lifespan=lifespan, **docs.OPENAPI)  # /docs: served offline
    app.state.settings, app.state.parts, app.state.service, app.state.sweeper = settings, parts, parts.service, sweeper
    app.include_router(api.router(parts.service, parts.limits))
    app.include_router(docs.router(app.title, app.openapi_url or "/openapi.json"))
    app.include_router(actions.router(parts.sessions, parts.content, settings.rasa_callback_secret, parts.service.faults))
    for router in routers:
        app.include_router(router)

    @app.exception_handler(api.ApiError)
    async def api_error(request: Request, exc: api.ApiError):
        return api.error(request, exc.status, exc.code)

    @app.exception_handler(api.Rendered)
    async def rendered(request: Request, exc: api.Rendered):
        return exc.response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        return api.error(request, 422, inputs.error_code(exc.errors(), api.FIELD_ERRORS, "invalid_body"))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if exc.status_code == 400:  # e.g. a body that is not UTF-8 JSON
            return api.error(request, 400, "invalid_body")
        if exc.status_code == 413:  # refused by its Content-Length or while it streamed in, before parsing
            return api.error(request, 413, "body_too_large")
        return JSONResponse({"error": {"code": f"http_{exc.status_code}", "message": str(exc.detail)}},
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return api.error(request, 500, "internal")

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes,
                       prefixes={"/rasa/": settings.max_rasa_body_bytes})  # Rasa's calls carry its tracker
    app.add_middleware(RequestIds)  # outermost (added last): even a refused request gets an id

    def ping() -> None:
        with parts.sessions() as db:
            db.execute(text("SELECT 1"))

    async def database() -> str:
        try:
            with anyio.fail_after(settings.ready_timeout_s):
                await to_thread.run_sync(ping, abandon_on_cancel=True)
            return "up"
        except TimeoutError:
            return "down: timeout"
        except Exception as exc:
            return f"down: {type(exc).__name__}"

    @app.get("/health", tags=["operations"], response_model_exclude_unset=True)
    async def health() -> schemas.Health:
        """Liveness: 200 while the process serves, whatever its dependencies do (they are reported)."""
        db_state, engine_state = await database(), await parts.engine.status()
        return schemas.Health(status="ok" if db_state == "up" and engine_state["state"] == "up" else "degraded",
                              database=db_state, engine=schemas.EngineStatus(**engine_state),
                              content=parts.content.current().version)

    @app.get("/ready", tags=["operations"],
             responses={503: {"model": schemas.Ready, "description": "Not ready: `not_ready` names what fails."}})
    async def ready(response: Response) -> schemas.Ready:
        """Readiness: 200 when the database, Rasa and the change notifier all work, else 503 naming what not."""
        engine_state = await parts.engine.status()
        checks = schemas.ReadyChecks(database=await database(), engine=engine_state["state"],
                                     notifier="up" if parts.hub.listening else "down")
        not_ready = sorted(name for name, state in checks.model_dump().items() if state != "up")
        response.status_code = 503 if not_ready else 200
        return schemas.Ready(status="not_ready" if not_ready else "ready", not_ready=not_ready, checks=checks)

    return app
