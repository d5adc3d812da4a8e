"""Shopdesk's import path (what the importer does with each page it receives), timed and profiled.

Per page, as `OrderImporter._read_window` does it: parse the body as the client does
(`parse_json`), make the `OrderPage`, then in one transaction `save_order_page` (orders, raw
JSON into `order_raw`, line items, and the ledger's `shipped` movements for counted SKUs) and
the job's progress; then the page's `Changes`, which the importer publishes. The stock of
every SKU the pages name is counted first, so the ledger has work to do.

cProfile runs in this process; py-spy, when it is installed (`.venv/bin/pip install py-spy`,
never a project dependency), samples a child running the same path:

    python -m tests.benchmarks.import_path PAGES_FILE   # the py-spy child: three passes
"""

from __future__ import annotations

import cProfile
import linecache
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import sqlite_utils

from app.store import imports
from app.store.db import open_db
from app.sync.order_saves import save_order_page
from app.tiktok.api import ShopApi
from app.tiktok.client import parse_json

ROOT = Path(__file__).resolve().parents[2]
TOP = 3
SHOWN = 8  # costs kept in report.json for the optimisation work
SHOP = "shop"


def page_skus(pages: list[bytes]) -> list[str]:
    """Every SKU the pages' line items name."""
    skus = {
        str(item.get("sku_id"))
        for page in pages
        for order in orjson.loads(page)["data"]["orders"]
        for item in order.get("line_items") or []
        if item.get("sku_id")
    }
    return sorted(skus)


def count_stock(db: sqlite_utils.Database, skus: list[str]) -> None:
    """A first count of every SKU, before any order: shipped orders then move the ledger."""
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO stock (sku_id, on_hand, estimate, counted_at, updated_at)"
            " VALUES (?, 1000000, 0, 0, 0)",
            [(sku,) for sku in skus],
        )


@dataclass
class ImportTarget:
    """A fresh database with counted stock and a running import job, as the importer has."""

    db: sqlite_utils.Database
    job: imports.ImportJob

    @classmethod
    def open(cls, path: Path, skus: list[str]) -> ImportTarget:
        db = open_db(path)
        count_stock(db, skus)
        return cls(db, imports.save_new_job(db, SHOP, 0, 2**31, now=1))

    def page(self, body: bytes) -> float:
        """Seconds from one page's bytes to its committed rows and its `Changes`."""
        db, job = self.db, self.job
        began = time.perf_counter()
        page = ShopApi._order_page(parse_json(body)["data"])
        with db.atomic():
            result = save_order_page(db, SHOP, page.raw_orders, now=1)
            job.pages += 1
            job.fetched += len(page)
            job.created += len(result.created)
            job.updated += len(result.updated)
            job.unchanged += result.unchanged + result.stale
            job.page_token = page.next_page_token
            imports.save_progress(db, job, now=1)
        result.changes  # noqa: B018 - the importer publishes it for every page
        return time.perf_counter() - began

    def run(self, pages: list[bytes]) -> float:
        """Seconds for all the pages, one after another."""
        return sum(self.page(body) for body in pages)

    def close(self) -> None:
        self.db.close()


def fresh_pass(
    pages: list[bytes], skus: list[str], profiler: cProfile.Profile | None = None
) -> float:
    """One pass of new orders into a new database file."""
    with tempfile.TemporaryDirectory() as tmp:
        target = ImportTarget.open(Path(tmp) / "profiled.db", skus)
        try:
            if profiler is not None:
                profiler.enable()
            return target.run(pages)
        finally:
            if profiler is not None:
                profiler.disable()
            target.close()


def _where(path: str, line: int) -> str:
    try:
        short = str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        short = Path(path).name
    return f"{short}:{line}"


def cprofile_costs(pages: list[bytes], skus: list[str]) -> tuple[float, list[dict[str, Any]]]:
    """Total profiled seconds and the functions with the most time of their own."""
    profiler = cProfile.Profile()
    fresh_pass(pages, skus, profiler)
    total, _idle, costs = ranked_costs(profiler)
    return total, costs


#: Where an event loop waits (for the network, a rate limit): time spent, but not work.
IDLE = ("<method 'poll' of 'select.epoll' objects>", "<method 'select' of 'select.")


def ranked_costs(profiler: cProfile.Profile) -> tuple[float, float, list[dict[str, Any]]]:
    """Seconds of work, seconds idle, and the functions with the most work of their own."""
    entries = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    named = {
        (func if path == "~" else f"{func} ({_where(path, line)})"): value
        for (path, line, func), value in entries.items()
    }
    idle = sum(v[2] for n, v in named.items() if n.startswith(IDLE))
    busy = {n: v for n, v in named.items() if not n.startswith(IDLE)}
    total = sum(v[2] for v in busy.values())
    ranked = sorted(busy.items(), key=lambda kv: kv[1][2], reverse=True)[:SHOWN]
    costs = [
        {
            "what": name,
            "own_s": round(own, 4),
            "cumulative_s": round(cumulative, 4),
            "share": round(own / total, 3) if total else 0.0,
            "calls": calls,
        }
        for name, (_cc, calls, own, cumulative, _callers) in ranked
    ]
    return total, idle, costs


def py_spy() -> str | None:
    """The py-spy program when it is installed here (next to this Python, or on PATH)."""
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


def _statement(where: str) -> str:
    path, _, line = where.rpartition(":")
    text = linecache.getline(str(ROOT / path), int(line)) if line.isdigit() else ""
    return text.strip()


def _in_run(frame: str) -> bool:
    """A py-spy frame of `ImportTarget.run`: the timed pages, not the setup around them."""
    return frame.startswith(("run (", "ImportTarget.run (")) and "import_path.py" in frame


def spy_costs(pages: list[bytes]) -> tuple[int, list[dict[str, Any]]] | None:
    """Samples in the import path and the source lines where most were taken (None: no py-spy)."""
    spy = py_spy()
    if spy is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        pages_file, out = Path(tmp) / "pages.jsonl", Path(tmp) / "stacks.txt"
        pages_file.write_bytes(b"\n".join(pages))  # compact JSON: one page a line
        command = [spy, "record", "--format", "raw", "--full-filenames", "--rate", "250"]
        command += ["-o", str(out), "--", sys.executable, "-m", "tests.benchmarks.import_path"]
        subprocess.run(
            [*command, str(pages_file)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            check=True,
            timeout=600,
        )
        stacks = out.read_text().splitlines()
    leaves: Counter[str] = Counter()
    for line in stacks:
        stack, _, count = line.rpartition(" ")
        if not count.isdigit() or not any(_in_run(f) for f in stack.split(";")):
            continue
        leaf = stack.split(";")[-1]
        func, _, where = leaf.rpartition(" (")
        path, _, number = where.rstrip(")").rpartition(":")
        leaves[f"{func} ({_where(path, int(number) if number.isdigit() else 0)})"] += int(count)
    total = sum(leaves.values())
    costs = [
        {
            "what": name,
            "statement": _statement(name.rpartition(" (")[2].rstrip(")")),
            "samples": n,
            "share": round(n / total, 3),
        }
        for name, n in leaves.most_common(SHOWN)
    ]
    return total, costs


def listed(costs: list[dict[str, Any]], measure: str) -> str:
    parts = []
    for n, cost in enumerate(costs[:TOP], 1):
        said = f" `{cost['statement']}`" if cost.get("statement") else ""
        parts.append(f"{n}. {cost['what']}{said} {cost['share']:.0%} ({measure.format(**cost)})")
    return "; ".join(parts)


def rows(pages: list[bytes], skus: list[str]) -> list[dict[str, Any]]:
    """The three biggest costs by cProfile, and by py-spy when it is there."""
    total, costs = cprofile_costs(pages, skus)
    found = [
        {
            "name": "import_path_costs_cprofile",
            "value": round(total, 3),
            "unit": "s profiled",
            "budget": "",
            "detail": f"{len(pages)} pages of new orders; most time of their own: "
            + listed(costs, "{own_s:.3f} s, {calls:,} calls"),
            "costs": costs,
        }
    ]
    spied = spy_costs(pages)
    if spied is None:
        found[0]["detail"] += "; py-spy not installed (.venv/bin/pip install py-spy)"
        return found
    samples, lines = spied
    found.append(
        {
            "name": "import_path_costs_py_spy",
            "value": samples,
            "unit": "samples",
            "budget": "",
            "detail": f"3 passes of {len(pages)} pages at 250 samples/s; lines sampled most: "
            + listed(lines, "{samples:,} samples"),
            "costs": lines,
        }
    )
    return found


if __name__ == "__main__":
    loaded = Path(sys.argv[1]).read_bytes().split(b"\n")
    counted = page_skus(loaded)
    for _ in range(3):
        fresh_pass(loaded, counted)
