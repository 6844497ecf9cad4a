"""The API's documentation: every route's answers are in the OpenAPI schema and every answer is what the
schema says; /docs renders in a real Chromium with no network beyond the app; the web chat protocol is one
click away from it."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import BaseModel, TypeAdapter

from appserver import app_process
from assistant import schemas
from assistant.db import session_factory
from channels.server import create_app, migrate
from handoff.agents import create_user
from test_widget_browser import browser, page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.docs
PASSWORD = "correct horse battery"
# Routes outside the schema, and why: pages, scripts and styles; websockets (docs/protocol.md); Rasa's own
# endpoints (loopback and its secret only); the widget's UI strings (the widget's, like its script); the
# privacy page the widget links to.
OUT_OF_SCHEMA = {
    "/docs", "/docs/assets/{name}", "/docs/protocol", "/docs/protocol.md", "/openapi.json",
    "/", "/widget.js", "/widget.css", "/widget/strings/{lang}.json", "/privacy", "/ws/chat",
    "/console", "/console/console.js", "/console/console.css", "/ws/console",
    "/rasa/webhook", "/rasa/nlg",
}
REST_ERRORS = {  # (method, path): the error statuses a REST v1 client must be told about
    ("post", "/api/v1/conversations"): {400, 413, 422, 429},
    ("post", "/api/v1/conversations/{conversation_id}/messages"): {400, 401, 403, 404, 413, 422, 429},
    ("get", "/api/v1/conversations/{conversation_id}"): {401, 403, 404},
}


@pytest.fixture
def app(offline_settings):
    migrate(offline_settings.database_url)
    sessions = session_factory(offline_settings.database_url)
    create_user(sessions, "anna", PASSWORD, "Anna", "agent", ["fi", "sv"])
    create_user(sessions, "sue", PASSWORD, "Sue", "supervisor", ["fi", "sv", "en"])
    return create_app(offline_settings)


def resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def describes(spec: dict, schema: dict) -> bool:
    """A JSON schema that says something about the answer: an object's properties, a list of such, a map
    of strings, or the one model of `{}` (a change that has nothing to return)."""
    if schema == {"$ref": "#/components/schemas/Empty"}:
        return True
    schema = resolve(spec, schema)
    if schema.get("type") == "array":
        return describes(spec, schema.get("items") or {})
    return bool(schema.get("properties")) or isinstance(schema.get("additionalProperties"), dict)


def test_every_operation_documents_its_json_answer_and_the_errors_it_gives(app):
    spec = app.openapi()
    operations = [(method, path, op) for path, ops in spec["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 20
    for method, path, op in operations:
        ok = [r for status, r in op["responses"].items() if status.startswith("2")]
        assert ok, (method, path)
        schema = ok[0].get("content", {}).get("application/json", {}).get("schema", {})
        assert describes(spec, schema), (method, path, schema)
        for status, response in op["responses"].items():  # errors: ours, not FastAPI's default 422 shape
            if not status.startswith("2") and status != "503":
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, \
                    (method, path, status)
    assert "HTTPValidationError" not in spec["components"]["schemas"]  # the app never answers that shape
    for (method, path), statuses in REST_ERRORS.items():
        assert statuses <= {int(s) for s in spec["paths"][path][method]["responses"]}, (method, path)
    documented = set(spec["paths"])
    served = {route.path for route in iter_route_contexts(app.routes)}  # included routers' routes too
    assert served - documented == OUT_OF_SCHEMA  # a new route is either documented or named above, with why


def extras(value: Any, where: str = "") -> list[str]:
    """Keys an answer has that its model does not declare, anywhere inside it."""
    if isinstance(value, BaseModel):
        found = [f"{where}.{key}" for key in value.model_extra or {}]
        return found + [e for name in type(value).model_fields for e in extras(getattr(value, name), f"{where}.{name}")]
    if isinstance(value, list):
        return [e for i, item in enumerate(value) for e in extras(item, f"{where}[{i}]")]
    return []


class Recorder:
    """Calls the app, and checks each answer against what the schema says of that route and status."""

    def __init__(self, app):
        self.spec = app.openapi()
        self.routes = {(method.lower(), r.path): r for r in iter_route_contexts(app.routes) for method in r.methods or ()}
        self.answered: set[tuple[str, str]] = set()

    def __call__(self, client: TestClient, method: str, path: str, expected: int = 200, **kwargs) -> Any:
        params = {k: kwargs.pop(k) for k in list(kwargs) if "{" + k + "}" in path}
        response = client.request(method, path.format(**params), **kwargs)
        assert response.status_code == expected, (method, path, response.text[:300])
        documented = self.spec["paths"][path][method.lower()]["responses"]
        assert str(response.status_code) in documented, (method, path, response.status_code)
        route = self.routes[(method.lower(), path)]
        schema = documented[str(response.status_code)]["content"]["application/json"]["schema"]
        model = schemas.Error if schema == {"$ref": "#/components/schemas/Error"} else route.response_model
        adapter: TypeAdapter = TypeAdapter(model)
        body = response.json()
        value = adapter.validate_python(body)
        assert extras(value) == [], (method, path)  # every key the client gets is in the schema
        assert adapter.dump_python(value, mode="json", by_alias=True, exclude_unset=True) == body  # and kept
        if model is route.response_model:  # the route's own answer (for /ready here: 503, the engine is down)
            self.answered.add((method.lower(), path))
        return body


def test_every_answer_is_what_the_schema_says(app):
    """One conversation through every operation of the schema: the REST customer is handed over, an agent
    works it, a supervisor watches; each answer (and each error met) validates against its documented model."""
    check = Recorder(app)
    with TestClient(app) as customer, TestClient(app) as agent, TestClient(app) as supervisor:
        login = check(agent, "POST", "/console/api/login", json={"username": "anna", "password": PASSWORD})
        csrf = {"X-CSRF-Token": login["csrf"]}
        boss = {"X-CSRF-Token": check(supervisor, "POST", "/console/api/login",
                                      json={"username": "sue", "password": PASSWORD})["csrf"]}
        started = check(customer, "POST", "/api/v1/conversations", 201, json={"lang": "fi", "region": "15"})
        cid = started["conversation_id"]
        customer.headers["Authorization"] = f"Bearer {started['token']}"

        def turn(text: str, expected: int = 200) -> Any:
            return check(customer, "POST", "/api/v1/conversations/{conversation_id}/messages", expected,
                         conversation_id=cid, json={"text": text})

        answered = turn("Miten haen starttirahaa yrityksen perustamiseen?")
        assert answered["engine"] == "down" and answered["understood"]["service"] == "start_up_grant"
        assert any(m.get("service") == "start_up_grant" for m in answered["messages"])
        assert turn("/request_human")["state"] == "queued"
        transcript = check(customer, "GET", "/api/v1/conversations/{conversation_id}", conversation_id=cid)
        assert [m["event"] for m in transcript["messages"] if "event" in m] == ["queued"]
        check(customer, "GET", "/health")
        check(customer, "GET", "/widget/config.json", headers={"Origin": "https://elsewhere.example"})
        check(customer, "GET", "/ready", 503)  # the engine is down here
        check(agent, "GET", "/console/api/strings/{lang}", lang="sv")
        check(agent, "GET", "/console/api/me")
        check(agent, "POST", "/console/api/status", json={"status": "online"}, headers=csrf)
        waiting = check(agent, "GET", "/console/api/queues")
        assert any(w["conversation_id"] == cid for q in waiting for w in q["waiting"])
        on = {"conversation_id": cid, "headers": csrf}
        check(agent, "POST", "/console/api/conversations/{conversation_id}/claim", **on)
        check(agent, "POST", "/console/api/conversations/{conversation_id}/claim", 409, **on)
        check(agent, "POST", "/console/api/conversations/{conversation_id}/messages", json={"text": "Hei!"}, **on)
        check(agent, "POST", "/console/api/conversations/{conversation_id}/typing", json={"on": True}, **on)
        check(agent, "GET", "/console/api/conversations")
        detail = check(agent, "GET", "/console/api/conversations/{conversation_id}", conversation_id=cid)
        assert detail["messages"][0]["understood"]["service_title"] == "Starttiraha"
        check(agent, "GET", "/console/api/labels")
        asked = {"seq": detail["messages"][0]["seq"], **on}
        check(agent, "POST", "/console/api/conversations/{conversation_id}/messages/{seq}/label",
              json={"label": "start_up_grant"}, **asked)
        check(agent, "POST", "/console/api/conversations/{conversation_id}/messages/{seq}/label", 422,
              json={"label": "no_such_service"}, **asked)
        labelled = check(agent, "GET", "/console/api/conversations/{conversation_id}", conversation_id=cid)
        assert labelled["messages"][0]["label"]["title"] == "Starttiraha"
        check(agent, "GET", "/console/api/canned", params={"lang": "sv"})
        check(agent, "GET", "/console/api/outcomes")
        check(agent, "GET", "/console/api/transfer-targets")
        check(agent, "GET", "/console/api/supervisor", 403)
        check(supervisor, "GET", "/console/api/supervisor")
        check(agent, "GET", "/console/api/supervisor/email", 403)
        check(supervisor, "GET", "/console/api/supervisor/email")
        check(agent, "POST", "/console/api/conversations/{conversation_id}/transfer",
              json={"queue": "topic:jobseekers", "note": "työnhaku"}, **on)
        check(agent, "POST", "/console/api/conversations/{conversation_id}/claim", **on)
        check(agent, "POST", "/console/api/conversations/{conversation_id}/return", json={}, **on)
        turn("/request_human")
        check(agent, "POST", "/console/api/conversations/{conversation_id}/claim", **on)
        check(agent, "POST", "/console/api/conversations/{conversation_id}/close", json={"outcome": "answered"}, **on)
        final = check(customer, "GET", "/api/v1/conversations/{conversation_id}", conversation_id=cid)
        assert {"agent_joined", "transferred", "returned_to_bot", "closed"} <= {m.get("event") for m in final["messages"]}
        assert any(m.get("author") == "Anna" for m in final["messages"])
        # errors are documented and shaped as documented
        check(TestClient(app), "GET", "/api/v1/conversations/{conversation_id}", 401, conversation_id=cid)
        check(customer, "GET", "/api/v1/conversations/{conversation_id}", 403, conversation_id="other")
        turn("", 422)
        turn("a" * 10_000, 413)
        check(customer, "POST", "/api/v1/conversations", 422, json={"lang": "de"})
        check(agent, "GET", "/console/api/conversations/{conversation_id}", 404, conversation_id="nope")
        check(agent, "POST", "/console/api/logout", headers=csrf)
        check(agent, "GET", "/console/api/me", 401)
        check(supervisor, "POST", "/console/api/logout", headers=boss)
    schema = {(method, path) for path, ops in check.spec["paths"].items() for method in ops}
    assert schema - check.answered == set()  # every operation in the schema answered, and was checked


def test_the_docs_page_loads_its_ui_from_the_app_and_links_the_protocol(app):
    client = TestClient(app)
    page_ = client.get("/docs")
    assert page_.status_code == 200 and "/docs/assets/swagger-ui-bundle.js" in page_.text
    assert "http://" not in page_.text and "https://" not in page_.text  # nothing from a CDN
    assert "default-src 'self'" in page_.headers["content-security-policy"]
    for name, media in (("swagger-ui-bundle.js", "text/javascript"), ("swagger-ui.css", "text/css"),
                        ("favicon-32x32.png", "image/png")):
        asset = client.get(f"/docs/assets/{name}")
        assert asset.status_code == 200 and asset.headers["content-type"].startswith(media) and len(asset.content) > 500
    assert client.get("/docs/assets/..%2Fmain.py").status_code == 404
    assert client.get("/redoc").status_code == 404  # ReDoc would load its script from a CDN
    assert "](/docs/protocol)" in app.openapi()["info"]["description"]
    protocol = client.get("/docs/protocol")
    assert protocol.status_code == 200 and protocol.headers["content-type"].startswith("text/html")
    assert "<h1>Web chat protocol" in protocol.text and "<table>" in protocol.text
    assert "<code>{&quot;type&quot;: &quot;ping&quot;}</code>" in protocol.text  # frames shown as text
    markdown = client.get("/docs/protocol.md")
    assert markdown.headers["content-type"].startswith("text/markdown") and markdown.text.startswith("# Web chat")


@pytest.fixture(scope="module")
def docs_site(tmp_path_factory):
    with app_process(f"sqlite:///{tmp_path_factory.mktemp('docs') / 'neuvo.db'}") as running:
        yield running.url


def test_docs_render_in_a_browser_with_the_network_closed(docs_site, page):
    """Every request not to the app is refused (and recorded): the UI still renders, with the conversation
    operations listed, and its link to the web chat protocol opens the protocol."""
    app_host, foreign, problems = urlsplit(docs_site).netloc, [], []

    def only_the_app(route) -> None:
        if urlsplit(route.request.url).netloc == app_host:
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort("internetdisconnected")

    page.context.route("**/*", only_the_app)  # the context's: a tab the page opens is held to it too
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{docs_site}/docs")  # waits for the page's script and style
    assert foreign == []  # nothing but the app was asked for
    operations = page.locator(".opblock-summary-path")
    operations.filter(has_text="/api/v1/conversations/{conversation_id}/messages").first.wait_for(timeout=20_000)
    paths = operations.all_inner_texts()
    assert {"/api/v1/conversations", "/health", "/console/api/queues"} <= {p.replace("\u200b", "") for p in paths}
    page.locator(".opblock-summary-path", has_text="/api/v1/conversations").first.click()  # open one: its responses
    page.locator(".responses-table").first.get_by_text("429").first.wait_for()
    link = page.locator(".info .description a", has_text="web chat protocol")
    if link.get_attribute("target") == "_blank":
        with page.context.expect_page() as opened:
            link.click()
        protocol = opened.value
    else:
        link.click()
        protocol = page
    protocol.locator("h1", has_text="Web chat protocol").wait_for()
    assert protocol.url == f"{docs_site}/docs/protocol"
    assert protocol.locator("table").count() >= 2
    assert foreign == [] and problems == []  # not even by the UI's own scripts, and nothing failed
