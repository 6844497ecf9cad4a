"""Talk to the Rasa server (the dialogue engine) over its REST channel, and run it as a child process."""
from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from assistant.settings import ROOT, Settings
from nlu.train import rasa_executable


SECRET_HEADER = "X-Neuvo-Rasa-Secret"  # how Rasa proves itself to our action and NLG endpoints


class EngineUnavailable(Exception):
    """The Rasa server did not answer; the caller falls back to the catalogue search."""


class RasaClient:
    def __init__(self, settings: Settings):
        self.url, self.token = settings.rasa_url, settings.rasa_auth_token
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(settings.rasa_timeout_s, connect=2.0))

    async def send(self, sender: str, text: str, metadata: dict) -> list[dict]:
        """Send one customer message; return the bot's messages as Rasa's REST channel gives them."""
        try:
            response = await self.client.post(
                f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text, "metadata": metadata}
            )
        except httpx.HTTPError as exc:
            raise EngineUnavailable(str(exc) or type(exc).__name__) from exc
        if response.status_code != 200:
            raise EngineUnavailable(f"Rasa answered {response.status_code}")
        return response.json()

    async def status(self) -> dict:
        try:
            response = await self.client.get(f"{self.url}/status", params={"token": self.token}, timeout=2.0)
            response.raise_for_status()
            data = response.json()
            return {"state": "up" if data.get("model_id") else "no_model", "model": data.get("model_id")}
        except (httpx.HTTPError, ValueError) as exc:
            return {"state": "down", "error": type(exc).__name__}

    async def close(self) -> None:
        await self.client.aclose()


def write_endpoints(settings: Settings) -> Path:
    """Rasa's endpoints file: our app is its action server and its NLG server, and Rasa proves itself to
    them with the shared secret in a header (the file is readable by its owner only)."""
    path = ROOT / "build" / "rasa" / f"endpoints-{settings.port}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    headers = f"  headers:\n    {SECRET_HEADER}: {settings.rasa_callback_secret}\n"
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(
        f"action_endpoint:\n  url: {settings.app_url}/rasa/webhook\n{headers}"
        f"nlg:\n  url: {settings.app_url}/rasa/nlg\n{headers}",
        encoding="utf-8",
    )
    return path


def start_rasa(settings: Settings, model: Path, log: Path,
               preexec_fn: Callable[[], None] | None = None) -> subprocess.Popen:
    """Rasa on loopback, in its own session (a signal to the app's process group never reaches it); its
    HTTP API (tracker, model, status) needs the auth token."""
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(rasa_executable(settings.rasa_venv)), "run", "--enable-api", "--auth-token", settings.rasa_auth_token,
           "--connector", "rest", "-m", str(model),
           "--endpoints", str(write_endpoints(settings)), "-i", "127.0.0.1", "-p", str(settings.rasa_port),
           "--response-timeout", "30"]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"}
    return subprocess.Popen(cmd, cwd=ROOT / "build" / "rasa", stdout=open(log, "ab"), stderr=subprocess.STDOUT,
                            env=env, start_new_session=True, preexec_fn=preexec_fn)


def wait_until_up(url: str, process: subprocess.Popen | None, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}; see its log")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{what} did not start within {timeout_s:.0f} s")
