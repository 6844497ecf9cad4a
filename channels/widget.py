"""The embeddable widget: its script and style, its UI strings from the Babel catalogs, and a demo page."""
from __future__ import annotations

import html
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from assistant.app import Assistant
from channels.widget_strings import WIDGET_STRINGS, strings

STATIC = Path(__file__).resolve().parent / "static"
LANGS = ("fi", "sv", "en")


def router(_parts: Assistant) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/widget.js")
    async def script():
        return FileResponse(STATIC / "widget.js", media_type="text/javascript", headers={"Cache-Control": "max-age=300"})

    @api.get("/widget.css")
    async def style():
        return FileResponse(STATIC / "widget.css", media_type="text/css", headers={"Cache-Control": "max-age=300"})

    @api.get("/widget/strings/{lang}.json")
    async def ui_strings(lang: str):
        if lang not in LANGS:
            return JSONResponse({"error": {"code": "unsupported_language", "message": "fi, sv or en"}}, status_code=404)
        return strings(lang)

    @api.get("/", response_class=HTMLResponse)
    async def demo(request: Request):
        lang = request.query_params.get("lang", "fi")
        lang = lang if lang in LANGS else "fi"
        texts = strings(lang)
        page = (STATIC / "demo.html").read_text(encoding="utf-8")
        for key, value in {"lang": lang, "title": texts.get("demo_title", ""), "intro": texts.get("demo_intro", "")}.items():
            page = page.replace("{{" + key + "}}", html.escape(value))
        return page

    assert WIDGET_STRINGS  # the widget has nothing to show without its strings
    return api
