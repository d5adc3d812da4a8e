"""A real X window under Xvfb: a PNG of every tab with the demo shop running.

The window runs in a child process (this process's Qt is offscreen). Pictures go to a
temporary folder; set SHOPDESK_SCREENSHOTS=resources/screenshots to refresh the README's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.conftest import need_service
from tests.gui.label_screenshots import SHOTS as LABEL_SHOTS
from tests.gui.screenshots import DARK_TABS, DIALOGS, TABS

ROOT = Path(__file__).resolve().parents[2]


def distinct_colours(image: QImage, step: int = 11) -> int:
    """Colours on a grid: a blank or half-drawn window has a handful (an 11-pixel grid still
    catches the one row of a sparse table)."""
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        }
    )


def photograph(module: str, out: Path) -> subprocess.CompletedProcess[str]:
    """Run a screenshot script in a real X window (Xvfb)."""
    return subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", sys.executable, "-m", module, str(out)],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "xcb"},
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.service
def test_every_tab_is_photographed_in_a_real_x_window(tmp_path: Path) -> None:
    need_service(
        shutil.which("xvfb-run") is not None and shutil.which("Xvfb") is not None,
        "Xvfb is not installed (Debian: apt install xvfb xauth)",
    )
    out = Path(os.environ.get("SHOPDESK_SCREENSHOTS") or tmp_path / "shots")
    result = photograph("tests.gui.screenshots", out)
    assert result.returncode == 0, result.stdout + result.stderr
    names = [*TABS, *(f"{tab}-dark" for tab in DARK_TABS)]
    for name in names:
        image = QImage(str(out / f"{name}.png"))
        assert not image.isNull(), name
        assert (image.width(), image.height()) == (1280, 800), name
        assert distinct_colours(image) > 12, f"{name}.png looks blank"
    for name in DIALOGS:
        image = QImage(str(out / f"{name}.png"))
        assert not image.isNull() and image.width() >= 800, name
        assert distinct_colours(image) > 12, f"{name}.png looks blank"


@pytest.mark.service
def test_the_labels_flow_and_the_pack_tab_are_photographed(tmp_path: Path) -> None:
    need_service(
        shutil.which("xvfb-run") is not None and shutil.which("Xvfb") is not None,
        "Xvfb is not installed (Debian: apt install xvfb xauth)",
    )
    out = Path(os.environ.get("SHOPDESK_SCREENSHOTS") or tmp_path / "shots")
    result = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1400x900x24",
            sys.executable,
            "-m",
            "tests.gui.label_screenshots",
            str(out),
        ],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "xcb"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for name in LABEL_SHOTS:
        image = QImage(str(out / f"{name}.png"))
        assert not image.isNull() and image.width() >= 800, name
        assert distinct_colours(image) > 12, f"{name}.png looks blank"
