"""The order barcode on a packing slip scans: rendered like a printer would, then decoded."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from app.documents import Paper, PickLine, PickOrder, write_picklist
from tests.documents.code128 import BY_EDGES, PATTERNS, NotABarcode, Reading, read_row, runs
from tests.documents.conftest import Render

MM_PER_INCH = 25.4


def readings(picture: Image.Image) -> list[Reading]:
    """Every scanline of the picture that holds a complete Code 128 symbol."""
    w, h = picture.size
    pixels = picture.tobytes()
    found = []
    for y in range(h):
        try:
            found.append(read_row(pixels[y * w : (y + 1) * w]))
        except NotABarcode:
            continue
    return found


def slip(tmp_path: Path, order_id: str, paper: Paper) -> Path:
    out = tmp_path / f"slip-{paper.name}.pdf"
    order = PickOrder(order_id, (PickLine("SKU-1", "Serum", 2, "30 ml", "A-1"),), "Zoë")
    write_picklist([order], out, paper, picklist=False)
    return out


@pytest.mark.parametrize(
    ("order_id", "paper", "dpi"),
    [
        ("576461413038785001", Paper.A6, 203),  # a 4x6 slip on a 203 dpi thermal printer
        ("576461413038785001", Paper.A4, 300),  # an office laser printer
        ("577123001234567890", Paper.LETTER, 150),  # a coarse printer or a photo of the page
        ("RET-2026-AB12", Paper.A6, 203),  # letters and digits: code sets B and C
    ],
)
def test_the_slip_barcode_decodes_to_the_order_id(
    tmp_path: Path, render: Render, order_id: str, paper: Paper, dpi: int
) -> None:
    picture = render(slip(tmp_path, order_id, paper), 1, dpi)
    found = readings(picture)
    # The bars are at least 30 pixel rows tall at these resolutions (12 mm and more).
    assert len(found) >= 30, f"only {len(found)} scanlines decoded"
    assert {r.text for r in found} == {order_id}
    module_mm = min(r.module for r in found) / dpi * MM_PER_INCH
    assert module_mm >= 0.25, f"bars of {module_mm:.2f} mm are too thin for common scanners"
    quiet = min(min(r.quiet_left, r.quiet_right) / r.module for r in found)
    assert quiet >= 10, f"quiet zone of {quiet:.1f} modules (Code 128 needs 10)"


def test_the_reader_refuses_a_damaged_symbol(tmp_path: Path, render: Render) -> None:
    picture = render(slip(tmp_path, "576461413038785001", Paper.A6), 1, 203)
    w, _ = picture.size
    good = next(
        y for y in range(picture.height) if _decodes(picture.tobytes()[y * w : (y + 1) * w])
    )
    row = bytearray(picture.tobytes()[good * w : (good + 1) * w])
    # Widen the fifth bar by one module into the space after it: that symbol no longer reads.
    elements = runs(row)
    fifth = [i for i, (dark, _) in enumerate(elements) if dark][4]
    end = sum(n for _, n in elements[: fifth + 1])
    for x in range(end, end + round(read_row(bytes(row)).module)):
        row[x] = 0
    with pytest.raises(NotABarcode):
        read_row(bytes(row))


def test_the_reader_table_is_sound() -> None:
    # 107 patterns of 11 modules (the stop 13), an even number of bar modules each, and edge
    # distances that tell every symbol apart.
    assert len(PATTERNS) == 107 and len(set(PATTERNS)) == 107
    assert all(sum(map(int, p)) == (13 if v == 106 else 11) for v, p in enumerate(PATTERNS))
    assert all(sum(int(x) for x in p[0::2]) % 2 == 0 for p in PATTERNS)
    assert len(BY_EDGES) == 107


def _decodes(row: bytes) -> bool:
    try:
        read_row(row)
    except NotABarcode:
        return False
    return True
