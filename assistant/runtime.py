"""Run the product: migrate the database, train the engine if its data changed, start Rasa and the app.

`Stack` starts only what is not already running and stops only what it started, so `assistant eval`
and the tests reuse a running `make run`, or bring up their own on other ports. What it runs (the app
factory, the migrations) is given by the composition root (`channels.server.stack`). `serve` runs the
same processes under a supervisor (`assistant.supervisor`) that restarts whichever dies.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import httpx

from assistant.engine import start_rasa, wait_until_up
from assistant.logs import uvicorn_config
from assistant.settings import Settings
from knowledge.catalogue import default
from nlu.folds import HeldOut
from nlu.project import load_dialogue_intents
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


def group_alive(pgid: int) -> bool:
    """Whether any live (not zombie) process is left in the process group `pgid`."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
            return True
        except (ProcessLookupError, PermissionError):
            return False
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (comm)": state ppid pgrp …
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def stop(process: subprocess.Popen, timeout: float = 20.0) -> None:
    """SIGTERM to the process's group (every child we start leads its own), then SIGKILL to whatever of
    the group is left after `timeout` s: the process and all it started are gone when this returns."""
    deadline = time.monotonic() + timeout
    if process.poll() is None:
        _signal_group(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=max(deadline - time.monotonic(), 0.1))
    except subprocess.TimeoutExpired:
        _signal_group(process.pid, signal.SIGKILL)
        process.wait()
    killed = False
    while group_alive(process.pid):  # workers or helpers of the leader, still stopping (or being killed)
        if time.monotonic() > deadline and not killed:
            _signal_group(process.pid, signal.SIGKILL)
            killed, deadline = True, time.monotonic() + 5.0
        elif time.monotonic() > deadline:
            break  # stuck in the kernel (uninterruptible I/O): nothing more can be done from here
        time.sleep(0.05)


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


class Stack:
    def __init__(self, settings: Settings, app: str, migrate: Callable[[str], None], workers: int = 1,
                 env: dict[str, str] | None = None):
        self.settings, self.app, self.migrate, self.workers, self.env = settings, app, migrate, workers, env or {}
        self.started: list[subprocess.Popen] = []
        self.model: TrainedModel | None = None

    def app_command(self) -> list[str]:
        s = self.settings
        config = uvicorn_config(s.log_dir / f"logging-{s.port}.json", s.log_level)
        return [sys.executable, "-m", "uvicorn", self.app, "--factory", "--host", s.host,
                "--port", str(s.port), "--workers", str(self.workers), "--log-level", s.log_level,
                "--log-config", str(config), "--no-access-log",  # assistant.logs writes one line a request
                "--timeout-graceful-shutdown", str(round(s.shutdown_grace_s)), "--ws-max-size", "65536"]

    def app_env(self) -> dict[str, str]:
        """The app processes get these settings through the environment (the only place it is read)."""
        s = self.settings
        return {**os.environ, "PORT": str(s.port), "HOST": s.host, "DATABASE_URL": s.database_url,
                "RASA_PORT": str(s.rasa_port), "NOTIFIER": s.notifier, "NEUVO_QUEUES": str(s.queues_file),
                "TURN_LEASE_S": str(s.turn_lease_s), "TURN_SWEEP_S": str(s.turn_sweep_s),
                "TURN_MAX_ATTEMPTS": str(s.turn_max_attempts), "LOG_LEVEL": s.log_level,
                "SMTP_HOST": s.smtp_host, "SMTP_PORT": str(s.smtp_port), "SMTP_RELAY": s.smtp_relay,
                "EMAIL_ADDRESS": s.email_address, "NEUVO_SEMANTIC": s.semantic,
                **({"REDIS_URL": s.redis_url} if s.redis_url else {}), **({"NEUVO_SECRET": s.secret} if s.secret else {}),
                **({"NEUVO_HELD_OUT": str(s.held_out)} if s.held_out else {}),
                **({"NEUVO_FAULT_PAUSE_AT": s.fault_pause_at, "NEUVO_FAULT_PAUSE_S": str(s.fault_pause_s)}
                   if s.fault_pause_at else {}),
                **self.env}

    def spawn_engine(self, preexec_fn: Callable[[], None] | None = None) -> subprocess.Popen:
        """Rasa with the current model (trained first if the data changed), in its own session; without
        the settings' held-out questions when there are some (`assistant eval --kfold`)."""
        held_out = HeldOut.read(self.settings.held_out)
        self.model = train(held_out.catalogue(default()), pipeline=self.settings.pipeline,
                           cache_dir=self.settings.cache_dir, venv=self.settings.rasa_venv,
                           dialogue=held_out.dialogue(load_dialogue_intents()))
        return start_rasa(self.settings, self.model.path, self.settings.log_dir / f"rasa-{self.settings.rasa_port}.log",
                          preexec_fn)

    def spawn_app(self, output: IO | None = None, preexec_fn: Callable[[], None] | None = None) -> subprocess.Popen:
        """The app (uvicorn and its workers) in its own session: Rasa never gets the app's signals."""
        return subprocess.Popen(self.app_command(), env=self.app_env(), stdout=output,
                                stderr=subprocess.STDOUT if output is not None else None, start_new_session=True,
                                preexec_fn=preexec_fn)

    def start_engine(self) -> None:
        if is_up(f"{self.settings.rasa_url}/"):  # Rasa's root answers without its auth token
            return
        rasa = self.spawn_engine()
        self.started.append(rasa)
        wait_until_up(f"{self.settings.rasa_url}/", rasa, self.settings.rasa_start_timeout_s, "The Rasa server")

    def __enter__(self) -> "Stack":
        self.settings.log_dir.mkdir(parents=True, exist_ok=True)
        try:
            self.migrate(self.settings.database_url)
            self.start_engine()
            if not is_up(f"{self.settings.app_url}/health"):
                log = open(self.settings.log_dir / f"app-{self.settings.port}.log", "ab")
                app = self.spawn_app(log)
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
    """`make run` / `assistant serve`: Rasa and the app, supervised, in the foreground until SIGTERM or Ctrl-C."""
    from assistant.supervisor import supervise
    return supervise(stack)
