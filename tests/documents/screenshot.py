"""The README's picture of a pick list page beside a packing slip, rendered from a real PDF.

    .venv/bin/python -m tests.documents.screenshot resources/screenshots

Writes `picklist.png` (needs pdftoppm from poppler-utils). test_screenshot.py runs it into a
temporary folder and checks the picture.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import UTC
from pathlib import Path

from PIL import Image, ImageOps

from app.documents import Paper, pick_order, write_picklist
from tests.documents.samples import sample_orders

DPI = 100
PRINTED = 1_790_000_000
BACKDROP = (218, 221, 226)


def page(pdf: Path, number: int, folder: Path) -> Image.Image:
    """One page as an RGB picture with a thin frame, like a sheet on a desk."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise SystemExit("pdftoppm is missing (Debian: apt install poppler-utils)")
    stem = folder / f"page-{number}"
    subprocess.run(
        [tool, "-png", "-r", str(DPI), "-f", str(number), "-l", str(number), "-singlefile",
         str(pdf), str(stem)],
        check=True,
        timeout=60,
    )  # fmt: skip
    with Image.open(stem.with_suffix(".png")) as sheet:
        return ImageOps.expand(sheet.convert("RGB"), border=1, fill=(160, 164, 170))


def make(out_dir: Path) -> Path:
    """Render the sample batch's first pick list page and a slip with a gift message."""
    orders = sample_orders(36, seed=11)
    gifted = next(o for o in pick_order(orders) if o.gift_message and len(o.lines) > 1)
    orders[orders.index(gifted)] = replace(
        gifted, buyer_note="Please leave it with the front desk if I'm out."
    )
    with tempfile.TemporaryDirectory(prefix="shopdesk-picklist-shot-") as tmp:
        folder = Path(tmp)
        pdf = folder / "batch.pdf"
        result = write_picklist(orders, pdf, Paper.A4, printed_at=PRINTED, tz=UTC)
        slip_page = result.picklist_pages + 1 + list(result.slips).index(gifted.order_id)
        sheets = [page(pdf, 1, folder), page(pdf, slip_page, folder)]
    gap = 36
    width = sum(s.width for s in sheets) + gap * (len(sheets) + 1)
    height = max(s.height for s in sheets) + 2 * gap
    canvas = Image.new("RGB", (width, height), BACKDROP)
    x = gap
    for sheet in sheets:
        canvas.paste(sheet, (x, gap))
        x += sheet.width + gap
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "picklist.png"
    canvas.save(out, optimize=True)
    return out


if __name__ == "__main__":
    print(make(Path(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots")))
