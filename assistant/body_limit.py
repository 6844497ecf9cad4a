"""Request bodies over the limit are refused before anything reads them into memory or parses them.

An ASGI middleware: a Content-Length over the limit is answered 413 at once, without reading a byte of
the body; a body without one (chunked) is counted as it streams in and refused the moment it passes the
limit. Either way the answer is the API's JSON error in the caller's language. Rasa's calls to /rasa/*
carry its whole tracker and have a limit of their own.
"""
from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant import api


class BodyTooLarge(HTTPException):
    """Raised inside the body read: FastAPI passes HTTP exceptions on, and the app's handler answers it."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="body_too_large")


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, prefixes: dict[str, int] | None = None):
        self.app, self.max_bytes, self.prefixes = app, max_bytes, prefixes or {}

    def limit(self, path: str) -> int:
        return next((n for prefix, n in self.prefixes.items() if path.startswith(prefix)), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope["path"])
        declared = next((value for name, value in scope["headers"] if name == b"content-length"), None)
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await api.error(Request(scope), 413, "body_too_large")(scope, receive, send)
            return
        received, started = 0, False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge()
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:  # read outside a route (nothing answered it yet)
            if started:
                raise
            await api.error(Request(scope), 413, "body_too_large")(scope, receive, send)
