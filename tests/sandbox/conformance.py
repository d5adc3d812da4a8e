"""Checks an answer against its spec-json `response_param` list: only documented fields, with
the documented types."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tests.spec_files import API_DOCS

SPEC_DIR = API_DOCS / "spec-json"


@dataclass
class Node:
    type: str
    children: dict[str, Node] = field(default_factory=dict)


def load_spec(relative: str) -> dict[str, Any]:
    return json.loads((SPEC_DIR / relative).read_text())["document_api_meta"]  # type: ignore[no-any-return]


def response_tree(relative: str) -> Node:
    """The flat list (nesting = number of leading `^`) as a tree rooted at the envelope."""
    root = Node("object")
    levels: list[Node] = [root]  # levels[d] is the parent of the entries at depth d
    for param in load_spec(relative)["response_param"]:
        name = param["name"]
        depth = len(name) - len(name.lstrip("^"))
        node = Node(param["type"])
        levels[depth].children[name.lstrip("^")] = node
        del levels[depth + 1 :]
        levels.append(node)
    return root


SCALARS: dict[str, Any] = {
    "string": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "int64": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
}


def problems(value: Any, node: Node, path: str = "") -> list[str]:
    """Everything about `value` the spec does not document; empty when it conforms."""
    kind = node.type
    if kind in SCALARS:
        return [] if SCALARS[kind](value) else [f"{path}: {value!r} is not {kind}"]
    if kind.startswith("[]"):
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__} is not a list"]
        inner = Node(kind[2:], node.children)
        return [p for i, item in enumerate(value) for p in problems(item, inner, f"{path}[{i}]")]
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__} is not an object"]
        found = []
        for key, item in value.items():
            child = node.children.get(key)
            if child is None:
                found.append(f"{path}.{key}: not documented")
            else:
                found.extend(problems(item, child, f"{path}.{key}"))
        return found
    raise AssertionError(f"unknown spec type {kind!r} at {path}")


def assert_conforms(payload: dict[str, Any], relative: str) -> None:
    found = problems(payload, response_tree(relative), "$")
    assert not found, "\n".join(found[:30])
