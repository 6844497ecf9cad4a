"""All settings in one typed object read from the environment, so tests build the app they need."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = f"sqlite:///{ROOT / 'var' / 'neuvo.db'}"
    rasa_port: int = 5005
    rasa_timeout_s: float = 10.0
    max_message_chars: int = 2000
    languages: tuple[str, ...] = ("fi", "sv", "en")
    default_language: str = "fi"
    log_dir: Path = field(default=ROOT / "var" / "log")

    @property
    def app_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        env = os.environ
        values: dict = {}
        if "PORT" in env:
            values["port"] = int(env["PORT"])
        if "HOST" in env:
            values["host"] = env["HOST"]
        if "DATABASE_URL" in env:
            values["database_url"] = env["DATABASE_URL"]
        if "RASA_PORT" in env:
            values["rasa_port"] = int(env["RASA_PORT"])
        values.update(overrides)
        return cls(**values)
