"""Reading the PDFs back: pypdf for pages and text, poppler's pdftoppm to see them."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.conftest import need_service

Render = Callable[[Path, int, int], Image.Image]


def page_texts(path: Path, *, upright_only: bool = False) -> list[str]:
    """The text of every page, in page order."""
    orientations = (0,) if upright_only else (0, 90, 180, 270)
    return [p.extract_text(orientations=orientations) for p in PdfReader(path).pages]


def page_sizes(path: Path) -> list[tuple[float, float]]:
    """Every page's size in points, rounded to a tenth."""
    return [
        (round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1))
        for p in PdfReader(path).pages
    ]


@pytest.fixture
def render(tmp_path: Path) -> Render:
    """render(pdf, page_number, dpi): one page as a greyscale picture, crisp like a printer."""
    tool = shutil.which("pdftoppm")
    need_service(tool is not None, "pdftoppm (Debian package poppler-utils) is not installed")
    assert tool is not None

    def run(pdf: Path, page: int, dpi: int) -> Image.Image:
        stem = tmp_path / f"render-{pdf.stem}-{page}-{dpi}"
        subprocess.run(
            [
                tool,
                "-gray",
                "-aaVector",
                "no",
                "-r",
                str(dpi),
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(pdf),
                str(stem),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return Image.open(stem.with_suffix(".pgm")).convert("L")

    return run
