"""All settings in one typed object read from the environment, so tests build the app they need."""
from __future__ import annotations

import os
import secrets
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
    allowed_origins: tuple[str, ...] = ()  # web chat origins besides the app's own (ALLOWED_ORIGINS)
    secret: str = ""  # signs resume tokens (NEUVO_SECRET); by default a random key kept in var/secret.key
    max_frame_bytes: int = 8192
    cookie_secure: bool = False  # console cookie only over HTTPS (COOKIE_SECURE=1 behind a TLS proxy)

    @property
    def origins(self) -> set[str]:
        return {self.app_url, f"http://localhost:{self.port}", *self.allowed_origins}

    def signing_key(self) -> bytes:
        """Every worker must sign alike: the key comes from the environment or one shared file."""
        if self.secret:
            return self.secret.encode()
        path = ROOT / "var" / "secret.key"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():  # the first worker to link its key in wins; the others read that one
            tmp = path.with_suffix(f".{os.getpid()}")
            tmp.write_text(secrets.token_hex(32))
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        return path.read_text().strip().encode()

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
        if "ALLOWED_ORIGINS" in env:
            values["allowed_origins"] = tuple(o.strip() for o in env["ALLOWED_ORIGINS"].split(",") if o.strip())
        if "NEUVO_SECRET" in env:
            values["secret"] = env["NEUVO_SECRET"]
        if "COOKIE_SECURE" in env:
            values["cookie_secure"] = env["COOKIE_SECURE"] not in ("", "0", "false")
        if "RASA_PORT" in env:
            values["rasa_port"] = int(env["RASA_PORT"])
        values.update(overrides)
        return cls(**values)
