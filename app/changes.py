"""`Changes`: what one write changed, as one typed value (DESIGN.md section 3, Anki's OpChanges).

Every write returns one: a store save, an import page, a poll, an inbox pass, a push, an op.
The engine publishes it through one callback, the GUI bridge through one signal, and each view
declares the kinds it refreshes on (`Changes.touches`). Nothing re-reads on a timer and nothing
diffs a cached copy to guess what is new: `orders_created` says it.

Adding a feature's kind (labels, returns, statements, deadlines already have theirs): add a
field here and a constant in `Kind`, fill it where the feature writes, and name the kind in the
`refresh_on` of the views that show it. `merge` and `kinds` need no change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any


class Kind:
    """The names a view lists in its `refresh_on` (one per field of `Changes`)."""

    ORDERS = "orders"  # created or updated (statuses, queues, the list, committed stock)
    SKUS = "skus"  # stock levels, catalogue, buffers
    OUTBOX = "outbox"  # queued writes to TikTok and their outcomes
    INBOX = "inbox"  # webhooks received and processed
    ERRORS = "errors"  # rows of the errors tab opened or resolved
    CANCELLATIONS = "cancellations"  # buyers' requests and our answers
    SHOP = "shop"  # the shop row: name, tokens, authorization, clock skew
    CONNECTION = "connection"  # connected, reconnect needed, session reopened
    SETTINGS = "settings"
    RUNS = "runs"  # sync runs and import jobs (Health's figures)
    # Filled by the features that come next; views may already name them.
    LABELS = "labels"
    RETURNS = "returns"
    STATEMENTS = "statements"
    DEADLINES = "deadlines"


ALL_KINDS = frozenset(
    v for k, v in vars(Kind).items() if not k.startswith("_") and isinstance(v, str)
)

_EMPTY: Mapping[str, int] = MappingProxyType({})
#: A set of TikTok ids holding this names "some of them" (a full catalogue read, say).
ANY = "*"
#: The same for sets of our row ids (rows start at 1).
ANY_ROW = 0


def _ids(values: Iterable[Any]) -> frozenset[Any]:
    return values if isinstance(values, frozenset) else frozenset(values)


@dataclass(frozen=True)
class Changes:
    """What changed; empty by default. Ids are TEXT for TikTok things, ints for our rows."""

    #: Orders stored for the first time, with their `create_time` (new-order notices).
    orders_created: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    orders_updated: frozenset[str] = frozenset()
    #: TikTok sku ids whose stock, catalogue row or push state moved (`ANY`: some, unnamed).
    skus: frozenset[str] = frozenset()
    #: Outbox row ids queued, sent, refused or dropped.
    outbox: frozenset[int] = frozenset()
    #: Inbox row ids received, processed or dropped.
    inbox: frozenset[int] = frozenset()
    #: Error kinds opened, updated or resolved.
    errors: frozenset[str] = frozenset()
    #: Order ids whose cancellation request (or our answer) moved.
    cancellations: frozenset[str] = frozenset()
    shop: bool = False
    connection: bool = False
    settings: bool = False
    runs: bool = False
    #: Order ids whose label was bought, downloaded or printed (issue 16).
    labels: frozenset[str] = frozenset()
    #: Return ids whose request or answer moved (issue 18).
    returns: frozenset[str] = frozenset()
    #: Statement ids read or settled (issue 19).
    statements: frozenset[str] = frozenset()
    #: Order ids whose ship-by clocks moved (issue 17).
    deadlines: frozenset[str] = frozenset()
    #: Written by another process (or restored): every view re-reads.
    everything: bool = False

    @classmethod
    def of(cls, **kinds: Any) -> Changes:
        """Build from plain iterables: `Changes.of(skus=["A"], outbox=[3])`."""
        values: dict[str, Any] = {}
        for name, value in kinds.items():
            if name == "orders_created":
                values[name] = MappingProxyType(dict(value))
            elif isinstance(value, bool):
                values[name] = value
            else:
                values[name] = _ids(value)
        return cls(**values)

    @classmethod
    def all(cls) -> Changes:
        """Something unknown changed (another process wrote, a backup was restored)."""
        return cls(everything=True)

    @property
    def orders(self) -> frozenset[str]:
        """Every order id created or updated."""
        return frozenset(self.orders_created) | self.orders_updated

    def kinds(self) -> frozenset[str]:
        """The kinds this set touches (all of them for `everything`)."""
        if self.everything:
            return ALL_KINDS
        found = {Kind.ORDERS} if self.orders_created or self.orders_updated else set()
        for f in fields(self):
            if f.name in ALL_KINDS and getattr(self, f.name):
                found.add(f.name)
        return frozenset(found)

    def touches(self, kinds: Iterable[str]) -> bool:
        """Whether a view that refreshes on `kinds` must re-read."""
        return not self.kinds().isdisjoint(kinds)

    def __bool__(self) -> bool:
        return bool(self.kinds())

    def merge(self, other: Changes) -> Changes:
        """Both sets in one (many reports, one refresh)."""
        if not other:
            return self
        if not self:
            return other
        values: dict[str, Any] = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if f.name == "orders_created":
                values[f.name] = MappingProxyType({**mine, **theirs}) if theirs else mine
            elif isinstance(mine, bool):
                values[f.name] = mine or theirs
            else:
                values[f.name] = mine | theirs
        created = values["orders_created"]
        values["orders_updated"] = frozenset(
            i for i in values["orders_updated"] if i not in created
        )
        return Changes(**values)


NO_CHANGES = Changes()


def merge_all(items: Iterable[Changes]) -> Changes:
    """Many sets in one."""
    total = NO_CHANGES
    for item in items:
        total = total.merge(item)
    return total
