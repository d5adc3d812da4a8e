"""Shipping profiles per SKU: weight and size set by the creator (over the product's own
package data from TikTok), plus the shelf bin and the item's barcode."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import sqlite_utils


@dataclass(frozen=True)
class SkuProfile:
    """What the creator set for one SKU; None/'' where nothing was set."""

    sku_id: str
    weight: Decimal | None = None
    weight_unit: str = ""  # GRAM, KILOGRAM, POUND, OUNCE
    length: Decimal | None = None
    width: Decimal | None = None
    height: Decimal | None = None
    length_unit: str = ""  # CM, INCH
    bin_location: str = ""
    barcode: str = ""


@dataclass(frozen=True)
class ProductPackage:
    """Get Product's `package_weight` and `package_dimensions` as stored with the product."""

    weight: tuple[str, str] | None  # (value, unit)
    dimensions: tuple[str, str, str, str] | None  # (length, width, height, unit)


def _dec(value: object) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def save_profile(db: sqlite_utils.Database, profile: SkuProfile, *, now: int) -> None:
    """Set (replace) one SKU's profile."""
    db.execute(
        "INSERT INTO sku_profiles (sku_id, weight, weight_unit, length, width, height,"
        " length_unit, bin_location, barcode, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (sku_id) DO UPDATE SET weight = excluded.weight,"
        " weight_unit = excluded.weight_unit, length = excluded.length, width = excluded.width,"
        " height = excluded.height, length_unit = excluded.length_unit,"
        " bin_location = excluded.bin_location, barcode = excluded.barcode,"
        " updated_at = excluded.updated_at",
        [
            profile.sku_id,
            _text(profile.weight),
            profile.weight_unit,
            _text(profile.length),
            _text(profile.width),
            _text(profile.height),
            profile.length_unit,
            profile.bin_location,
            profile.barcode,
            now,
        ],
    )


def save_profiles(db: sqlite_utils.Database, profiles: Sequence[SkuProfile], *, now: int) -> None:
    """Several profiles in one transaction (a CSV import: all or nothing)."""
    with db.atomic():
        for profile in profiles:
            save_profile(db, profile, now=now)


def fetch_profiles(db: sqlite_utils.Database, sku_ids: Sequence[str]) -> dict[str, SkuProfile]:
    """The profiles of these SKUs that the creator set."""
    found: dict[str, SkuProfile] = {}
    ids = list(dict.fromkeys(sku_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" for _ in chunk) or "''"
        for r in db.execute(
            "SELECT sku_id, weight, weight_unit, length, width, height, length_unit,"
            f" bin_location, barcode FROM sku_profiles WHERE sku_id IN ({marks})",
            chunk,
        ):
            found[str(r[0])] = SkuProfile(
                str(r[0]),
                _dec(r[1]),
                str(r[2]),
                _dec(r[3]),
                _dec(r[4]),
                _dec(r[5]),
                str(r[6]),
                str(r[7]),
                str(r[8]),
            )
    return found


def fetch_product_packages(
    db: sqlite_utils.Database, sku_ids: Sequence[str]
) -> dict[str, ProductPackage]:
    """Per SKU, its product's package weight and size from TikTok's product detail."""
    found: dict[str, ProductPackage] = {}
    ids = list(dict.fromkeys(sku_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" for _ in chunk) or "''"
        for sku_id, raw in db.execute(
            f"SELECT k.id, p.raw FROM skus k JOIN products p ON p.id = k.product_id"
            f" WHERE k.id IN ({marks})",
            chunk,
        ):
            found[str(sku_id)] = _package_of(json.loads(raw or "{}"))
    return found


def _package_of(raw: dict[str, object]) -> ProductPackage:
    weight = raw.get("package_weight")
    box = raw.get("package_dimensions")
    w = (
        (str(weight.get("value") or ""), str(weight.get("unit") or ""))
        if isinstance(weight, dict)
        else None
    )
    d = None
    if isinstance(box, dict):
        d = tuple(str(box.get(k) or "") for k in ("length", "width", "height", "unit"))
    return ProductPackage(w if w and w[0] else None, d if d and all(d) else None)  # type: ignore[arg-type]


def fetch_sku_ids_by_code(db: sqlite_utils.Database, code: str) -> list[str]:
    """SKUs a scanned code names: their barcode, else their seller SKU."""
    rows = db.execute(
        "SELECT sku_id FROM sku_profiles WHERE barcode = ? UNION"
        " SELECT id FROM skus WHERE seller_sku = ? AND removed = 0",
        [code, code],
    ).fetchall()
    return [str(r[0]) for r in rows]


def fetch_products_lacking_detail(
    db: sqlite_utils.Database, product_ids: Sequence[str]
) -> list[str]:
    """Products whose stored copy has no package data: never read with Get Product, or a later
    search result (which leaves it out) replaced the detail."""
    ids = list(dict.fromkeys(p for p in product_ids if p))
    have: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" for _ in chunk) or "''"
        have |= {
            str(r[0])
            for r in db.execute(
                "SELECT id FROM products WHERE detail_at IS NOT NULL"
                " AND json_extract(raw, '$.package_weight') IS NOT NULL"
                f" AND id IN ({marks})",
                chunk,
            )
        }
    return [p for p in ids if p not in have]
