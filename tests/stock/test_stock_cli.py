"""The stock commands as a creator runs them: real processes, a real sandbox server, SQLite on
disk; CSV files that are wrong apply nothing and say which lines are wrong."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from app.sandbox import SandboxConfig, running_sandbox
from tests.integration.cli_support import Cli, admin


def inventory(info) -> dict[str, dict]:
    with admin(info) as client:
        rows = client.get("/sandbox/inventory").json()["skus"]
    found: dict[str, dict] = {}
    for r in rows:
        entry = found.setdefault(r["sku_id"], {**r, "quantity": 0, "committed": 0})
        entry["quantity"] += r["quantity"]
        entry["committed"] += r["committed"]
    return found


def export(cli: Cli, out: Path) -> dict[str, dict[str, str]]:
    cli.run("export", "stock", "--out", str(out))
    with out.open(encoding="utf-8", newline="") as handle:
        return {row["sku_id"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    with running_sandbox(SandboxConfig(seed=31, orders=80, products=6)) as info:
        shop = Cli(tmp_path_factory.mktemp("stock") / "home", info)
        shop.connect()
        shop.run("import", "--days", "90")
        yield shop


def test_set_pushes_and_exports_match_the_sandbox(cli: Cli, tmp_path: Path) -> None:
    truth = inventory(cli.info)
    active = {
        p.id
        for shop in cli.info.sandbox.state.shops.values()
        for p in shop.products.values()
        if p.status == "ACTIVATE"
    }
    sku = next(s for s in truth.values() if s["product_id"] in active)
    code, held = sku["seller_sku"], sku["committed"]
    # The first stock command reads the catalogue by itself.
    shown = cli.run("stock", "set", code, str(held + 7))
    assert f"{code}: on hand {held + 7}, committed {held}, available 7" in shown.stdout
    status = cli.json("status", "--json")
    assert status["skus"] == len(truth) and status["outbox"] == {"pending": 1, "failed": 0}
    assert {"oversold", "low_stock"} <= set(status)

    pushed = cli.json("stock", "push", "--json")
    assert (pushed["pushed"], pushed["failed"], pushed["update_calls"]) == (1, 0, 1)
    assert inventory(cli.info)[sku["sku_id"]]["quantity"] == 7
    assert cli.json("status", "--json")["outbox"] == {"pending": 0, "failed": 0}

    rows = export(cli, tmp_path / "stock.csv")
    assert set(rows) == set(truth)
    row = rows[sku["sku_id"]]
    assert (row["seller_sku"], row["on_hand"], row["committed"], row["available"]) == (
        code,
        str(held + 7),
        str(held),
        "7",
    )
    assert (row["tiktok_quantity"], row["buffer"], row["estimate"]) == ("7", "0", "no")
    assert {
        "seller_sku",
        "sku_id",
        "product_id",
        "on_hand",
        "committed",
        "available",
        "buffer",
        "tiktok_quantity",
    } <= set(row)


def test_a_bad_file_applies_nothing_and_names_every_bad_line(cli: Cli, tmp_path: Path) -> None:
    truth = inventory(cli.info)
    codes = [s["seller_sku"] for s in truth.values()]
    # The catalogue is in (the first stock command reads it), whichever test ran before.
    cli.run("stock", "push")
    before = export(cli, tmp_path / "before.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "seller_sku,on_hand,buffer\n"
        f"{codes[0]},12,\n"  # line 2: fine
        "NO-SUCH-SKU,3,\n"  # line 3: unknown SKU
        f"{codes[1]},-4,\n"  # line 4: negative
        f"{codes[2]},lots,\n"  # line 5: text in a number column
        f"{codes[0]},5,\n"  # line 6: the same SKU again
        f"{codes[3]},8,two\n",  # line 7: text in buffer
        encoding="utf-8",
    )
    result = cli.run("stock", "import", str(bad), check=False)
    assert result.returncode == 2
    problems = result.stderr
    assert "5 problems" in problems
    assert "line 3: unknown seller SKU 'NO-SUCH-SKU'" in problems
    assert "line 4: on_hand cannot be negative (-4)" in problems
    assert "line 5: on_hand must be a whole number, not 'lots'" in problems
    assert f"line 6: '{codes[0]}' appears again (first on line 2)" in problems
    assert "line 7: buffer must be a whole number, not 'two'" in problems
    assert "line 2:" not in problems
    assert export(cli, tmp_path / "after.csv") == before

    good = tmp_path / "good.csv"
    good.write_text(
        f'\ufeffSeller_SKU,on_hand,low_stock\n"{codes[0]}",30,\n{codes[1]},40,9\n',
        encoding="utf-8",
    )
    done = cli.run("stock", "import", str(good))
    assert "Set 2 SKUs" in done.stdout
    after = export(cli, tmp_path / "after.csv")
    by_code = {r["seller_sku"]: r for r in after.values()}
    assert by_code[codes[1]]["on_hand"] == "40" and by_code[codes[1]]["low_stock"] == "9"
    assert cli.json("status", "--json")["outbox"]["pending"] == 2


def test_a_refused_push_exits_4_and_says_why(cli: Cli) -> None:
    inactive = next(
        p
        for shop in cli.info.sandbox.state.shops.values()
        for p in shop.products.values()
        if p.status == "SELLER_DEACTIVATED"
    )
    code = inactive.skus[0].seller_sku
    cli.run("stock", "set", code, "3")
    result = cli.run("stock", "push", check=False)
    assert result.returncode == 4
    assert f"{code} not updated: the product is SELLER_DEACTIVATED" in result.stderr
    status = cli.json("status", "--json")
    assert status["outbox"]["failed"] == 1 and status["errors"] >= 1
    unknown = cli.run("stock", "set", "NO-SUCH-SKU", "1", check=False)
    assert unknown.returncode == 2 and "unknown seller SKU" in unknown.stderr
    report = json.loads(cli.run("status", "--json").stdout)
    assert report["skus"] > 0
