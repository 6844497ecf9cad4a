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

from assistant.app import Assistant
from channels import privacy
from channels.sites import Sites
from channels.widget_strings import WIDGET_STRINGS, strings

STATIC = Path(__file__).resolve().parent / "static"
LANGS = ("fi", "sv", "en")
ASSET_HEADERS = {"Cache-Control": "max-age=300", "Cross-Origin-Resource-Policy": "cross-origin"}


def page_language(request: Request) -> str:
    lang = request.query_params.get("lang", "fi")
    return lang if lang in LANGS else "fi"


def router(parts: Assistant) -> APIRouter:
    api = APIRouter(include_in_schema=False)
    settings, sites = parts.settings, Sites(parts.settings, parts.sessions)

    def shared_with(request: Request, response: Response) -> Response:
        """CORS for an allowed host page's origin; any other origin's browser keeps the body from its page."""
        origin = request.headers.get("origin")
        response.headers["Vary"] = "Origin"
        if origin is not None and sites.allows(origin):
            response.headers["Access-Control-Allow-Origin"] = origin
        return response

    @api.get("/widget.js")
    async def script():
        return FileResponse(STATIC / "widget.js", media_type="text/javascript", headers=ASSET_HEADERS)

    @api.get("/widget.css")
    async def style():
        return FileResponse(STATIC / "widget.css", media_type="text/css", headers=ASSET_HEADERS)

    @api.get("/widget/config.json")
    async def config(request: Request):
        """Public: may this page embed the widget, and the limits the widget shows (no conversation data)."""
        origin = request.headers.get("origin")
        return JSONResponse({"embedding": "allowed" if sites.allows(origin) else "refused", "origin": origin,
                             "max_message_chars": settings.max_message_chars,
                             "retention_days": settings.retention_days},
                            headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"})

    @api.get("/widget/strings/{lang}.json")
    async def ui_strings(lang: str, request: Request):
        if lang not in LANGS:
            return shared_with(request, JSONResponse(
                {"error": {"code": "unsupported_language", "message": "fi, sv or en"}}, status_code=404))
        return shared_with(request, JSONResponse(strings(lang), headers={"Cache-Control": "max-age=300"}))

    @api.get("/privacy", response_class=HTMLResponse)
    async def privacy_page(request: Request):
        return privacy.page(page_language(request), settings.retention_days)

    @api.get("/", response_class=HTMLResponse)
    async def demo(request: Request):
        lang = page_language(request)
        texts = strings(lang)
        page = (STATIC / "demo.html").read_text(encoding="utf-8")
        for key, value in {"lang": lang, "title": texts.get("demo_title", ""), "intro": texts.get("demo_intro", "")}.items():
            page = page.replace("{{" + key + "}}", html.escape(value))
        return page

    assert WIDGET_STRINGS  # the widget has nothing to show without its strings
    return api
