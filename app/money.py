"""Money with its currency: exact decimals that refuse to be added across currencies.

TikTok settles each order in the shop's currency; a shop that sells in two markets has two.
A sum over orders is therefore one total per currency (`Totals`), never one number.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from app.tiktok.models.amounts import plain

#: Currencies whose amounts carry no minor unit (written without decimals).
NO_DECIMALS = frozenset({"JPY", "IDR", "KRW", "VND"})


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies met in one sum."""


@dataclass(frozen=True)
class Money:
    """An exact amount in one currency."""

    amount: Decimal
    currency: str

    @classmethod
    def of(cls, text: str, currency: str) -> Money:
        """From stored decimal text (never a float)."""
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not a decimal amount: {text!r}") from None
        if not value.is_finite():
            raise ValueError(f"not a decimal amount: {text!r}")
        return cls(value, currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def times(self, count: int) -> Money:
        return Money(self.amount * count, self.currency)

    @property
    def text(self) -> str:
        """Plain decimal text: no exponent, symbol or separator; JPY and IDR whole."""
        value = self.amount
        if self.currency in NO_DECIMALS and value == value.to_integral_value():
            value = value.quantize(Decimal(1))
        return plain(value)

    def __str__(self) -> str:
        return f"{self.text} {self.currency}"


class Totals:
    """One running sum per currency."""

    def __init__(self) -> None:
        self._sums: dict[str, Money] = {}

    def add(self, money: Money) -> None:
        found = self._sums.get(money.currency)
        self._sums[money.currency] = money if found is None else found + money

    def get(self, currency: str) -> Money:
        return self._sums.get(currency, Money.zero(currency))

    def __iter__(self) -> Iterator[Money]:
        return iter(sorted(self._sums.values(), key=lambda m: m.currency))

    def __len__(self) -> int:
        return len(self._sums)


def total(items: Iterable[Money], currency: str) -> Money:
    """The sum of `items`, which must all be in `currency` (else CurrencyMismatch)."""
    result = Money.zero(currency)
    for item in items:
        result = result + item
    return result


#: Stored sums count whole 1/10,000ths of a currency (integers: exact, and SQL can add them).
UNIT_SCALE = Decimal(10000)


def to_units(value: Decimal) -> int:
    """An amount as whole 1/10,000ths (TikTok's amounts have at most 2 decimals)."""
    return int((value * UNIT_SCALE).to_integral_value(ROUND_HALF_EVEN))


def from_units(units: int | None, currency: str) -> Money:
    """Stored units back as Money, with the currency's usual two decimals when exact."""
    value = Decimal(units or 0) / UNIT_SCALE
    cents = value.quantize(Decimal("0.01"))
    return Money(cents if cents == value else value.normalize(), currency)
