"""Page footers that know the page count of their section ("Pick list · page 2 of 3").

The totals are only known at the end, so the canvas keeps each finished page and draws the
footers when the document is saved. Flowables mark where a section starts with `Section`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from app.documents.fonts import main_fonts, plain
from app.documents.layout import MUTED, RULE, Look

PICKLIST = "picklist"  # the section whose pages are always numbered


class Section(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """An invisible mark: the pages from here on belong to the section `key`, titled `text`."""

    def __init__(self, key: str, text: str) -> None:
        super().__init__()
        self.key = key
        self.text = text
        self.width = self.height = 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.shopdesk_section = (self.key, self.text)


class FooterCanvas(Canvas):  # type: ignore[misc]
    """A canvas that adds "<section> · page i of n" to every page when it is saved."""

    look: Look

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shopdesk_section: tuple[str, str] = ("", "")
        self._kept: list[tuple[dict[str, Any], tuple[str, str]]] = []
        self.section_pages: Counter[str] = Counter()
        self.kept_pages = 0

    def showPage(self) -> None:
        self._kept.append((dict(self.__dict__), self.shopdesk_section))
        self._startPage()

    def save(self) -> None:
        kept = self._kept
        totals = Counter(key for _, (key, _) in kept)
        seen: Counter[str] = Counter()
        for state, (key, text) in kept:
            self.__dict__.update(state)
            seen[key] += 1
            self._footer(key, text, seen[key], totals[key])
            Canvas.showPage(self)
        Canvas.save(self)
        self._kept = []
        self.section_pages = totals
        self.kept_pages = len(kept)

    def _footer(self, key: str, text: str, page: int, pages: int) -> None:
        look = self.look
        fonts = main_fonts()
        y = look.footer_y
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(look.margin, look.rule_y, look.paper.width - look.margin, look.rule_y)
        self.setFillColor(MUTED)
        self.setFont(fonts.regular, look.small)
        self.drawString(look.margin, y, plain(text))
        if pages > 1 or key == PICKLIST:
            self.drawRightString(look.paper.width - look.margin, y, f"page {page} of {pages}")
        self.restoreState()


def canvas_maker(look: Look) -> type[FooterCanvas]:
    """A FooterCanvas class bound to one look (reportlab builds the canvas itself)."""
    return type("BoundFooterCanvas", (FooterCanvas,), {"look": look})
