"""One PDF for a batch of orders: the pick list, then a packing slip per order, in pick order.

`write_picklist(orders, out, paper)` lays the pick list out on A4 or letter paper for an
office printer, or compactly on A5 or 4x6 in slips (`Paper.A6`) for a thermal printer. Slips
follow the pick order (the same order `merge_labels` puts the labels in), so a slip and its
label come off the printers in step. The PDF replaces `out` only once it is complete.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate
from reportlab.platypus.doctemplate import LayoutError

from app.documents.layout import Look, look_for, when
from app.documents.model import DocumentError, Paper, PickOrder
from app.documents.output import atomic_output
from app.documents.pages import PICKLIST, FooterCanvas, Section, canvas_maker
from app.documents.picking import pick_order, short_ids
from app.documents.picklist import picklist_story
from app.documents.slips import slip_story


@dataclass(frozen=True)
class PicklistResult:
    """What `write_picklist` wrote: `pages` in all, the first `picklist_pages` the pick list.

    `slips` are the order ids in the order their packing slips appear (pick order).
    """

    path: Path
    pages: int
    picklist_pages: int
    slips: tuple[str, ...]


def _check(orders: Sequence[PickOrder], picklist: bool, slips: bool) -> None:
    if not orders:
        raise DocumentError("no orders to put on a pick list")
    if not (picklist or slips):
        raise DocumentError("choose the pick list, the packing slips, or both")
    twice = sorted(oid for oid, n in Counter(o.order_id for o in orders).items() if n > 1)
    if twice:
        raise DocumentError(f"orders listed twice: {', '.join(twice[:5])}")


def _document(target: object, look: Look, title: str) -> BaseDocTemplate:
    frame = Frame(
        look.margin,
        look.frame_bottom,
        look.width,
        look.paper.height - look.margin - look.frame_bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    return BaseDocTemplate(
        target,
        pagesize=look.paper.value,
        pageTemplates=[PageTemplate("page", frames=[frame])],
        title=title,
        author="Shopdesk",
        creator="Shopdesk",
        invariant=1,
    )


def write_picklist(
    orders: Sequence[PickOrder],
    out: Path | str,
    paper: Paper = Paper.A4,
    *,
    picklist: bool = True,
    slips: bool = True,
    title: str = "Pick list",
    printed_at: int | None = None,
    tz: tzinfo | None = None,
) -> PicklistResult:
    """Write the pick list and/or the packing slips of `orders` to `out`.

    Times (ship-by, printed at) are shown in `tz`, by default this computer's zone;
    `printed_at` is UTC seconds, by default now.
    """
    _check(orders, picklist, slips)
    look = look_for(paper)
    ordered = pick_order(orders)
    printed = when(int(time.time()) if printed_at is None else printed_at, tz)
    short = short_ids(o.order_id for o in ordered)
    story: list[Flowable] = []
    if picklist:
        story += [Section(PICKLIST, f"{title} · printed {printed}")]
        story += picklist_story(ordered, look, title, printed, short)
    for n, order in enumerate(ordered if slips else (), start=1):
        if story:
            story.append(PageBreak())
        footer = f"Packing slip {n} of {len(ordered)} · order {order.order_id}"
        story.append(Section(f"slip:{n}", footer))
        story += slip_story(order, short[order.order_id], look, tz)
    out = Path(out)
    maker = canvas_maker(look)
    with atomic_output(out) as handle:
        doc = _document(handle, look, title)
        try:
            doc.build(story, canvasmaker=maker)
        except LayoutError as exc:
            raise DocumentError(f"something does not fit on a {paper.name} page: {exc}") from exc
        canvas = doc.canv
    assert isinstance(canvas, FooterCanvas)
    return PicklistResult(
        path=out,
        pages=canvas.kept_pages,
        picklist_pages=canvas.section_pages[PICKLIST],
        slips=tuple(o.order_id for o in ordered) if slips else (),
    )
