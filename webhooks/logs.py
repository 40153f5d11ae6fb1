"""Structured logs: one JSON object per line, sender hashes only, never message text."""

from __future__ import annotations

import json
import logging
import sys
import time

LOGGER_NAME = "sro_bot.webhooks"
log = logging.getLogger(LOGGER_NAME)

# Only these keys ever reach a log line; anything else passed to event() is dropped.
ALLOWED_FIELDS = frozenset(
    {
        "event",
        "channel",
        "sender",
        "status",
        "method",
        "path",
        "ms",
        "topic",
        "emergency",
        "confidence",
        "replies",
        "parts",
        "reason",
        "kind",
        "error",
        "update_id",
        "duplicate",
        "delivery",  # escalation: outbox row id, case id, attempt number, medium
        "case",
        "attempt",
        "medium",
    }
)


class JsonLineFormatter(logging.Formatter):
    """Render a record as {"ts", "level", ...fields} on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
        }
        line.update(getattr(record, "fields", {"event": record.getMessage()}))
        return json.dumps(line, separators=(",", ":"), default=str)


class RedactedFormatter(logging.Formatter):
    """Records of other libraries (huey, SQLAlchemy) as JSON lines without exception text or
    traceback: an exception's message can hold SQL parameters, that is, a message's text."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "event": "library",
            "logger": record.name,
            "message": str(record.msg)[:200],  # the format string, never its arguments
        }
        if record.exc_info and record.exc_info[0]:
            line["error"] = record.exc_info[0].__name__
        return json.dumps(line, separators=(",", ":"))


def configure_libraries(level: int = logging.WARNING, stream=None) -> None:
    """Every other logger (the root) through RedactedFormatter, at level, once per process."""
    root = logging.getLogger()
    if not any(isinstance(h.formatter, RedactedFormatter) for h in root.handlers):
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.setFormatter(RedactedFormatter())
        root.addHandler(handler)
    root.setLevel(level)


def configure(level: str = "INFO", stream=None) -> None:
    """Send this package's records to stderr as JSON lines, once per process."""
    if not any(isinstance(h.formatter, JsonLineFormatter) for h in log.handlers):
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.setFormatter(JsonLineFormatter())
        log.addHandler(handler)
    log.setLevel(level)
    log.propagate = False
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines hold the bot token


def event(name: str, level: int = logging.INFO, **fields: object) -> None:
    """Log one named event with whitelisted fields."""
    if not log.isEnabledFor(level):
        return
    kept = {k: v for k, v in fields.items() if k in ALLOWED_FIELDS}
    log.log(level, name, extra={"fields": {"event": name, **kept}})
