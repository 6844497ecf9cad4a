"""`assistant serve` as an operator runs it, with the real Rasa server: kill -9 of the app or of Rasa, and SIGTERM.

One `serve` process for the module (Rasa boots once, and once more after it is killed); the tests run in
file order and the last one stops it. The app holds every turn for a second after Rasa answered (the
fault-injection hook), so the SIGTERM test has a turn in flight to see finish."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import psutil
import pytest

from assistant.runtime import free_port
from channels.server import migrate
from conftest import DATA, ask, open_conversation, wait_for

pytestmark = [pytest.mark.reliability, pytest.mark.e2e]
BOOT = 240.0  # seconds Rasa may take to come up (about 15-30 s here)


class Served:
    def __init__(self, tmp: Path):
        self.port, self.rasa_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log, self.out = tmp / "serve.log", tmp / "serve.out"
        self.database = f"sqlite:///{tmp / 'neuvo.db'}"
        migrate(self.database)
        env = {**os.environ, "PORT": str(self.port), "RASA_PORT": str(self.rasa_port), "DATABASE_URL": self.database,
               "NEUVO_SECRET": "supervision-tests", "NEUVO_QUEUES": str(DATA / "queues-open.yml"),
               "RESTART_FIRST_S": "0.5", "SHUTDOWN_GRACE_S": "5",
               "NEUVO_FAULT_PAUSE_AT": "answered", "NEUVO_FAULT_PAUSE_S": "1"}
        with open(self.log, "ab") as log, open(self.out, "ab") as out:
            self.process = subprocess.Popen([sys.executable, "-m", "channels.server", "serve"], env=env, stdout=out,
                                            stderr=log, start_new_session=True)

    def ready(self) -> httpx.Response | None:
        try:
            return httpx.get(f"{self.url}/ready", timeout=5)
        except httpx.HTTPError:
            return None

    def is_ready(self) -> bool:
        response = self.ready()
        return response is not None and response.status_code == 200

    def child(self, name: str) -> psutil.Process | None:
        """The supervised app (uvicorn) or Rasa, as the supervisor's direct child."""
        try:
            children = psutil.Process(self.process.pid).children()
        except psutil.NoSuchProcess:  # the supervisor has ended
            return None
        for process in children:
            try:
                command = " ".join(process.cmdline())
            except psutil.Error:
                continue
            if process.status() != psutil.STATUS_ZOMBIE and ("uvicorn" if name == "app" else "rasa run") in command:
                return process
        return None

    def entries(self) -> list[dict]:
        lines = []
        for line in self.log.read_text().splitlines():
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue
        return lines


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    served = Served(tmp_path_factory.mktemp("serve"))
    try:
        wait_for(served.is_ready, timeout=BOOT, what="`assistant serve` to be ready", interval=0.5)
        yield served
    finally:
        if served.process.poll() is None:  # a test failed before the SIGTERM test: leave nothing behind
            os.killpg(served.process.pid, signal.SIGTERM)
            served.process.wait(60)
        for name in ("app", "rasa"):
            if (process := served.child(name)) is not None:
                os.killpg(process.pid, signal.SIGKILL)


def test_a_killed_app_is_started_again_and_rasa_keeps_running(served):
    app, rasa = served.child("app"), served.child("rasa")
    assert app is not None and rasa is not None and app.pid != rasa.pid
    assert os.getpgid(app.pid) != os.getpgid(rasa.pid) != os.getpgid(served.process.pid)  # three process groups
    app.send_signal(signal.SIGKILL)
    wait_for(lambda: (new := served.child("app")) is not None and new.pid != app.pid and served.is_ready(),
             timeout=60, what="the app to be started again and ready")
    assert rasa.is_running() and served.child("rasa").pid == rasa.pid  # Rasa was not taken down
    with httpx.Client(base_url=served.url, timeout=60) as client:
        body = ask(client, "Miten haen starttirahaa kun perustan yrityksen?")
    assert body["engine"] == "up" and body["understood"]["service"] == "start_up_grant"
    died = [e for e in served.entries() if e.get("child") == "app" and e.get("code") == -9]
    assert died and died[0]["level"] == "ERROR" and died[0]["restart_in_s"] == 0.5


def test_a_killed_rasa_is_started_again_and_ready_says_503_meanwhile(served):
    rasa = served.child("rasa")
    assert rasa is not None
    rasa.send_signal(signal.SIGKILL)
    meanwhile = wait_for(lambda: (r := served.ready()) is not None and r.status_code == 503 and r, timeout=30,
                         what="/ready to report Rasa gone")
    assert meanwhile.json()["not_ready"] == ["engine"] and meanwhile.json()["checks"]["database"] == "up"
    with httpx.Client(base_url=served.url, timeout=60) as client:  # the customer is answered meanwhile
        body = ask(client, "Miten haen starttirahaa kun perustan yrityksen?")
    assert body["engine"] == "down" and any(m["service"] == "start_up_grant" for m in body["messages"])
    wait_for(served.is_ready, timeout=BOOT, what="Rasa to be started again and /ready to say 200", interval=0.5)
    again = served.child("rasa")
    assert again is not None and again.pid != rasa.pid
    with httpx.Client(base_url=served.url, timeout=60) as client:
        assert ask(client, "Mikä on palkkatuki?")["engine"] == "up"
    died = [e for e in served.entries() if e.get("child") == "rasa" and e.get("code") == -9]
    assert died and died[0]["restart_in_s"] == 0.5 and died[0]["process"] == "supervisor"


def test_sigterm_lets_the_turn_in_flight_finish_and_leaves_no_process_behind(served):
    family = [psutil.Process(served.process.pid), *psutil.Process(served.process.pid).children(recursive=True)]
    assert {"app", "rasa"} <= {name for name in ("app", "rasa") if served.child(name) is not None}
    answer: dict = {}
    client = httpx.Client(base_url=served.url, timeout=60)
    conversation = open_conversation(client, lang="fi")

    def customer() -> None:
        answer.update(ask(client, "Mikä on työkokeilu?", conversation))

    asking = threading.Thread(target=customer)
    asking.start()
    wait_for(lambda: any(e.get("fault") == "answered" and e.get("conversation_id") == conversation[0]
                         for e in served.entries()), what="the turn to be in flight (held after Rasa answered)")
    served.process.send_signal(signal.SIGTERM)
    asking.join(60)
    client.close()
    assert answer.get("engine") == "up" and answer["messages"][0]["service"] == "work_trial"  # it finished
    assert served.process.wait(90) == 0

    def gone(process: psutil.Process) -> bool:
        try:
            return not process.is_running() or process.status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    wait_for(lambda: all(gone(p) for p in family), timeout=30, what="every process of the stack to end")
    ports = (f"--port {served.port}", f"-p {served.rasa_port}")
    left = [p.pid for p in psutil.process_iter(["cmdline"])
            if any(port in " ".join(p.info["cmdline"] or []) for port in ports) and not gone(p)]
    assert left == []  # no orphan uvicorn or Rasa
    stopped = [e["child"] for e in served.entries() if "stopped with code" in e.get("message", "")]
    assert stopped == ["app", "rasa"]  # the app first: its turns in flight still had Rasa
