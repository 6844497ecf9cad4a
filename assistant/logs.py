"""Structured logs: one JSON object a line (python-json-logger), each naming the request it belongs to.

Every HTTP request and websocket connection gets a request id (the caller's `X-Request-ID` when it is a
sane one, else a new one), kept in a context variable for everything the request does, worker threads
included (anyio copies the context), and sent back in the `X-Request-ID` response header. The app's
processes are configured by the file `uvicorn_config` writes (uvicorn's `--log-config`), the supervisor
by `configure`; both log to stderr.
"""
from __future__ import annotations

import json
import logging
import logging.config
import re
import time
import uuid
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

request_id: ContextVar[str | None] = ContextVar("neuvo_request_id", default=None)
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
NOISE = ("color_message",)  # uvicorn's coloured copy of its message
log = logging.getLogger("neuvo.http")


class JsonFormatter(_JsonFormatter):
    """`{"time", "level", "logger", "message", "process", "pid", "request_id", …extra}` on one line."""

    def __init__(self, role: str = "app", **kwargs: Any):
        super().__init__("{levelname}{name}{message}", style="{", timestamp="time",  # ISO 8601, UTC
                         rename_fields={"levelname": "level", "name": "logger"},
                         static_fields={"process": role}, json_ensure_ascii=False, **kwargs)

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        super().add_fields(log_data, record, message_dict)
        for key in NOISE:
            log_data.pop(key, None)
        log_data["pid"] = record.process
        if (rid := request_id.get()) is not None and "request_id" not in log_data:
            log_data["request_id"] = rid


def dict_config(level: str, role: str) -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter", "role": role}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        "loggers": {**{name: {"handlers": [], "propagate": True, "level": level.upper()}
                       for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
                    "alembic.runtime.plugins": {"level": "WARNING"},  # a line per plugin at every start
                    # a line per call to Rasa, inside every turn; its failures are logged as EngineUnavailable
                    "httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
    }


def configure(level: str, role: str) -> None:
    """JSON lines on stderr for this process (the supervisor)."""
    logging.config.dictConfig(dict_config(level, role))


def uvicorn_config(path: Path, level: str) -> Path:
    """The `--log-config` file of the app's processes (uvicorn reads JSON dictConfig files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict_config(level, "app"), indent=1), encoding="utf-8")
    return path


class RequestIds:
    """ASGI middleware: a request id per HTTP request and websocket connection, and one log line for each
    (method, path, status, duration; websockets when they close)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = given if SANE_ID.fullmatch(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        started, status = time.monotonic(), 0

        async def send_with_id(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", rid.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id if scope["type"] == "http" else send)
        finally:
            log.info("%s %s", scope.get("method", "WEBSOCKET"), scope.get("path"),
                     extra={"method": scope.get("method", "WEBSOCKET"), "path": scope.get("path"), "status": status,
                            "duration_ms": round((time.monotonic() - started) * 1000, 1)})
            request_id.reset(token)
