"""Settings of the core, read from the environment in one call (webhooks.config adds the server's).

Everything else receives the values: nothing below reads os.environ."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.storage.db import DEFAULT_URL, normalize_url

DEFAULT_REVIEW_DAYS = 365


@dataclass(frozen=True)
class Settings:
    """Where the data lives and how senders are hashed."""

    database_url: str = DEFAULT_URL
    kb_dir: str = ""  # empty: the knowledge base shipped in the package
    hash_salt: str = ""  # empty: a fixed local salt (refused by the server outside demo mode)
    review_max_days: int = DEFAULT_REVIEW_DAYS
    model_cache: str = ""  # empty: ~/.cache/sro-bot/models


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """DATABASE_URL, SRO_KB_DIR, SRO_HASH_SALT, SRO_REVIEW_MAX_DAYS and SRO_MODEL_CACHE."""
    env = os.environ if environ is None else environ
    try:
        review = int(env.get("SRO_REVIEW_MAX_DAYS", "").strip() or DEFAULT_REVIEW_DAYS)
    except ValueError:
        review = DEFAULT_REVIEW_DAYS
    return Settings(
        database_url=normalize_url(env.get("DATABASE_URL", "")),
        kb_dir=env.get("SRO_KB_DIR", "").strip(),
        hash_salt=env.get("SRO_HASH_SALT", "").strip(),
        review_max_days=review,
        model_cache=env.get("SRO_MODEL_CACHE", "").strip(),
    )


def model_cache(settings: Settings) -> Path | None:
    """Where trained models are kept (None: the default cache)."""
    return Path(settings.model_cache) if settings.model_cache else None
