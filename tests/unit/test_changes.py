"""`Changes`: the one value every write returns; views re-read only on the kinds they name."""

from __future__ import annotations

import dataclasses

import pytest

from app.changes import ALL_KINDS, NO_CHANGES, Changes, Kind, merge_all
from app.gui.refresh import Refresher


def test_an_empty_set_is_false_and_touches_nothing() -> None:
    assert not NO_CHANGES
    assert NO_CHANGES.kinds() == frozenset()
    assert not NO_CHANGES.touches(ALL_KINDS)


def test_kinds_name_each_field_that_holds_something() -> None:
    changes = Changes.of(skus=["S1"], outbox=[3], shop=True)
    assert changes.kinds() == {Kind.SKUS, Kind.OUTBOX, Kind.SHOP}
    assert Changes.of(orders_created={"O1": 100}).kinds() == {Kind.ORDERS}
    assert Changes.of(orders_updated=["O2"]).kinds() == {Kind.ORDERS}


def test_every_field_but_the_orders_pair_and_everything_has_a_kind() -> None:
    names = {f.name for f in dataclasses.fields(Changes)}
    assert names - {"orders_created", "orders_updated", "everything"} <= ALL_KINDS
    assert ALL_KINDS - names == {Kind.ORDERS}


def test_touches_is_true_only_when_a_kind_is_shared() -> None:
    changes = Changes.of(cancellations=["O1"])
    assert changes.touches({Kind.CANCELLATIONS, Kind.SHOP})
    assert not changes.touches({Kind.SKUS, Kind.ORDERS})


def test_everything_touches_every_kind() -> None:
    every = Changes.all()
    assert every.kinds() == ALL_KINDS
    assert every.touches({Kind.DEADLINES})


def test_merge_joins_both_and_a_created_order_is_not_also_updated() -> None:
    first = Changes.of(orders_updated=["O1", "O2"], skus=["S1"])
    second = Changes.of(orders_created={"O1": 50}, skus=["S2"], runs=True)
    merged = first.merge(second)
    assert dict(merged.orders_created) == {"O1": 50}
    assert merged.orders_updated == {"O2"}
    assert merged.orders == {"O1", "O2"}
    assert merged.skus == {"S1", "S2"}
    assert merged.runs and not merged.shop
    assert first.merge(NO_CHANGES) is first and NO_CHANGES.merge(second) is second


def test_merge_all_is_the_same_as_merging_one_by_one() -> None:
    parts = [Changes.of(outbox=[1]), Changes.of(inbox=[2]), NO_CHANGES, Changes.of(errors=["x"])]
    total = merge_all(parts)
    assert total.kinds() == {Kind.OUTBOX, Kind.INBOX, Kind.ERRORS}
    assert merge_all([]) == NO_CHANGES


def test_a_change_set_cannot_be_altered() -> None:
    changes = Changes.of(orders_created={"O1": 1})
    with pytest.raises(dataclasses.FrozenInstanceError):
        changes.shop = True  # type: ignore[misc]
    with pytest.raises(TypeError):
        changes.orders_created["O2"] = 2  # type: ignore[index]


def test_a_refresher_runs_only_the_views_that_asked_for_a_kind() -> None:
    seen: list[tuple[str, Changes]] = []
    refresher = Refresher()
    refresher.add("orders", {Kind.ORDERS}, lambda c: seen.append(("orders", c)))
    refresher.add("stock", {Kind.SKUS, Kind.SETTINGS}, lambda c: seen.append(("stock", c)))
    refresher.add("queue", {Kind.OUTBOX, Kind.INBOX}, lambda c: seen.append(("queue", c)))
    stock = Changes.of(skus=["S1"])
    assert refresher.apply(stock) == ["stock"]
    assert seen == [("stock", stock)]
    assert refresher.apply(Changes.of(outbox=[4], orders_created={"O": 1})) == ["orders", "queue"]
    assert refresher.apply(Changes.of(labels=["O"])) == []
    assert refresher.apply(Changes.all()) == ["orders", "stock", "queue"]
