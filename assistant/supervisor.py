"""`assistant serve`: Rasa and the app as supervised children, each in its own process group.

A child that dies (a crash, an OOM kill, kill -9) is started again after a backoff that doubles while it
keeps dying young (`restart_first_s` … `restart_max_s`) and starts over once it ran `restart_stable_s`.
The app and Rasa never share a process group, so the app's death does not take Rasa down, nor the other
way round; while Rasa is away the app answers from the catalogue search and `/ready` says 503.

SIGTERM or SIGINT stops the app first (uvicorn lets in-flight requests finish for `shutdown_grace_s`; a
turn cut short stays claimed in the database and the next start takes it up), then Rasa, and kills what
is left of either group. On Linux the children also get SIGTERM if the supervisor itself dies.
"""
from __future__ import annotations

import ctypes
import logging
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType

from assistant.logs import configure
from assistant.runtime import Stack, is_up, stop
from assistant.settings import Settings

log = logging.getLogger("neuvo.supervisor")
PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Run in a child before it execs: Linux sends it SIGTERM when its parent (the supervisor) dies."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the supervisor's own shutdown is all there is
        pass


@dataclass
class Child:
    """One supervised process: how to start it, and when it is due to be started (again)."""
    name: str
    spawn: Callable[[], subprocess.Popen]
    stop_timeout_s: float
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    delay_s: float = 0.0       # the last restart delay (0: it never died)
    due_at: float | None = 0.0  # monotonic time of the next start; None while it runs


class Supervisor:
    def __init__(self, settings: Settings, children: Sequence[Child], clock: Callable[[], float] = time.monotonic):
        self.settings, self.children, self.clock = settings, list(children), clock
        self.stopping = threading.Event()

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self.signal = signal.Signals(signum).name
        self.stopping.set()

    def run(self) -> int:
        """Supervise until SIGTERM/SIGINT, then shut everything down; returns the exit code (0)."""
        self.signal = ""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            while not self.stopping.is_set():
                self.check()
                self.stopping.wait(self.settings.supervise_poll_s)
            log.info("stopping on %s", self.signal, extra={"signal": self.signal})
        finally:
            self.shutdown()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0

    def check(self) -> None:
        """Start what is due, and note what died since the last look."""
        now = self.clock()
        for child in self.children:
            process = child.process
            if process is not None and process.poll() is None:
                continue
            if process is not None:
                uptime = now - child.started_at
                young = child.delay_s and uptime < self.settings.restart_stable_s
                child.delay_s = min(child.delay_s * 2, self.settings.restart_max_s) if young \
                    else self.settings.restart_first_s
                child.process, child.due_at = None, now + child.delay_s
                log.error("%s exited with code %s; starting it again in %.1f s", child.name, process.returncode,
                          child.delay_s, extra={"child": child.name, "child_pid": process.pid,
                                                "code": process.returncode, "uptime_s": round(uptime, 1),
                                                "restart_in_s": child.delay_s})
            if child.due_at is not None and now >= child.due_at and not self.stopping.is_set():
                self._start(child, now)

    def _start(self, child: Child, now: float) -> None:
        try:
            child.process = child.spawn()
        except Exception as exc:
            child.delay_s = min(max(child.delay_s * 2, self.settings.restart_first_s), self.settings.restart_max_s)
            child.due_at = now + child.delay_s
            log.exception("could not start %s; trying again in %.1f s", child.name, child.delay_s,
                          extra={"child": child.name, "error": type(exc).__name__})
            return
        child.started_at, child.due_at = now, None
        log.info("started %s", child.name, extra={"child": child.name, "child_pid": child.process.pid})

    def shutdown(self) -> None:
        """The app first (its in-flight turns may still need Rasa), then Rasa; nothing of either is left."""
        for child in reversed(self.children):
            if child.process is not None:
                log.info("stopping %s", child.name, extra={"child": child.name, "child_pid": child.process.pid})
                stop(child.process, child.stop_timeout_s)
                log.info("%s stopped with code %s", child.name, child.process.returncode,
                         extra={"child": child.name, "code": child.process.returncode})
                child.process = None


def supervise(stack: Stack) -> int:
    """Migrate, then run Rasa (unless one already answers on its port) and the app until told to stop."""
    settings = stack.settings
    configure(settings.log_level, "supervisor")
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    stack.migrate(settings.database_url)
    children = [Child("app", lambda: stack.spawn_app(preexec_fn=die_with_parent), settings.shutdown_grace_s + 10)]
    if is_up(f"{settings.rasa_url}/"):
        log.warning("a Rasa server already answers on port %d: using it, not supervising it", settings.rasa_port)
    else:
        children.insert(0, Child("rasa", lambda: stack.spawn_engine(preexec_fn=die_with_parent), 30.0))
    print(f"Neuvo is starting at {settings.app_url}/  (API docs: {settings.app_url}/docs; readiness: "
          f"{settings.app_url}/ready; Rasa at {settings.rasa_url})", flush=True)
    return Supervisor(settings, children).run()
