"""The layer rules of DESIGN.md section 1, enforced on every file of the app."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (functions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", ""))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(str(node.args[0].value))
    return found


def top(module: str) -> str:
    return module.split(".")[0]


FILES = sorted(APP.rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(APP.parent).as_posix()


def test_the_scan_sees_the_app() -> None:
    assert len(FILES) > 10
    assert imported_modules(APP / "secrets.py") >= {"keyring"}


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_only_gui_imports_pyside6(path: Path) -> None:
    if rel(path).startswith("app/gui/"):
        return
    assert not any(top(m) in ("PySide6", "shiboken6") for m in imported_modules(path))


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_only_secrets_module_imports_keyring(path: Path) -> None:
    if rel(path) == "app/secrets.py":
        return
    assert not any(top(m) == "keyring" for m in imported_modules(path))


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_sandbox_imports_only_signing_and_models_from_the_app(path: Path) -> None:
    if not rel(path).startswith("app/sandbox/"):
        return
    for module in imported_modules(path):
        if top(module) == "app" and not module.startswith("app.sandbox"):
            assert module in ("app.tiktok.signing", "app.tiktok.models") or module.startswith(
                "app.tiktok.models."
            ), f"{rel(path)} imports {module}"


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_core_layers_do_not_reach_up(path: Path) -> None:
    name = rel(path)
    forbidden = {
        "app/tiktok/": ("app.store", "app.sync", "app.gui", "app.relay", "app.cli", "app.secrets"),
        "app/store/": ("app.sync", "app.gui", "app.relay", "app.cli", "app.secrets"),
        "app/sync/": ("app.gui", "app.cli"),
        # PDFs from plain typed input: callable from ops, the CLI and the GUI alike.
        "app/documents/": (
            "app.store",
            "app.sync",
            "app.tiktok",
            "app.gui",
            "app.relay",
            "app.cli",
            "app.secrets",
            "app.ops",
            "app.commands",
        ),
    }
    for prefix, banned in forbidden.items():
        if name.startswith(prefix):
            for module in imported_modules(path):
                assert not module.startswith(banned), f"{name} imports {module}"


def test_the_scan_catches_a_hidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f():\n    from PySide6 import QtCore\n    importlib.import_module('keyring')\n"
    )
    assert {"PySide6", "keyring"} <= imported_modules(bad)
