"""The API's documentation, served by the app itself so that it works with no network beyond the app.

`/docs` is Swagger UI on `/openapi.json`, its script and style from the `fastapi-swagger` package's copy of
swagger-ui-dist (no CDN; ReDoc is off). The web chat is a websocket outside the OpenAPI schema: its protocol
(docs/protocol.md) is linked from the schema's description and served as a page, `/docs/protocol`.
"""
from __future__ import annotations

import html
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse
from markdown_it import MarkdownIt

PROTOCOL = Path(__file__).resolve().parent.parent / "docs" / "protocol.md"
ASSETS = Path(str(resources.files("fastapi_swagger.resources")))  # swagger-ui-dist, as the package ships it
MEDIA = {"swagger-ui-bundle.js": "text/javascript; charset=utf-8", "swagger-ui.css": "text/css; charset=utf-8",
         "favicon-32x32.png": "image/png"}
# Swagger UI's page runs one inline script (its settings) and sets inline styles; nothing may come from elsewhere.
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
SECURITY = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}

DESCRIPTION = """\
Advisory assistant for Finland's public employment and business services, in Finnish, Swedish and English.

- **conversations**: REST API v1 for a customer's own client. `POST /api/v1/conversations` returns the
  conversation's `token`; every later call sends it as `Authorization: Bearer <token>` and reaches that
  conversation only.
- **console**: the contact centre's agent console (a session cookie, and `X-CSRF-Token` on every change).
- **operations**: liveness (`/health`) and readiness (`/ready`).

The web chat that the widget speaks is a websocket, `/ws/chat`, outside this schema: its frames, the
acknowledgements and the resume after a reconnect are in the **[web chat protocol](/docs/protocol)**.

Every error is `{"error": {"code", "message"}}`: `code` for programs, `message` in the caller's language
(`Accept-Language`: fi, sv or en).
"""
#: The FastAPI arguments of the documentation (no CDN: FastAPI's own /docs and /redoc are off).
OPENAPI: dict[str, Any] = {
    "description": DESCRIPTION, "docs_url": None, "redoc_url": None,
    "openapi_tags": [
        {"name": "conversations", "description": "A customer's conversation over REST."},
        {"name": "console", "description": "The agent console's JSON API (docs/handoff.md)."},
        {"name": "operations", "description": "Health and readiness for the operator and the load balancer."},
    ],
}


def protocol_page(markdown: str) -> str:
    """docs/protocol.md as a plain HTML page (raw HTML in the Markdown is shown as text)."""
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape('Neuvo: web chat protocol')}</title><style>"
            "body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}"
            "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3rem .5rem;vertical-align:top}"
            "code{background:#f1f1f1;padding:0 .2rem}</style></head>\n"
            f'<body><p><a href="/docs">API documentation</a> · <a href="/docs/protocol.md">Markdown</a></p>\n'
            f"<main>{body}</main></body></html>\n")


def router(title: str, openapi_url: str) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/docs")
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        page = get_swagger_ui_html(openapi_url=root + openapi_url, title=f"{title}: API",
                                   swagger_js_url=f"{root}/docs/assets/swagger-ui-bundle.js",
                                   swagger_css_url=f"{root}/docs/assets/swagger-ui.css",
                                   swagger_favicon_url=f"{root}/docs/assets/favicon-32x32.png")
        page.headers.update({"Content-Security-Policy": DOCS_CSP, **SECURITY})
        return page

    @api.get("/docs/assets/{name}")
    async def asset(name: str) -> FileResponse:
        if name not in MEDIA:
            raise HTTPException(404)
        return FileResponse(ASSETS / name, media_type=MEDIA[name],
                            headers={"Cache-Control": "public, max-age=86400", **SECURITY})

    @api.get("/docs/protocol")
    async def protocol() -> HTMLResponse:
        return HTMLResponse(protocol_page(PROTOCOL.read_text(encoding="utf-8")),
                            headers={"Content-Security-Policy": PAGE_CSP, **SECURITY})

    @api.get("/docs/protocol.md")
    async def protocol_markdown() -> PlainTextResponse:
        return PlainTextResponse(PROTOCOL.read_text(encoding="utf-8"), media_type="text/markdown; charset=utf-8",
                                 headers=SECURITY)

    return api
