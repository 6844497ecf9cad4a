"""The web chat's client frames as typed models (docs/protocol.md): one discriminated union on `type`.

A raw frame becomes either a well-formed frame or a `BadFrame` with the error code to answer and, when
the frame named a usable message id, that id, so the widget can drop exactly the message that was
refused instead of resending it forever. Parsing never raises: deep nesting, broken escapes and wrong
types are all answered with an error frame on an open socket.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, TypeAdapter, ValidationError

from assistant import inputs
from assistant.inputs import ClientId, Language, RegionCode, Seq, Text

MAX_FIELD_CHARS = 2 * 4096  # no field of a frame under max_frame_bytes can be longer anyway


class _Frame(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Start(_Frame):
    type: Literal["start"]
    lang: Language | None = None
    region: RegionCode | None = None


class Resume(_Frame):
    type: Literal["resume"]
    token: Annotated[str, Field(max_length=200)]
    last_seq: Seq = 0


class CustomerText(_Frame):
    type: Literal["message"]
    id: ClientId
    text: Annotated[Text, Field(max_length=MAX_FIELD_CHARS)]


class LeaveMessage(_Frame):
    type: Literal["leave_message"]
    id: ClientId
    kind: Literal["message", "callback"]
    email: Annotated[Text, Field(max_length=320)] | None = None
    phone: Annotated[Text, Field(max_length=64)] | None = None
    text: Annotated[Text, Field(max_length=MAX_FIELD_CHARS)] | None = None


class Typing(_Frame):
    type: Literal["typing"]
    on: StrictBool = False


class Ping(_Frame):
    type: Literal["ping"]


Frame = Annotated[Start | Resume | CustomerText | LeaveMessage | Typing | Ping, Field(discriminator="type")]
_FRAME: TypeAdapter[Frame] = TypeAdapter(Frame)
_ID: TypeAdapter[str] = TypeAdapter(ClientId)

#: The error code of a frame field that fails validation (others: invalid_frame).
FIELD_ERRORS = {"id": "invalid_id", "lang": "unsupported_language", "region": "invalid_region",
                "token": "invalid_token", "last_seq": "invalid_token", "text": "invalid_text",
                "email": "invalid_email", "phone": "invalid_phone"}


@dataclass(frozen=True)
class BadFrame:
    code: str
    id: str | None = None  # the refused message's id, when it had a usable one


def parse(raw: str) -> Frame | BadFrame:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than any frame is
        return BadFrame("invalid_json")
    try:
        return _FRAME.validate_python(data)
    except ValidationError as exc:
        code = inputs.error_code(exc.errors(), FIELD_ERRORS, "invalid_frame")
        return BadFrame(code, _usable_id(data) if code != "invalid_id" else None)


def _usable_id(data: object) -> str | None:
    if not isinstance(data, dict) or data.get("type") not in ("message", "leave_message"):
        return None
    try:
        return _ID.validate_python(data.get("id"))
    except ValidationError:
        return None
