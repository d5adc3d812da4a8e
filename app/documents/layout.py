"""The look of pick lists and slips: margins, type sizes and paragraph styles per paper size.

Two looks: `wide` for A4 and letter (an office printer) and `compact` for A5 and 4x6 in slips
(a thermal printer), where the orders a SKU goes to move under the product name.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, tzinfo

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle

from app.documents.fonts import main_fonts
from app.documents.model import Paper

# Page streams compressed without the ASCII85 layer on top: a third smaller, and without the
# C accelerator (not installed) reportlab's pure-Python ASCII85 costs ~1 s per 500 pages.
rl_config.useA85 = 0

INK = colors.HexColor("#111111")
MUTED_HEX = "#5f6368"
MUTED = colors.HexColor(MUTED_HEX)
RULE = colors.HexColor("#c4c7cc")
BAND = colors.HexColor("#eef0f3")
STRIPE = colors.HexColor("#f7f8fa")

# Code 128 module width: 3 dots of a 203 dpi thermal printer (0.375 mm), well above the
# 0.25 mm most scanners need, and whole dots where slips are usually printed.
BAR_MODULE = 3 * 72 / 203


@dataclass(frozen=True)
class Look:
    """Sizes for one paper size, in points."""

    paper: Paper
    margin: float
    body: float  # body text size
    small: float
    title: float
    qty: float
    tick: float  # side of a tick box
    bar_height: float
    compact: bool

    @property
    def width(self) -> float:
        """Usable width between the margins."""
        return self.paper.width - 2 * self.margin

    @property
    def footer_y(self) -> float:
        """Baseline of the page footer."""
        return self.margin * 0.5

    @property
    def rule_y(self) -> float:
        """The thin line above the footer."""
        return self.footer_y + self.small + 2

    @property
    def frame_bottom(self) -> float:
        """Where the page's content stops, clear of the footer."""
        return max(self.margin, self.rule_y + 4)

    def style(self, name: str) -> ParagraphStyle:
        return _styles(self)[name]


def look_for(paper: Paper) -> Look:
    """The look that suits `paper`."""
    if paper is Paper.A6:
        return Look(paper, 12, 7.5, 6.5, 11, 10, 8, 32, True)
    if paper is Paper.A5:
        return Look(paper, 24, 8.5, 7, 14, 11, 9, 38, True)
    return Look(paper, 36, 9, 7.5, 17, 12, 10, 42, False)


@functools.cache
def _styles(look: Look) -> dict[str, ParagraphStyle]:
    fonts = main_fonts()
    regular, bold = fonts.regular, fonts.bold
    body, small = look.body, look.small

    def style(name: str, font: str, size: float, color: colors.Color = INK, **kw: object) -> None:
        made[name] = ParagraphStyle(
            name, fontName=font, fontSize=size, leading=size * 1.22, textColor=color, **kw
        )

    made: dict[str, ParagraphStyle] = {}
    # Paragraph styles for the pick list table; the slips draw with blocks.TextBlock.
    style("body", regular, body)
    style("bold", bold, body)
    style("orders", regular, small, INK, wordWrap=None)
    return made


def when(seconds: int, tz: tzinfo | None) -> str:
    """A time as a packer reads it: "Tue 2 Dec 14:00" in the given (default: local) zone."""
    moment = datetime.fromtimestamp(seconds, tz) if tz else datetime.fromtimestamp(seconds)
    return f"{moment:%a} {moment.day} {moment:%b %H:%M}"
