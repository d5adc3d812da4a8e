"""Reading request fields with TikTok's types (int, bool, []string), failing with a given error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.sandbox.errors import ApiError

Fail = Callable[[str], ApiError]


def query_int(query: dict[str, str], name: str, fail: Fail, *, low: int, high: int) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        raise fail(f"{name} is required")
    try:
        value = int(raw)
    except ValueError:
        raise fail(f"{name} must be an integer") from None
    if not low <= value <= high:
        raise fail(f"{name} must be within [{low}, {high}]")
    return value


def query_choice(
    query: dict[str, str], name: str, choices: tuple[str, ...], default: str, fail: Fail
) -> str:
    value = query.get(name) or default
    if value not in choices:
        raise fail(f"{name} must be one of {', '.join(choices)}")
    return value


def body_int(body: dict[str, Any], name: str, fail: Fail) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(f"{name} must be an integer Unix timestamp")
    return value


def body_bool(body: dict[str, Any], name: str, fail: Fail) -> bool | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise fail(f"{name} must be a boolean")
    return value


def body_str(
    body: dict[str, Any], name: str, fail: Fail, choices: tuple[str, ...] | None = None
) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or (choices is not None and value not in choices):
        allowed = f" one of {', '.join(choices)}" if choices else " a string"
        raise fail(f"{name} must be{allowed}")
    return value


def body_str_list(body: dict[str, Any], name: str, fail: Fail) -> list[str] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f"{name} must be a list of strings")
    return value


def body_choices(
    body: dict[str, Any], name: str, choices: tuple[str, ...], fail: Fail
) -> list[str] | None:
    """A []string filter whose values must be among the documented ones."""
    values = body_str_list(body, name, fail)
    for value in values or []:
        if value not in choices:
            raise fail(f"{name} must hold values of {', '.join(choices)}")
    return values


TIME_BOUNDS = ("create_time_ge", "create_time_lt", "update_time_ge", "update_time_lt")


def body_time_bounds(body: dict[str, Any], fail: Fail) -> dict[str, int | None]:
    """The `create_time_ge/lt` and `update_time_ge/lt` filters of the search APIs."""
    return {name: body_int(body, name, fail) for name in TIME_BOUNDS}


def in_bounds(bounds: dict[str, int | None], create_time: int, update_time: int) -> bool:
    """Whether the times fall in the filters: `_ge` inclusive, `_lt` exclusive."""
    for name, at in (("create_time", create_time), ("update_time", update_time)):
        ge, lt = bounds[f"{name}_ge"], bounds[f"{name}_lt"]
        if (ge is not None and at < ge) or (lt is not None and at >= lt):
            return False
    return True
