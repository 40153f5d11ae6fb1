"""Settings of the core, read from the environment in one call (webhooks.config adds the server's).

Everything else receives the values: nothing below reads os.environ."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.storage.db import DEFAULT_URL, normalize_url
from bot.storage.retention import Retention

DEFAULT_REVIEW_DAYS = 365
DEFAULT_SPOOL = str(Path("var") / "spool")
DEFAULT_STEP_MINUTES = 30


@dataclass(frozen=True)
class Settings:
    """Where the data lives and how senders are hashed."""

    database_url: str = DEFAULT_URL
    kb_dir: str = ""  # empty: the knowledge base shipped in the package
    hash_salt: str = ""  # empty: a fixed local salt (refused by the server outside demo mode)
    review_max_days: int = DEFAULT_REVIEW_DAYS
    model_cache: str = ""  # empty: ~/.cache/sro-bot/models
    spool_dir: str = DEFAULT_SPOOL  # danger reports kept while the database is down
    retention: Retention = Retention()  # days each kind of record is kept (`sro-bot purge`)
    step_minutes: int = DEFAULT_STEP_MINUTES  # a question the bot asked expires after this


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """DATABASE_URL, SRO_KB_DIR, SRO_HASH_SALT, SRO_REVIEW_MAX_DAYS, SRO_MODEL_CACHE,
    SRO_SPOOL_DIR, SRO_STEP_MINUTES and the SRO_KEEP_*_DAYS of bot.storage.retention."""
    env = os.environ if environ is None else environ
    return Settings(
        database_url=normalize_url(env.get("DATABASE_URL", "")),
        kb_dir=env.get("SRO_KB_DIR", "").strip(),
        hash_salt=env.get("SRO_HASH_SALT", "").strip(),
        review_max_days=_days(env, "SRO_REVIEW_MAX_DAYS", DEFAULT_REVIEW_DAYS),
        model_cache=env.get("SRO_MODEL_CACHE", "").strip(),
        spool_dir=env.get("SRO_SPOOL_DIR", "").strip() or DEFAULT_SPOOL,
        step_minutes=_days(env, "SRO_STEP_MINUTES", DEFAULT_STEP_MINUTES),
        retention=Retention(
            **{
                name: _days(env, f"SRO_KEEP_{name.upper()}_DAYS", default)
                for name, default in vars(Retention()).items()
            }
        ),
    )


def _days(env: Mapping[str, str], name: str, default: int) -> int:
    """A whole number (days, minutes) from the environment; the default when unset or not a
    number."""
    try:
        return int(env.get(name, "").strip() or default)
    except ValueError:
        return default


def model_cache(settings: Settings) -> Path | None:
    """Where trained models are kept (None: the default cache)."""
    return Path(settings.model_cache) if settings.model_cache else None
