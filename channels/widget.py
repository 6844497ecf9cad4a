"""The embeddable widget: its script and style, its UI strings, its embedding check and a demo page.

A host page on another origin loads widget.js and widget.css as plain subresources (no CORS needed; they
carry `Cross-Origin-Resource-Policy: cross-origin` for pages that require it). What the script then
fetches follows the allow-list (channels/sites.py): `/widget/config.json` answers every origin — it tells
the widget whether its page may embed it, so a misconfigured site gets one clear message in the browser
console instead of a dead chat — and the strings are shared by CORS with allowed origins only.
"""
from __future__ import annotations

import html
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

from assistant.app import Assistant
from channels import privacy
from channels.sites import Sites
from channels.widget_strings import WIDGET_STRINGS, strings

STATIC = Path(__file__).resolve().parent / "static"
LANGS = ("fi", "sv", "en")
ASSET_HEADERS = {"Cache-Control": "max-age=300", "Cross-Origin-Resource-Policy": "cross-origin"}


class WidgetConfig(BaseModel):
    """What a page embedding the widget learns before it shows anything (no conversation data)."""
    embedding: str = Field(..., description="allowed | refused: may this page's origin embed the widget")
    origin: str | None = Field(None, description="the Origin the request came with (none: our own page)")
    max_message_chars: int = Field(..., description="the longest message the server accepts")
    retention_days: int = Field(..., description="conversations are deleted this many days after their last message")


def page_language(request: Request) -> str:
    lang = request.query_params.get("lang", "fi")
    return lang if lang in LANGS else "fi"


def router(parts: Assistant) -> APIRouter:
    api = APIRouter()
    settings, sites = parts.settings, Sites(parts.settings, parts.sessions)

    def shared_with(request: Request, response: Response) -> Response:
        """CORS for an allowed host page's origin; any other origin's browser keeps the body from its page."""
        origin = request.headers.get("origin")
        response.headers["Vary"] = "Origin"
        if origin is not None and sites.allows(origin):
            response.headers["Access-Control-Allow-Origin"] = origin
        return response

    @api.get("/widget.js", include_in_schema=False)
    async def script():
        return FileResponse(STATIC / "widget.js", media_type="text/javascript", headers=ASSET_HEADERS)

    @api.get("/widget.css", include_in_schema=False)
    async def style():
        return FileResponse(STATIC / "widget.css", media_type="text/css", headers=ASSET_HEADERS)

    @api.get("/widget/config.json", tags=["widget"], response_model=WidgetConfig)
    async def config(request: Request, response: Response) -> WidgetConfig:
        """Public (CORS `*`): may this page embed the widget, and the limits the widget shows."""
        origin = request.headers.get("origin")
        response.headers.update({"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"})
        return WidgetConfig(embedding="allowed" if sites.allows(origin) else "refused", origin=origin,
                            max_message_chars=settings.max_message_chars, retention_days=settings.retention_days)

    @api.get("/widget/strings/{lang}.json", include_in_schema=False)
    async def ui_strings(lang: str, request: Request):
        if lang not in LANGS:
            return shared_with(request, JSONResponse(
                {"error": {"code": "unsupported_language", "message": "fi, sv or en"}}, status_code=404))
        return shared_with(request, JSONResponse(strings(lang), headers={"Cache-Control": "max-age=300"}))

    @api.get("/privacy", response_class=HTMLResponse, include_in_schema=False)
    async def privacy_page(request: Request):
        return privacy.page(page_language(request), settings.retention_days)

    @api.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def demo(request: Request):
        lang = page_language(request)
        texts = strings(lang)
        demo_page = (STATIC / "demo.html").read_text(encoding="utf-8")
        for key, value in {"lang": lang, "title": texts.get("demo_title", ""), "intro": texts.get("demo_intro", "")}.items():
            demo_page = demo_page.replace("{{" + key + "}}", html.escape(value))
        return demo_page

    assert WIDGET_STRINGS  # the widget has nothing to show without its strings
    return api
