"""The README's pick list picture is made from a real PDF and shows two full pages."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from PIL import Image

from tests.conftest import need_service
from tests.documents.screenshot import BACKDROP, make


def test_the_pick_list_picture_shows_a_pick_list_page_and_a_slip(tmp_path: Path) -> None:
    need_service(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils) is missing")
    out_dir = Path(os.environ.get("SHOPDESK_SCREENSHOTS") or tmp_path)
    with Image.open(make(out_dir)) as picture:
        rgb = picture.convert("RGB")
    # Two A4 pages at 100 dpi (827 x 1169 each) on a backdrop.
    assert rgb.width > 2 * 827 and rgb.height > 1169
    middle = rgb.width // 2
    assert rgb.getpixel((middle, rgb.height // 2)) == BACKDROP
    for left in (0, middle):
        half = rgb.crop((left, 0, left + middle, rgb.height)).convert("L")
        inked = sum(1 for v in half.tobytes() if v < 100)
        assert inked > 5_000, "a page of the picture is (nearly) blank"
