"""Pydantic models of one knowledge-base entry, with the checks that need only the entry."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.gsm import encoding_of, two_segment_budget, units
from bot.safety_text import reminder

NonEmptyText = Field(min_length=1)


class Entry(BaseModel):
    """One topic in one language."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = NonEmptyText
    lang: str = Field(pattern=r"^[a-z]{2}$")
    title: str = NonEmptyText
    short: str = NonEmptyText
    long: str = NonEmptyText
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

    @field_validator("short", "long", "title")
    @classmethod
    def strip_text(cls, text: str) -> str:
        """Drop the trailing newline YAML block scalars leave."""
        text = text.strip()
        if not text:
            raise ValueError("is empty")
        return text

    @model_validator(mode="after")
    def short_fits_two_sms(self) -> Entry:
        """The short answer plus the 911 reminder must fit in two SMS segments."""
        sms = f"{self.short}\n{reminder(self.lang)}"
        budget = two_segment_budget(sms)
        used = units(sms, encoding_of(sms))
        if used > budget:
            raise ValueError(
                f"short: {used} {encoding_of(sms).upper()} units with the 911 reminder, "
                f"over the two-SMS budget of {budget}"
            )
        return self
