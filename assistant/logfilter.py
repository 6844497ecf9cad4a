"""No log line carries personal data: a logging filter that runs each record through the personal-data
layer (`nlu.personal_data`) — its message, its arguments and its traceback.

`install()` (called by the app factory, once per worker process) puts the filter on the handlers that exist
and into the log-record factory, so records of loggers whose handlers are configured later (uvicorn's,
a structured-log handler) are masked too: a record is masked when it is made, whoever handles it.
"""
from __future__ import annotations

import logging
import re
import threading
from typing import Any

from nlu.personal_data import mask_text

# repr() writes invisible characters and dashes as escapes (131052\u200b-308T): decoded before masking
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2}))")
_DECODED = re.compile(r"[\u00ad\u2010-\u2015\u2212\u200b-\u200f\u2060-\u2064\ufeff\u00a0\u202f\u2007]")


def _unescape(text: str) -> str:
    def decode(m: re.Match[str]) -> str:
        char = chr(int(m.group(1) or m.group(2), 16))
        return char if _DECODED.match(char) else m.group()
    return _ESCAPE.sub(decode, text) if "\\" in text else text


def scrub(text: str) -> str:
    return mask_text(_unescape(text))


def _scrub_arg(value: Any) -> Any:
    return scrub(value) if isinstance(value, str) else value


class PersonalDataFilter(logging.Filter):
    """Masks a record in place (never drops one), once, whichever handler sees it. Records logged while a
    record is being masked (by spaCy itself, say) are left alone: no recursion."""
    MARK = "_personal_data_masked"

    def __init__(self) -> None:
        super().__init__()
        self.busy = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, self.MARK, False) or getattr(self.busy, "on", False):
            return True
        self.busy.on = True
        try:
            self._mask(record)
        finally:
            self.busy.on = False
        setattr(record, self.MARK, True)
        return True

    @staticmethod
    def _mask(record: logging.LogRecord) -> None:
        if isinstance(record.args, tuple):
            record.args = tuple(_scrub_arg(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _scrub_arg(v) for k, v in record.args.items()}
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: the handler reports it as usual
            return
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)


FILTER = PersonalDataFilter()


class _MaskingFactory:
    """The log-record factory with the filter applied to every record it makes."""

    def __init__(self, make: Any):
        self.make = make

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.make(*args, **kwargs)
        FILTER.filter(record)
        return record


def install() -> None:
    """Mask every log record of this process from now on (idempotent)."""
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _MaskingFactory):
        logging.setLogRecordFactory(_MaskingFactory(factory))
    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in ("neuvo", "uvicorn", "uvicorn.error",
                                                                      "uvicorn.access"))]
    handlers = {h for logger in loggers for h in logger.handlers}
    if logging.lastResort is not None:
        handlers.add(logging.lastResort)
    for handler in handlers:
        if FILTER not in handler.filters:
            handler.addFilter(FILTER)
