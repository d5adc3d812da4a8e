"""Shared model rules: ids stay strings, money stays Decimal, unknown fields are kept."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, PrivateAttr


def _money(value: Any) -> Any:
    """Money arrives as a decimal string; an empty string means no amount."""
    if value == "" or value is None:
        return None
    if isinstance(value, float):
        # Never let a binary float in: go through its shortest repr.
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    return value


def _int_time(value: Any) -> Any:
    """Times are integer seconds; some payloads send them as digit strings."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if value == "":
        return None
    return value


#: TikTok ids exceed 2**53; numbers become exact digit strings (`coerce_numbers_to_str`).
Id = str
Money = Annotated[Decimal | None, BeforeValidator(_money)]
Timestamp = Annotated[int | None, BeforeValidator(_int_time)]


class TikTokModel(BaseModel):
    """Base for wire models: tolerant of unknown and missing fields, ids kept as text."""

    # defer_build: a model's validator is built when it first parses, not on import, so
    # commands and the window's first paint that never parse one don't pay for it.
    model_config = ConfigDict(
        extra="allow", populate_by_name=True, coerce_numbers_to_str=True, defer_build=True
    )

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        """Parse one object as TikTok sent it."""
        return cls.model_validate(data)


class RawModel(TikTokModel):
    """A top-level object that also remembers the dict it came from, for storage.

    Only top-level objects carry this: a private attribute on every nested model would
    double the cost of parsing a page.
    """

    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        """Parse one object and keep the original so fields we do not model are never lost."""
        obj = cls.model_validate(data)
        obj._raw = data
        return obj

    @property
    def raw(self) -> dict[str, Any]:
        """The object exactly as received."""
        return self._raw
