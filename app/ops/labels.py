"""What a creator does to ship a day's orders: buy labels, print them merged in pick order,
make a pick list with packing slips, and set a SKU's shipping profile. The GUI and the CLI
call these; they return typed results and never raise for a single order's problem."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import sqlite_utils

import app.documents as documents
from app.documents import (
    LabelFile,
    MergeResult,
    Paper,
    label_for,
)
from app.queries.labels import fetch_labels, fetch_pick_orders
from app.store import labels as label_store
from app.store.sku_profiles import SkuProfile, fetch_profiles, save_profiles
from app.sync.labels_service import LabelBuyer, LabelRun
from app.sync.parcels import Parcel, ParcelError, parse_dims, parse_weight
from app.sync.session import ShopSession
from app.tiktok.errors import ShopdeskError
from app.tiktok.models.labels import Dimension, DocumentType, LengthUnit, Weight, WeightUnit

DOCUMENT_SIZES = ("A6", "A5")


@dataclass(frozen=True)
class LabelProblemRow:
    """An order that has no printable label, and why in plain words."""

    order_id: str
    reason: str


@dataclass
class LabelsResult:
    """What `buy_labels` did: labels bought and reused, problems, and the merged PDF."""

    bought: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    failed: list[LabelProblemRow] = field(default_factory=list)
    in_progress: list[str] = field(default_factory=list)
    pdf: Path | None = None
    pages: int = 0
    printed: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The `shopdesk labels --json` object (DESIGN.md 5)."""
        return {
            "bought": len(self.bought),
            "reused": len(self.reused),
            "failed": [{"order_id": p.order_id, "reason": p.reason} for p in self.failed],
            "pdf": str(self.pdf) if self.pdf else None,
            "pages": self.pages,
        }


def parse_parcel(weight: Sequence[str] | None, dims: Sequence[str] | None) -> Parcel | None:
    """The parcel the creator typed (`--weight 1.2 POUND --dims 20x15x5 CM`), or None."""
    if not weight:
        if dims:
            raise ParcelError("--dims needs --weight too")
        return None
    grams = parse_weight(weight[0], weight[1])
    box = None
    if dims:
        length, width, height = parse_dims(dims[0], dims[1])
        box = Dimension(length=length, width=width, height=height, unit=LengthUnit.CM)
    return Parcel(Weight(value=grams.quantize(Decimal(1)), unit=WeightUnit.GRAM), box)


def parse_default_parcel(
    text: str,
) -> tuple[Decimal, tuple[Decimal, Decimal, Decimal] | None] | None:
    """The shop's default parcel from settings ("500 GRAM" or "500 GRAM 20x15x5 CM")."""
    words = text.split()
    if not words:
        return None
    if len(words) not in (2, 4):
        raise ParcelError(f"the default parcel {text!r} is not 'VALUE UNIT [LxWxH UNIT]'")
    grams = parse_weight(words[0], words[1])
    return grams, parse_dims(words[2], words[3]) if len(words) == 4 else None


async def buy_labels(
    *,
    session: ShopSession,
    folder: Path,
    order_ids: Sequence[str],
    size: str = "A6",
    paper: Paper | None = None,
    packing_slip: bool = False,
    parcel: Parcel | None = None,
    default_parcel: str = "",
    out: Path | None = None,
) -> LabelsResult:
    """A label for each order that has none (never a second one), every label kept in
    `folder`, and one PDF of them in pick order."""
    if size not in DOCUMENT_SIZES:
        raise ParcelError(f"label size {size!r}: choose A6 or A5")
    kind = (
        DocumentType.SHIPPING_LABEL_AND_PACKING_SLIP
        if packing_slip
        else DocumentType.SHIPPING_LABEL
    )
    buyer = LabelBuyer(session, folder, default_parcel=parse_default_parcel(default_parcel))
    run = await buyer.buy(order_ids, size=size, document_type=kind, parcel=parcel)
    result = _from_run(run)
    printable = [*result.bought, *result.reused]
    if printable:
        target = out or default_pdf(folder)
        merged = merge_kept(
            db=session.db, order_ids=printable, out=target, paper=paper or Paper.parse(size)
        )
        result.pdf, result.pages, result.printed = merged.path, merged.pages, merged.placed
        for problem in merged.problems:
            result.failed.append(LabelProblemRow(problem.order_id, problem.reason))
    return result


def _from_run(run: LabelRun) -> LabelsResult:
    result = LabelsResult(bought=run.bought, reused=run.reused)
    for outcome in run.failed:
        if outcome.in_progress:
            result.in_progress.append(outcome.order_id)
        else:
            result.failed.append(LabelProblemRow(outcome.order_id, outcome.reason or "failed"))
    return result


def default_pdf(folder: Path, now: float | None = None) -> Path:
    """Where the day's merged labels go: `<labels>/labels-YYYY-MM-DD-HHMMSS.pdf`."""
    stamp = time.strftime("%Y-%m-%d-%H%M%S", time.localtime(now or time.time()))
    return folder / f"labels-{stamp}.pdf"


def kept_labels(db: sqlite_utils.Database, order_ids: Sequence[str]) -> list[LabelFile]:
    """The kept label files of these orders, in pick order inputs (missing files included)."""
    labels = fetch_labels(db, order_ids)
    picks = {o.order_id: o for o in fetch_pick_orders(db, list(labels))}
    files: list[LabelFile] = []
    for order_id in order_ids:
        label = labels.get(order_id)
        if label is None or label.state != label_store.BOUGHT:
            continue
        for package in label.packages:
            path = Path(package.file) if package.file else Path(f"{order_id}-{package.package_id}")
            pick = picks.get(order_id)
            files.append(label_for(pick, path) if pick else LabelFile(order_id, path))
    return files


def merge_kept(
    *, db: sqlite_utils.Database, order_ids: Sequence[str], out: Path, paper: Paper
) -> MergeResult:
    """The kept labels of these orders in one PDF in pick order (no network)."""
    files = kept_labels(db, order_ids)
    out.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    merged = documents.merge_labels(files, out, paper)  # PDF code loads on first use
    if merged.placed:
        label_store.save_printed(db, list(merged.placed), now=int(time.time()))
    return merged


async def reprint_labels(
    *,
    session: ShopSession,
    folder: Path,
    order_ids: Sequence[str],
    out: Path,
    paper: Paper = Paper.A6,
    size: str = "A6",
) -> LabelsResult:
    """The labels again from the kept files; a missing or stale one is fetched only through a
    new document call (the old link may have expired)."""
    db = session.db
    labels = fetch_labels(db, order_ids)
    buyer = LabelBuyer(session, folder)
    result = LabelsResult()
    for order_id in order_ids:
        label = labels.get(order_id)
        if label is None or label.state != label_store.BOUGHT:
            result.failed.append(LabelProblemRow(order_id, "no label was bought for it yet"))
            continue
        try:
            await buyer.documents(order_id, size, DocumentType.SHIPPING_LABEL)
        except ShopdeskError as exc:
            result.failed.append(LabelProblemRow(order_id, str(exc)))
            continue
        result.reused.append(order_id)
    if result.reused:
        merged = merge_kept(db=db, order_ids=result.reused, out=out, paper=paper)
        result.pdf, result.pages, result.printed = merged.path, merged.pages, merged.placed
        result.failed += [LabelProblemRow(p.order_id, p.reason) for p in merged.problems]
    return result


def make_picklist(
    *,
    db: sqlite_utils.Database,
    order_ids: Sequence[str],
    out: Path,
    paper: Paper = Paper.A4,
    picklist: bool = True,
    slips: bool = True,
) -> documents.PicklistResult:
    """The pick list of these orders, then a packing slip for each (from SQLite alone)."""
    orders = fetch_pick_orders(db, order_ids)
    return documents.write_picklist(orders, out, paper, picklist=picklist, slips=slips)


# --- shipping profiles -------------------------------------------------------------------------

PROFILE_COLUMNS = (
    "seller_sku",
    "weight",
    "weight_unit",
    "length",
    "width",
    "height",
    "length_unit",
    "bin_location",
    "barcode",
)


def set_sku_profile(
    *,
    db: sqlite_utils.Database,
    sku_id: str,
    weight: str = "",
    weight_unit: str = "",
    dims: str = "",
    length_unit: str = "",
    bin_location: str = "",
    barcode: str = "",
) -> SkuProfile:
    """Set one SKU's weight and size (over TikTok's), bin and barcode; bad input is refused."""
    profile = _profile(sku_id, weight, weight_unit, dims, length_unit, bin_location, barcode)
    save_profiles(db, [profile], now=int(time.time()))
    return profile


def _profile(
    sku_id: str,
    weight: str,
    weight_unit: str,
    dims: str,
    length_unit: str,
    bin_location: str,
    barcode: str,
) -> SkuProfile:
    value = None
    if weight.strip():
        parse_weight(weight, weight_unit)  # checks both
        value = Decimal(weight.strip())
    sides: tuple[Decimal | None, ...] = (None, None, None)
    if dims.strip():
        parse_dims(dims, length_unit)
        sides = tuple(Decimal(s) for s in dims.lower().replace("*", "x").split("x"))
    return SkuProfile(
        sku_id,
        value,
        weight_unit.strip().upper() if value is not None else "",
        sides[0],
        sides[1],
        sides[2],
        length_unit.strip().upper() if sides[0] is not None else "",
        bin_location.strip(),
        barcode.strip(),
    )


@dataclass(frozen=True)
class ProfileImport:
    """A profile CSV read: how many SKUs were set, and each bad row (nothing saved then)."""

    saved: int
    problems: tuple[str, ...]


def import_profiles(*, db: sqlite_utils.Database, text: str) -> ProfileImport:
    """Profiles from CSV (seller_sku, weight, weight_unit, length, width, height, length_unit,
    bin_location, barcode): every row is checked first; any bad row saves nothing."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "seller_sku" not in reader.fieldnames:
        return ProfileImport(0, ("the file needs a seller_sku column",))
    by_code: dict[str, list[str]] = {}
    for sku_id, seller_sku in db.execute(
        "SELECT id, seller_sku FROM skus WHERE removed = 0 UNION"
        " SELECT DISTINCT sku_id, seller_sku FROM line_items WHERE sku_id != ''"
    ):
        by_code.setdefault(str(seller_sku), []).append(str(sku_id))
    old = fetch_profiles(db, [s for ids in by_code.values() for s in ids])
    profiles, problems = [], []
    for n, row in enumerate(reader, start=2):
        code = (row.get("seller_sku") or "").strip()
        ids = by_code.get(code)
        if not ids:
            problems.append(f"line {n}: no SKU {code!r} in the catalogue")
            continue
        dims = "x".join((row.get(k) or "").strip() for k in ("length", "width", "height"))
        try:
            for sku_id in ids:
                keep = old.get(sku_id, SkuProfile(sku_id))
                profiles.append(
                    _profile(
                        sku_id,
                        (row.get("weight") or "").strip(),
                        (row.get("weight_unit") or "GRAM").strip(),
                        dims if dims != "xx" else "",
                        (row.get("length_unit") or "CM").strip(),
                        (row.get("bin_location") or keep.bin_location).strip(),
                        (row.get("barcode") or keep.barcode).strip(),
                    )
                )
        except ParcelError as exc:
            problems.append(f"line {n} ({code}): {exc}")
    if problems:
        return ProfileImport(0, tuple(problems))
    save_profiles(db, profiles, now=int(time.time()))
    return ProfileImport(len(profiles), ())
