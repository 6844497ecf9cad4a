"""Run the product: migrate the database, train the engine if its data changed, start Rasa and the app.

`Stack` starts only what is not already running and stops only what it started, so `assistant eval`
and the tests reuse a running `make run`, or bring up their own on other ports. What it runs (the app
factory, the migrations) is given by the composition root (`channels.server.stack`).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

from collections.abc import Callable

import httpx

from assistant.engine import start_rasa, wait_until_up
from assistant.settings import Settings
from knowledge.catalogue import default
from nlu.train import TrainedModel, train


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_up(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class Stack:
    def __init__(self, settings: Settings, app: str, migrate: Callable[[str], None], workers: int = 1,
                 env: dict[str, str] | None = None):
        self.settings, self.app, self.migrate, self.workers, self.env = settings, app, migrate, workers, env or {}
        self.started: list[subprocess.Popen] = []
        self.model: TrainedModel | None = None

    def app_command(self) -> list[str]:
        return [sys.executable, "-m", "uvicorn", self.app, "--factory", "--host", self.settings.host,
                "--port", str(self.settings.port), "--workers", str(self.workers), "--log-level", "warning",
                "--ws-max-size", "65536"]

    def app_env(self) -> dict[str, str]:
        """The app processes get these settings through the environment (the only place it is read)."""
        s = self.settings
        return {**os.environ, "PORT": str(s.port), "HOST": s.host, "DATABASE_URL": s.database_url,
                "RASA_PORT": str(s.rasa_port), "NOTIFIER": s.notifier, "NEUVO_QUEUES": str(s.queues_file),
                **({"REDIS_URL": s.redis_url} if s.redis_url else {}), **({"NEUVO_SECRET": s.secret} if s.secret else {}),
                **self.env}

    def start_engine(self) -> None:
        if is_up(f"{self.settings.rasa_url}/"):  # Rasa's root answers without its auth token
            return
        self.model = train(default(), pipeline=self.settings.pipeline, cache_dir=self.settings.cache_dir,
                           venv=self.settings.rasa_venv)
        rasa = start_rasa(self.settings, self.model.path, self.settings.log_dir / f"rasa-{self.settings.rasa_port}.log")
        self.started.append(rasa)
        wait_until_up(f"{self.settings.rasa_url}/", rasa, 240, "The Rasa server")

    def __enter__(self) -> "Stack":
        self.settings.log_dir.mkdir(parents=True, exist_ok=True)
        try:
            self.migrate(self.settings.database_url)
            self.start_engine()
            if not is_up(f"{self.settings.app_url}/health"):
                log = open(self.settings.log_dir / f"app-{self.settings.port}.log", "ab")
                app = subprocess.Popen(self.app_command(), env=self.app_env(), stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
                self.started.append(app)
                wait_until_up(f"{self.settings.app_url}/health", app, 60, "The app")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for process in reversed(self.started):
            stop(process)
        self.started.clear()


def serve(stack: Stack) -> int:
    """`make run`: everything in the foreground until Ctrl-C."""
    settings = stack.settings
    stack.migrate(settings.database_url)
    stack.start_engine()
    print(f"Neuvo is running at {settings.app_url}/  (API docs: {settings.app_url}/docs; Rasa at {settings.rasa_url})",
          flush=True)
    try:
        return subprocess.call(stack.app_command(), env=stack.app_env())
    except KeyboardInterrupt:
        return 0
    finally:
        stack.__exit__()
