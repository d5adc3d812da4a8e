"""Merging label files into one PDF in pick order, every page on the chosen sheet."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from app.documents import DocumentError, LabelFile, Paper, label_for, merge_labels, pick_order
from tests.documents.conftest import Render, page_sizes, page_texts
from tests.documents.samples import (
    FOUR_BY_SIX,
    SIX_BY_FOUR,
    label_pdf,
    label_png,
    png_bytes,
    sample_orders,
)

ORDER_ID = re.compile(r"Order ID: (\d+)")


def ids_on(path: Path, *, upright_only: bool = False) -> list[list[str]]:
    """The order ids printed on each page of a merged PDF, top to bottom."""
    return [ORDER_ID.findall(t) for t in page_texts(path, upright_only=upright_only)]


def ink_box(picture: Image.Image) -> tuple[int, int, int, int]:
    """The box around everything printed (the label's frame)."""
    box = Image.eval(picture, lambda v: 255 if v < 128 else 0).getbbox()
    assert box is not None
    return box


@pytest.fixture
def mixed(tmp_path: Path) -> list[LabelFile]:
    """Five labels of the kinds TikTok and carriers hand out, in an order unlike pick order."""
    orders = sample_orders(5)
    files = [
        label_pdf(tmp_path / "a6.pdf", orders[0].order_id),
        label_pdf(tmp_path / "4x6.pdf", orders[1].order_id, size=FOUR_BY_SIX),
        label_pdf(tmp_path / "landscape.pdf", orders[2].order_id, size=SIX_BY_FOUR),
        label_pdf(tmp_path / "turned.pdf", orders[3].order_id, turned=True),
        label_png(tmp_path / "picture.png", orders[4].order_id),
    ]
    return [label_for(o, f) for o, f in zip(orders, files, strict=True)][::-1]


@pytest.mark.parametrize(
    ("paper", "size"),
    [(Paper.A6, (288.0, 432.0)), (Paper.A5, (419.5, 595.3)), (Paper.LETTER, (612.0, 792.0))],
)
def test_every_label_gets_its_own_sheet_in_pick_order(
    mixed: list[LabelFile], tmp_path: Path, paper: Paper, size: tuple[float, float]
) -> None:
    out = tmp_path / f"labels-{paper.name}.pdf"
    result = merge_labels(mixed, out, paper)
    expected = [lab.order_id for lab in pick_order(mixed)]
    assert result.ok and result.path == out
    assert result.pages == 5 and list(result.placed) == expected
    assert page_sizes(out) == [size] * 5
    # The PNG has no text; the four PDF labels say which order they belong to.
    assert [ids[0] if ids else "picture" for ids in ids_on(out)] == [
        i if lab.path.suffix == ".pdf" else "picture"
        for i, lab in zip(expected, pick_order(mixed), strict=True)
    ]
    assert "/XObject" in PdfReader(out).pages[expected.index(mixed[0].order_id)]["/Resources"]


def transitions(line: list[int]) -> int:
    """How often a line of pixels changes between ink and paper."""
    dark = [v < 128 for v in line]
    return sum(a != b for a, b in itertools.pairwise(dark))


def barcode_place(picture: Image.Image) -> tuple[str, float]:
    """Which way the label's tracking barcode runs and where: ("rows", 0.8) means its bars
    stand upright and a row 80% of the way down crosses them."""
    w, h = picture.size
    pixels = list(picture.tobytes())
    rows = [transitions(pixels[y * w : (y + 1) * w]) for y in range(h)]
    columns = [transitions(pixels[x::w]) for x in range(w)]
    if max(rows) >= max(columns):
        return "rows", rows.index(max(rows)) / h
    return "columns", columns.index(max(columns)) / w


def test_labels_stand_upright_and_fill_the_thermal_sheet(
    mixed: list[LabelFile], tmp_path: Path, render: Render
) -> None:
    out = tmp_path / "labels.pdf"
    merge_labels(mixed, out, Paper.A6)
    page_of = {lab.path.stem: n for n, lab in enumerate(pick_order(mixed), start=1)}
    for stem, page in page_of.items():
        picture = render(out, page, 100)
        left, top, right, bottom = ink_box(picture)
        assert bottom - top > right - left, f"{stem} is not portrait"
        # Each sample draws its frame 4 mm inside its edge: 0.85 of the sheet means "filled".
        assert bottom - top >= 0.85 * picture.height, f"{stem} does not fill the sheet"
        way, where = barcode_place(picture)
        if stem == "landscape":
            # A quarter turn clockwise: the label's bottom edge, with the barcode, is on the left.
            assert way == "columns" and where < 0.5, (stem, way, where)
        else:
            # Upright, a /Rotate label included: the barcode stands in the lower half.
            assert way == "rows" and where > 0.5, (stem, way, where)


def test_a_label_is_never_enlarged_on_office_paper(tmp_path: Path, render: Render) -> None:
    label = label_pdf(tmp_path / "a6.pdf", "576461413038785001", size=FOUR_BY_SIX)
    out = tmp_path / "letter.pdf"
    merge_labels([LabelFile("576461413038785001", label)], out, Paper.LETTER)
    left, top, right, bottom = ink_box(render(out, 1, 72))
    # The label's frame is 4x6 in less 4 mm each side: about 266 x 410 points at 72 dpi.
    assert abs((right - left) - 266) <= 3 and abs((bottom - top) - 410) <= 3


def test_two_labels_per_a4_sheet_top_half_first(mixed: list[LabelFile], tmp_path: Path) -> None:
    out = tmp_path / "two-up.pdf"
    result = merge_labels(mixed, out, Paper.A4, per_sheet=2)
    assert result.pages == 3 and page_sizes(out) == [(595.3, 841.9)] * 3
    order = [lab.order_id for lab in pick_order(mixed)]
    found = [i for page in ids_on(out) for i in page]
    pdf_ids = [
        i for i, lab in zip(order, pick_order(mixed), strict=True) if lab.path.suffix == ".pdf"
    ]
    assert found == pdf_ids


def test_a_label_file_with_several_pages_keeps_them_all_in_order(tmp_path: Path) -> None:
    two = label_pdf(tmp_path / "two.pdf", "576461413038785009", pages=2)
    one = label_pdf(tmp_path / "one.pdf", "576461413038785001")
    out = tmp_path / "out.pdf"
    result = merge_labels(
        [LabelFile("576461413038785009", two, "B"), LabelFile("576461413038785001", one, "A")],
        out,
    )
    assert result.pages == 3 and result.placed == ("576461413038785001", "576461413038785009")
    texts = page_texts(out)
    assert ["page 1" in t for t in texts] == [True, True, False]
    assert "576461413038785009" in texts[2] and "page 2" in texts[2]


def test_broken_labels_are_reported_per_order_and_the_rest_is_merged(tmp_path: Path) -> None:
    good = label_pdf(tmp_path / "good.pdf", "576461413038785001")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"<html>Your session expired</html>")
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good.read_bytes()[:400])
    bad_png = tmp_path / "bad.png"
    bad_png.write_bytes(png_bytes((10, 10))[:30])
    locked = tmp_path / "locked.pdf"
    writer = PdfWriter(clone_from=good)
    writer.encrypt("secret")
    writer.write(locked)
    labels = [
        LabelFile("1-good", good, "A"),
        LabelFile("2-missing", tmp_path / "gone.pdf", "B"),
        LabelFile("3-empty", empty, "C"),
        LabelFile("4-garbage", garbage, "D"),
        LabelFile("5-truncated", truncated, "E"),
        LabelFile("6-png", bad_png, "F"),
        LabelFile("7-folder", tmp_path, "G"),
        LabelFile("8-locked", locked, "H"),
    ]
    out = tmp_path / "out.pdf"
    result = merge_labels(labels, out)
    assert result.placed == ("1-good",) and result.pages == 1 and not result.ok
    reasons = {p.order_id: p.reason for p in result.problems}
    assert list(reasons) == [lab.order_id for lab in labels[1:]]
    assert "missing" in reasons["2-missing"]
    assert "empty" in reasons["3-empty"]
    assert "damaged" in reasons["4-garbage"] and "damaged" in reasons["5-truncated"]
    assert "damaged" in reasons["6-png"]
    assert "cannot be read" in reasons["7-folder"]
    assert "password" in reasons["8-locked"]
    assert ids_on(out) == [["576461413038785001"]]


def test_nothing_readable_writes_nothing_and_keeps_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "labels.pdf"
    out.write_bytes(b"yesterday's labels")
    result = merge_labels([LabelFile("1", tmp_path / "gone.pdf")], out)
    assert result.path is None and result.pages == 0 and len(result.problems) == 1
    assert out.read_bytes() == b"yesterday's labels"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labels.pdf"]


def test_a_merge_replaces_the_file_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "labels.pdf"
    out.write_bytes(b"old")
    label = label_pdf(tmp_path / "l.pdf", "576461413038785001")
    merge_labels([LabelFile("576461413038785001", label)], out)
    assert len(PdfReader(out).pages) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.pdf", "labels.pdf"]
    with pytest.raises(DocumentError, match="does not exist"):
        merge_labels([LabelFile("1", label)], tmp_path / "no-such-folder" / "x.pdf")


def test_a_picture_without_a_resolution_is_taken_as_a_4x6_label(tmp_path: Path) -> None:
    bare = tmp_path / "bare.png"
    bare.write_bytes(png_bytes((600, 400)))  # landscape, no dpi
    out = tmp_path / "out.pdf"
    result = merge_labels([LabelFile("1", bare)], out, Paper.A6)
    assert result.ok and page_sizes(out) == [(288.0, 432.0)]


def test_pictures_of_every_kind_show_their_bars(tmp_path: Path, render: Render) -> None:
    grey = label_png(tmp_path / "grey.png", "576461413038785001")
    kinds = {"grey-png": grey}
    with Image.open(grey) as picture:
        for name, mode, fmt in [
            ("rgb-png", "RGB", "PNG"),
            ("alpha-png", "RGBA", "PNG"),
            ("palette-png", "P", "PNG"),
            ("jpeg", "RGB", "JPEG"),
            ("gif", "P", "GIF"),
        ]:
            path = tmp_path / f"{name}.{fmt.lower()}"
            picture.convert(mode).save(path, format=fmt, dpi=(203, 203))
            kinds[name] = path
    labels = [LabelFile(name, path, name) for name, path in kinds.items()]
    out = tmp_path / "pictures.pdf"
    result = merge_labels(labels, out, Paper.A6)
    assert result.ok and result.pages == len(kinds)
    for page, name in enumerate(result.placed, start=1):
        way, where = barcode_place(render(out, page, 100))
        assert way == "rows" and 0.4 < where < 0.7, (name, way, where)


def test_a_picture_cut_short_is_reported_not_embedded(tmp_path: Path) -> None:
    whole = label_png(tmp_path / "whole.png", "576461413038785001").read_bytes()
    cut = tmp_path / "cut.png"
    cut.write_bytes(whole[: len(whole) // 2])
    result = merge_labels([LabelFile("1", cut)], tmp_path / "out.pdf")
    assert result.path is None and "damaged" in result.problems[0].reason


@pytest.mark.parametrize(("paper", "per_sheet"), [(Paper.A6, 2), (Paper.A4, 3), (Paper.A4, 0)])
def test_impossible_layouts_are_refused(tmp_path: Path, paper: Paper, per_sheet: int) -> None:
    with pytest.raises(DocumentError, match="per sheet"):
        merge_labels([], tmp_path / "x.pdf", paper, per_sheet=per_sheet)


def test_three_hundred_labels_merge_in_pick_order(tmp_path: Path) -> None:
    orders = sample_orders(300, seed=3)
    labels = [label_for(o, label_pdf(tmp_path / f"{o.order_id}.pdf", o.order_id)) for o in orders]
    out = tmp_path / "day.pdf"
    result = merge_labels(labels, out)
    expected = [o.order_id for o in pick_order(orders)]
    assert result.ok and result.pages == 300 and list(result.placed) == expected
    assert [ids[0] for ids in ids_on(out)] == expected
