"""Query parameters of the finance and analytics GET APIs, and their sorted, paged answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from app.sandbox.errors import ApiError, param_error
from app.sandbox.paging import fingerprint, page

if TYPE_CHECKING:
    from app.sandbox.core import Sandbox

T = TypeVar("T")
Fail = Callable[[str], ApiError]


def _query_fail(detail: str) -> ApiError:
    return param_error(f"query.{detail}")


def optional_int(q: dict[str, str], name: str, fail: Fail = _query_fail) -> int | None:
    raw = q.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise fail(f"{name} must be an integer") from None


def page_size(q: dict[str, str], default: int, fail: Fail = _query_fail, high: int = 100) -> int:
    """`page_size`: documented default when absent, valid range [1, high]."""
    value = optional_int(q, "page_size", fail)
    if value is None:
        return default
    if not 1 <= value <= high:
        raise fail(f"page_size must be within [1, {high}]")
    return value


def choice(
    q: dict[str, str],
    name: str,
    choices: Sequence[str],
    default: str | None,
    fail: Fail = _query_fail,
) -> str:
    """One of `choices`; without a default the parameter is required (spec `req=Y`)."""
    value = q.get(name) or default
    if value is None:
        raise fail(f"{name} is required")
    if value not in choices:
        raise fail(f"{name} must be one of {', '.join(choices)}")
    return value


def sorted_page(
    sandbox: Sandbox,
    q: dict[str, str],
    rows: list[T],
    key: Callable[[T], tuple[int, int]],
    *,
    descending: bool,
    size: int,
    filters: dict[str, Any],
    fail: Fail = _query_fail,
) -> tuple[list[T], str]:
    """Rows sorted by `key` (ascending or descending), one page after `page_token`."""
    sign = -1 if descending else 1

    def signed(row: T) -> tuple[int, int]:
        first, second = key(row)
        return sign * first, sign * second

    ordered = sorted(rows, key=signed)
    return page(
        ordered,
        signed,
        size=size,
        token=q.get("page_token") or None,
        codec=sandbox.page_tokens,
        print_=fingerprint({**filters, "descending": descending}),
        bad_token=lambda: fail("page_token is invalid or belongs to another query"),
    )
