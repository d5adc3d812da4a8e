"""Shipping profiles by CSV: checked whole (a bad row saves nothing), then they win over the
product's own package data, summed per order and sent in GRAM and CM."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.ops.labels import import_profiles
from app.store.sku_profiles import fetch_profiles
from tests.fulfillment.conftest import ShipShop
from tests.labels.test_buy_labels import US_LOCAL, buy, sandbox_labels


async def test_a_profile_csv_sets_the_parcel_in_the_units_tiktok_takes(
    ship_shop: Callable[..., Awaitable[ShipShop]],
) -> None:
    ship = await ship_shop(**US_LOCAL)
    order = await ship.place(shipping_type="TIKTOK")  # two units of one SKU
    db = ship.session.db
    item = order["line_items"][0]
    header = "seller_sku,weight,weight_unit,length,width,height,length_unit,bin_location,barcode\n"
    bad = header + f"{item['seller_sku']},heavy,POUND,8,6,2,INCH,A-1,\nNOPE,1,GRAM,,,,,,\n"
    refused = import_profiles(db=db, text=bad)
    assert refused.saved == 0 and len(refused.problems) == 2
    assert "not a number" in refused.problems[0] and "NOPE" in refused.problems[1]
    assert fetch_profiles(db, [item["sku_id"]]) == {}

    good = header + f"{item['seller_sku']},0.5,POUND,8,6,2,INCH,A-1,0850000009\n"
    assert import_profiles(db=db, text=good).saved >= 1
    profile = fetch_profiles(db, [item["sku_id"]])[item["sku_id"]]
    assert profile.bin_location == "A-1" and profile.barcode == "0850000009"
    result = await buy(ship, [order["id"]])
    assert result.bought == [order["id"]], result.failed
    (label,) = await sandbox_labels(ship, order["id"])
    assert label["weight"] == {"value": "454", "unit": "GRAM"}  # 2 x 0.5 lb, rounded up
    assert label["dimension"] == {"length": "20.4", "width": "15.3", "height": "10.2", "unit": "CM"}
