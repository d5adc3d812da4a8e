"""Money as TikTok sends it, kept as exact decimal text: never a float, never an exponent."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from app.tiktok.models.base import TikTokModel


def plain(value: Decimal) -> str:
    """Decimal text a spreadsheet and SQLite read back exactly: no exponent, no minus zero."""
    if value == 0:
        value = abs(value)
    return format(value, "f")


#: Text `plain` gives back unchanged: no sign but a minus, no leading zero, no exponent.
_PLAIN = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")


def _minus_zero(text: str) -> bool:
    return text[0] == "-" and not text.strip("-0.")


def _amount(value: Any) -> str:
    """An amount field: "0" when TikTok leaves it empty, a ValueError when it is not a number."""
    if value.__class__ is str and _PLAIN.fullmatch(value) and not _minus_zero(value):
        return value  # already plain: a money read meets millions of these
    if value is None or value == "":
        return "0"
    if isinstance(value, bool):
        raise ValueError("an amount cannot be true or false")
    if isinstance(value, float):
        value = repr(value)  # the shortest text of the float, never its binary expansion
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not a decimal amount: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a decimal amount: {value!r}")
    return plain(number)


#: A signed amount as decimal text ("-1.20", "0"); `Decimal(text)` is exact.
Amount = Annotated[str, BeforeValidator(_amount)]


def dec(text: str) -> Decimal:
    """An Amount as a Decimal, for arithmetic."""
    return Decimal(text)


class Amounts(TikTokModel):
    """A breakdown whose every field is an amount, named as TikTok names it.

    The fields a caller uses by name are declared; the many others (each market has its own
    fees and taxes) stay as validated extras, so nothing TikTok sends is dropped.
    """

    __pydantic_extra__: dict[str, Amount | dict[str, Any] | list[Any]] = Field(init=False)

    def amounts(self) -> dict[str, Decimal]:
        """Every amount field of this breakdown (nested objects left out)."""
        found: dict[str, Decimal] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, str):
                found[name] = Decimal(value)
        for name, value in (self.model_extra or {}).items():
            if isinstance(value, str):
                found[name] = Decimal(value)
        return found

    def total(self) -> Decimal:
        """The sum of the fields, which TikTok's contributory breakdowns equal."""
        return sum(self.amounts().values(), Decimal(0))

    def lines(self) -> dict[str, Decimal]:
        """The fields that are not zero: what a creator sees as the lines of a breakdown."""
        return {k: v for k, v in self.amounts().items() if v != 0}
