"""Pydantic models of one knowledge-base entry, with the checks that need only the entry."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from faq.gsm import encoding_of, two_segment_budget, units

NonEmptyText = Field(min_length=1)


class Entry(BaseModel):
    """One topic in one language."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = NonEmptyText
    lang: str = Field(pattern=r"^[a-z]{2}$")
    title: str = NonEmptyText
    short: str = NonEmptyText
    long: str = NonEmptyText
    # the same answer worded for an adult asking about a child (a parent, a teacher); optional
    adult_short: str | None = None
    adult_long: str | None = None
    questions: list[str] = Field(min_length=1)
    keywords: list[str] = Field(min_length=1)
    related: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)
    reviewed: dt.date

    @field_validator("questions", "keywords", "sources")
    @classmethod
    def no_blank_items(cls, items: list[str]) -> list[str]:
        """Reject a list that holds an empty string."""
        if any(not str(item).strip() for item in items):
            raise ValueError("holds an empty item")
        return items

    @field_validator("short", "long", "title", "adult_short", "adult_long")
    @classmethod
    def strip_text(cls, text: str | None) -> str | None:
        """Drop the trailing newline YAML block scalars leave."""
        if text is None:
            return None
        text = text.strip()
        if not text:
            raise ValueError("is empty")
        return text

    @model_validator(mode="after")
    def adult_answer_whole(self) -> Entry:
        """An adult wording has both its short and its long answer, or neither."""
        if (self.adult_short is None) != (self.adult_long is None):
            raise ValueError("adult_short and adult_long go together")
        return self

    @field_validator("short", "adult_short")
    @classmethod
    def short_fits_two_sms(cls, short: str | None, info: ValidationInfo) -> str | None:
        """The short answer plus the line sent after it (the 911 reminder, given by the caller
        as the validation context's sms_suffix) must fit in two SMS segments."""
        if short is None:
            return None
        suffixes = (info.context or {}).get("sms_suffix") or {}
        lang = info.data.get("lang", "en")
        suffix = suffixes.get(lang) or suffixes.get("en") or ""
        sms = f"{short.strip()}\n{suffix}" if suffix else short.strip()
        encoding = encoding_of(sms)
        used, budget = units(sms, encoding), two_segment_budget(sms)
        if used > budget:
            raise ValueError(
                f"{used} {encoding.upper()} characters with the 911 reminder, over the two-SMS "
                f"budget of {budget}"
            )
        return short
