"""The pick list and packing slips PDF, read back page by page."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest

from app.documents import DocumentError, Paper, PickLine, PickOrder, pick_order, write_picklist
from app.documents.picking import pick_rows
from tests.documents.conftest import page_sizes, page_texts
from tests.documents.samples import sample_orders

PRINTED = 1_790_000_000  # Mon 21 Sep 2026 14:13 UTC


def write(orders: list[PickOrder], out: Path, paper: Paper = Paper.A4, **kw: object) -> list[str]:
    result = write_picklist(orders, out, paper, printed_at=PRINTED, tz=UTC, **kw)  # type: ignore[arg-type]
    texts = page_texts(out)
    assert result.pages == len(texts)
    return texts


def in_order(text: str, parts: list[str]) -> bool:
    """Every part appears in the text, each after the one before."""
    at = -1
    for part in parts:
        at = text.find(part, at + 1)
        if at < 0:
            return False
    return True


@pytest.mark.parametrize(
    ("paper", "size"),
    [
        (Paper.A4, (595.3, 841.9)),
        (Paper.LETTER, (612.0, 792.0)),
        (Paper.A5, (419.5, 595.3)),
        (Paper.A6, (288.0, 432.0)),
    ],
)
def test_pick_list_then_one_slip_per_order_in_pick_order(
    tmp_path: Path, paper: Paper, size: tuple[float, float]
) -> None:
    orders = sample_orders(12)
    out = tmp_path / "batch.pdf"
    result = write_picklist(orders, out, paper, printed_at=PRINTED, tz=UTC)
    texts = page_texts(out)
    expected = [o.order_id for o in pick_order(orders)]
    assert result.slips == tuple(expected)
    assert result.pages == result.picklist_pages + 12 == len(texts)
    assert page_sizes(out) == [size] * result.pages
    slips = texts[result.picklist_pages :]
    for n, (text, order_id) in enumerate(zip(slips, expected, strict=True), start=1):
        assert f"Packing slip {n} of 12 · order {order_id}" in text
        assert "PACKING SLIP" in text and order_id in text.replace(" ", "")


def test_the_pick_list_rows_go_by_bin_with_totals_and_orders(tmp_path: Path) -> None:
    orders = [
        PickOrder("576461413038785001", (PickLine("LIP", "Lip Oil", 2, "Cherry", "B-02"),)),
        PickOrder(
            "576461413038785002",
            (
                PickLine("SERUM", "Serum", 1, "30 ml", "A-10"),
                PickLine("LIP", "Lip Oil", 1, "Cherry", "B-02"),
            ),
        ),
        PickOrder("576461413038785003", (PickLine("MASK", "Clay Mask", 3, "", "A-2"),)),
    ]
    texts = write(orders, tmp_path / "p.pdf", slips=False)
    assert len(texts) == 1
    page = texts[0]
    assert "3 orders · 7 items · 3 SKUs" in page and "Printed Mon 21 Sep 14:13" in page
    assert in_order(page, ["BIN", "SKU · PRODUCT", "QTY", "ORDERS"])
    assert in_order(page, ["A-2", "MASK", "Clay Mask", "3", "…5003"])
    assert in_order(page, ["A-10", "SERUM", "Serum · 30 ml", "1", "…5002"])
    assert in_order(page, ["B-02", "LIP", "Lip Oil · Cherry", "3", "…5002", "…5001 ×2"])
    assert in_order(page, ["MASK", "SERUM", "LIP"])
    assert "page 1 of 1" in page


def test_a_long_pick_list_repeats_its_header_and_numbers_its_pages(tmp_path: Path) -> None:
    orders = [
        PickOrder(
            f"5764614130387{n:05d}", (PickLine(f"SKU-{n:03d}", f"Product {n}", 1, "", f"R-{n}"),)
        )
        for n in range(120)
    ]
    out = tmp_path / "long.pdf"
    result = write_picklist(orders, out, Paper.A4, slips=False, printed_at=PRINTED, tz=UTC)
    texts = page_texts(out)
    assert result.picklist_pages == result.pages == len(texts) >= 3
    for n, text in enumerate(texts, start=1):
        assert in_order(text, ["BIN", "SKU · PRODUCT", "QTY"])
        assert f"page {n} of {len(texts)}" in text
    skus = [f"SKU-{n:03d}" for n in range(120)]
    joined = "\n".join(texts)
    assert in_order(joined, skus)  # R-2 before R-10: bins sort as numbers


def test_a_slip_shows_what_the_packer_needs(tmp_path: Path) -> None:
    order = PickOrder(
        "576461413038785001",
        (
            PickLine("LIP", "Tinted Lip Oil", 2, "Cherry", "B-02", "0850000001"),
            PickLine("SERUM", "Vitamin C Serum", 1, "30 ml", "A-01"),
        ),
        recipient_name="Zoë Martínez",
        address_lines=("4410 Alder Street Apt 7", "Portland, OR 97201", "United States"),
        gift_message="Happy birthday, Ana!",
        buyer_note="Please no plastic",
        ship_by=PRINTED + 86_400,
        shipping_type="TikTok Shipping",
    )
    (slip,) = write([order], tmp_path / "s.pdf", picklist=False)
    assert in_order(
        slip,
        [
            "PACKING SLIP",
            "Order",
            "576461413038785001",
            "SHIP TO",
            "Zoë Martínez",
            "4410 Alder Street Apt 7",
            "Portland, OR 97201",
            "SHIP BY",
            "Tue 22 Sep 14:13",
            "TikTok Shipping",
            "3 items",
            "QTY",
            "ITEM",
            "1",
            "Vitamin C Serum",
            "30 ml · SKU SERUM · bin A-01",
            "2",
            "Tinted Lip Oil",
            "Cherry · SKU LIP · bin B-02 · barcode 0850000001",
            "GIFT MESSAGE",
            "Happy birthday, Ana!",
            "NOTE FROM THE BUYER",
            "Please no plastic",
        ],
    ), slip


def test_an_order_with_many_items_continues_on_a_second_page(tmp_path: Path) -> None:
    lines = tuple(PickLine(f"SKU-{n:02d}", f"Item {n}", 1, "", f"A-{n:02d}") for n in range(60))
    texts = write([PickOrder("576461413038785001", lines)], tmp_path / "big.pdf", picklist=False)
    assert len(texts) >= 2
    assert all("Packing slip 1 of 1" in t for t in texts)
    assert [f"page {n} of {len(texts)}" in t for n, t in enumerate(texts, start=1)] == [True] * len(
        texts
    )
    assert in_order("\n".join(texts), [f"SKU-{n:02d}" for n in range(60)])


def test_a_sku_going_to_hundreds_of_orders_spans_pages(tmp_path: Path) -> None:
    orders = [
        PickOrder(f"57646141303878{n:04d}", (PickLine("SERUM", "Serum", 1, "", "A-1"),))
        for n in range(900)
    ]
    texts = write(orders, tmp_path / "wide.pdf", Paper.A6, slips=False)
    assert len(texts) >= 2
    joined = "\n".join(texts)
    assert "900" in texts[0] and "…0000" in joined and "…0899" in joined


def test_five_hundred_orders_make_one_pdf(tmp_path: Path) -> None:
    orders = sample_orders(500)
    out = tmp_path / "day.pdf"
    result = write_picklist(orders, out, Paper.A4, printed_at=PRINTED, tz=UTC)
    assert result.pages == result.picklist_pages + 500
    texts = page_texts(out)
    first = texts[: result.picklist_pages]
    rows = pick_rows(orders)
    assert in_order("\n".join(first), [r.seller_sku for r in rows])
    assert sum(r.quantity for r in rows) == sum(ln.quantity for o in orders for ln in o.lines)
    assert f"{sum(r.quantity for r in rows)} items" in first[0]


def test_names_in_any_script_do_not_break_the_slip(tmp_path: Path) -> None:
    order = PickOrder(
        "576461413038785001",
        (PickLine("TEA-🍵", "抹茶ラテ Matcha Latte", 1, "Größe M", "Z-1"),),
        recipient_name="李明 (Lǐ Míng) 김민수 สมชาย Zoë",
        address_lines=("Straße 5, Århus", "東京都渋谷区"),
        gift_message="Happy birthday 🎉🎂 ❤️ — love, Anaïs",
    )
    texts = write([order], tmp_path / "u.pdf")
    slip = texts[-1]
    # Latin-1 and Latin Extended text is kept as it is ...
    for kept in ("Zoë", "(Lǐ Míng)", "Straße 5, Århus", "Größe M", "— love, Anaïs", "Matcha Latte"):
        assert kept in slip, kept
    # ... CJK is written with a font that has it (a system font, or a PDF standard CJK font) ...
    for cjk in ("李明", "김민수", "抹茶", "東京都渋谷区"):
        assert cjk in slip, cjk
    # ... and what no font has (emoji here) becomes "?" rather than breaking the page.
    assert "Happy birthday ??" in slip
    assert "TEA-?" in texts[0]


def test_an_essay_in_a_note_is_cut_rather_than_breaking_the_slip(tmp_path: Path) -> None:
    order = PickOrder(
        "576461413038785001",
        (PickLine("SKU", "Very long name " * 300, 1),),
        recipient_name="李明" * 1000,
        address_lines=("Street " * 400,) * 3,
        buyer_note="Please " * 5000,
        gift_message="x" * 30_000,
    )
    texts = write([order], tmp_path / "essay.pdf", Paper.A6)
    slip = "".join(texts[1:])
    assert "NOTE FROM THE BUYER" in slip and "GIFT MESSAGE" in slip
    assert "Please Please" in slip and "…" in slip
    assert slip.count("Please") < 300


@pytest.mark.parametrize(
    ("orders", "kw", "message"),
    [
        ([], {}, "no orders"),
        (sample_orders(1), {"picklist": False, "slips": False}, "pick list, the packing slips"),
        (sample_orders(1) * 2, {}, "listed twice: 576461413038785000"),
    ],
)
def test_bad_requests_are_refused_before_anything_is_written(
    tmp_path: Path, orders: list[PickOrder], kw: dict[str, bool], message: str
) -> None:
    out = tmp_path / "p.pdf"
    with pytest.raises(DocumentError, match=message):
        write_picklist(orders, out, **kw)
    assert not out.exists()


def test_a_failed_build_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "p.pdf"
    out.write_bytes(b"yesterday")
    too_long = PickOrder("X" * 200, (PickLine("S", "N", 1),))
    with pytest.raises(DocumentError, match="too long for a readable barcode"):
        write_picklist([*sample_orders(3), too_long], out, Paper.A6)
    assert out.read_bytes() == b"yesterday"
    assert [p.name for p in tmp_path.iterdir()] == ["p.pdf"]
    with pytest.raises(DocumentError, match="does not exist"):
        write_picklist(sample_orders(1), tmp_path / "missing" / "p.pdf")
