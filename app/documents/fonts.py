"""Fonts for buyers' names in any script: one embedded Unicode font, fallbacks per character.

The main font is the first TrueType font found among common system fonts (DejaVu Sans, Noto
Sans, Arial, Segoe UI), else the Bitstream Vera that ships inside reportlab, so Latin-1 text
always renders. A character the main font lacks is drawn in the first fallback that has it:
a system font with wide coverage (CJK, Thai) when one is installed, else one of the PDF
standard CJK fonts (not embedded: the viewer supplies the glyphs). A character no font has
(most emoji) becomes "?"; joiners and variation selectors are dropped.
"""

from __future__ import annotations

import functools
import os
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

_WINDOWS_FONTS = Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"
_REPORTLAB_FONTS = Path(reportlab.__file__).resolve().parent / "fonts"

# (regular, bold) pairs, best first; the last one always exists.
MAIN_FONTS: tuple[tuple[Path, Path], ...] = (
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
    (
        Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
        Path("/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    ),
    (
        Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
        Path("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    ),
    (
        Path("/System/Library/Fonts/Supplemental/Arial.ttf"),
        Path("/System/Library/Fonts/Supplemental/Arial Bold.ttf"),
    ),
    (_WINDOWS_FONTS / "segoeui.ttf", _WINDOWS_FONTS / "segoeuib.ttf"),
    (_WINDOWS_FONTS / "arial.ttf", _WINDOWS_FONTS / "arialbd.ttf"),
    (_REPORTLAB_FONTS / "Vera.ttf", _REPORTLAB_FONTS / "VeraBd.ttf"),
)

# Wide-coverage system fonts tried, in order, for characters the main font lacks.
FALLBACK_FONTS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/System/Library/Fonts/Supplemental/Arial Unicode.ttf"),
    Path("/Library/Fonts/Arial Unicode.ttf"),
    _WINDOWS_FONTS / "msyh.ttc",
    _WINDOWS_FONTS / "malgun.ttf",
    _WINDOWS_FONTS / "msgothic.ttc",
    _WINDOWS_FONTS / "tahoma.ttf",
)


def _in(*ranges: tuple[int, int]) -> Callable[[int], bool]:
    return lambda cp: any(lo <= cp <= hi for lo, hi in ranges)


# PDF standard CJK fonts and the characters each one is used for (the viewer draws them).
CID_FONTS: tuple[tuple[str, Callable[[int], bool]], ...] = (
    ("HYGothic-Medium", _in((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF))),
    ("HeiseiKakuGo-W5", _in((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF65, 0xFF9F))),
    (
        "STSong-Light",
        _in(
            (0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF)
        ),
    ),
)


@dataclass(frozen=True)
class _Face:
    """A registered font and the code points it can draw."""

    name: str
    covers: Callable[[int], bool]


def _ttf(name: str, path: Path) -> _Face | None:
    """Register one TrueType font, or None when it is missing or not a usable TrueType file."""
    if not path.is_file():
        return None
    try:
        font = TTFont(name, str(path))
    except (TTFError, OSError, KeyError, ValueError, AssertionError):
        return None
    pdfmetrics.registerFont(font)
    glyphs = frozenset(font.face.charToGlyph)
    return _Face(name, glyphs.__contains__)


@dataclass(frozen=True)
class FontSet:
    """The registered names of the main font (regular, bold) and its coverage."""

    regular: str
    bold: str
    covers: Callable[[int], bool]


@functools.cache
def main_fonts() -> FontSet:
    """The first main font pair found (registered once per process)."""
    for regular, bold in MAIN_FONTS:
        face = _ttf("ShopdeskSans", regular)
        if face is None:
            continue
        bold_face = _ttf("ShopdeskSans-Bold", bold)
        bold_name = bold_face.name if bold_face else face.name
        # <b> in paragraphs finds the bold face through the family.
        pdfmetrics.registerFontFamily(face.name, normal=face.name, bold=bold_name)
        return FontSet(face.name, bold_name, face.covers)
    # Only when reportlab's own fonts are gone: Helvetica draws Latin-1.
    return FontSet("Helvetica", "Helvetica-Bold", lambda cp: 0x20 <= cp <= 0xFF)


@functools.cache
def _fallback(index: int) -> _Face | None:
    """The index-th fallback face, loaded on first need (CJK fonts are large)."""
    if index < len(FALLBACK_FONTS):
        return _ttf(f"ShopdeskFallback{index}", FALLBACK_FONTS[index])
    name, covers = CID_FONTS[index - len(FALLBACK_FONTS)]
    pdfmetrics.registerFont(UnicodeCIDFont(name))
    return _Face(name, covers)


@functools.cache
def face_for(cp: int) -> str | None:
    """The font that draws this code point: "" for the main font, a fallback name, or None."""
    if main_fonts().covers(cp):
        return ""
    for index in range(len(FALLBACK_FONTS) + len(CID_FONTS)):
        face = _fallback(index)
        if face is not None and face.covers(cp):
            return face.name
    return None


def _dropped(ch: str) -> bool:
    """Marks that only shape their neighbours (joiners, variation selectors, lone accents)."""
    return unicodedata.category(ch) in ("Mn", "Me", "Cf")


@functools.lru_cache(maxsize=8192)
def runs(text: str) -> tuple[tuple[str, str], ...]:
    """(font name or "", text) runs that together draw `text` as well as the fonts allow."""
    return tuple(_runs(text))


def _runs(text: str) -> Iterator[tuple[str, str]]:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    current: str | None = None
    chunk: list[str] = []
    for ch in text:
        face: str | None = ""
        if ch not in "\n\t":
            if unicodedata.category(ch) == "Cc":
                continue
            face = face_for(ord(ch))
            if face is None:
                if _dropped(ch):
                    continue
                ch, face = "?", ""
        if face != current and chunk:
            yield current or "", "".join(chunk)
            chunk = []
        current = face
        chunk.append(ch)
    if chunk:
        yield current or "", "".join(chunk)


def markup(text: str) -> str:
    """Paragraph markup for plain text: escaped, line breaks kept, fallback fonts per run."""
    out: list[str] = []
    for face, chunk in runs(text):
        safe = escape(chunk).replace("\t", " ").replace("\n", "<br/>")
        out.append(f'<font face="{face}">{safe}</font>' if face else safe)
    return "".join(out)


def plain(text: str) -> str:
    """Text for a single-font canvas string: what the main font lacks becomes "?"."""
    return "".join(chunk if not face else "?" * len(chunk) for face, chunk in runs(text))
