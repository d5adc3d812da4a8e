"""The errors the price detail, finance and analytics specs document, as typed errors."""

from __future__ import annotations

from app.tiktok.errors import ShopdeskError, TikTokError


class OrderNotInShop(TikTokError):
    """21008111 (Get Price Detail): the order is not this shop's."""


class InvalidOrderParameters(TikTokError):
    """21001001 (Get Price Detail): the order id or another parameter is not valid."""


class MerchantNotFound(TikTokError):
    """22005007 (Get Withdrawals): "given merchant does not exist"."""


class AnalyticsRangeInvalid(TikTokError):
    """28001022 (analytics): "invalid request params; detail: start time or end time is
    invalid." (or another refused analytics parameter)."""


class AnswerUnreadable(ShopdeskError):
    """TikTok answered code 0 with data that does not fit the documented shape (an amount
    that is not a number, a list that is not a list): nothing of it is used."""

    def __init__(self, api: str, detail: str) -> None:
        self.api = api
        super().__init__(f"TikTok Shop's answer on {api} could not be read: {detail}")


DOCUMENTED: dict[int, type[TikTokError]] = {
    21008111: OrderNotInShop,
    21001001: InvalidOrderParameters,
    22005007: MerchantNotFound,
    28001022: AnalyticsRangeInvalid,
}


def typed(error: TikTokError) -> TikTokError:
    """The documented error class for `error`'s code; other errors unchanged."""
    cls = DOCUMENTED.get(error.code)
    if cls is None or type(error) is not TikTokError:
        return error
    return cls(
        error.code, error.message, error.request_id, http_status=error.http_status, api=error.api
    )
