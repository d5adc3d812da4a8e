"""The GUI and the CLI reach the core only through `app.ops` and `app.queries` (issue 15)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.unit.test_layers import APP, FILES, imported_modules, rel

#: What `app/gui` and `app/commands` (and the CLI's entry point) may not import.
CORE = ("app.store", "app.sync")
UPPER = ("app/gui/", "app/commands/", "app/cli.py")


def modules_of(path: Path) -> set[str]:
    """`imported_modules`, plus `from app import store` counted as `app.store`."""
    found = imported_modules(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module in ("app", "app.gui", "app.commands"):
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _banned(module: str, banned: tuple[str, ...]) -> bool:
    return any(module == b or module.startswith(b + ".") for b in banned)


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_gui_and_commands_do_not_import_store_or_sync(path: Path) -> None:
    name = rel(path)
    if not name.startswith(UPPER):
        return
    found = sorted(m for m in modules_of(path) if _banned(m, CORE))
    assert not found, f"{name} imports {found}: go through app.ops or app.queries"


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_ops_and_queries_do_not_reach_up(path: Path) -> None:
    name = rel(path)
    if not name.startswith(("app/ops/", "app/queries/")):
        return
    up = ("app.gui", "app.commands", "app.cli", "PySide6")
    found = sorted(m for m in modules_of(path) if _banned(m, up))
    assert not found, f"{name} imports {found}"


def test_the_gui_does_not_call_a_cli_command() -> None:
    for path in sorted((APP / "gui").rglob("*.py")):
        assert not any(_banned(m, ("app.commands", "app.cli")) for m in modules_of(path)), rel(path)


def test_queries_never_write(tmp_path: Path) -> None:
    from app.queries.db import open_readonly
    from app.store.db import open_db

    database = tmp_path / "shopdesk.db"
    open_db(database).close()
    db = open_readonly(database)
    try:
        with pytest.raises(Exception, match="readonly"):
            db.execute("CREATE TABLE t (x)")
    finally:
        db.close()


def test_the_scan_catches_a_store_import_in_any_form(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from app import store\n\ndef f():\n    import app.sync.engine\n")
    assert _banned("app.store", CORE) and {"app.store", "app.sync.engine"} <= modules_of(bad)
