"""PySide6's per-import source check keeps no source in memory and answers as before."""

from __future__ import annotations

import types
from pathlib import Path

from app.gui.pyside_features import mentions_pyside
from tests.gui.test_window_start import run_child

CHILD = """
import inspect, json, linecache, sys
import app.gui.main_window, app.sync.engine, app.gui.inventory_tab
from shibokensupport import feature
from app.gui.pyside_features import mentions_pyside
from tests.gui.test_window_start import run_child
def before(module):  # what PySide6 asked before: the source text, through linecache
    try:
        return "PySide6" in inspect.getsource(module)
    except (TypeError, OSError, SyntaxError):
        return False
kept = sorted(linecache.cache)
marked = dict(feature.pyside_feature_dict)
linecache.clearcache()
differ = [n for n in marked if n in sys.modules and before(sys.modules[n]) != (marked[n] == 0)]
print(json.dumps({"kept": kept, "marked": marked, "differ": differ,
                  "asked": feature._mod_uses_pyside is mentions_pyside}))
"""


def test_imports_after_qt_keep_no_source_and_are_judged_as_before() -> None:
    seen = run_child(CHILD)
    assert seen["asked"] is True
    # Hundreds of modules were imported after Qt; none left its lines behind (16 MB before).
    assert len(seen["marked"]) > 300
    assert [f for f in seen["kept"] if f.endswith(("sqlite_utils/db.py", "httpx/_client.py"))] == []
    assert len(seen["kept"]) < 20, seen["kept"]
    # The same modules count as using PySide6 as when PySide6 read their source itself.
    assert seen["differ"] == []
    assert seen["marked"]["app.gui.orders_tab"] == 0 and seen["marked"]["app.store.db"] == -1


def test_a_module_names_pyside_only_in_its_own_source_file(tmp_path: Path) -> None:
    uses, plain = tmp_path / "uses.py", tmp_path / "plain.py"
    uses.write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    plain.write_text("import sqlite3\n", encoding="utf-8")
    as_module = lambda path: types.SimpleNamespace(__file__=str(path))  # noqa: E731
    assert mentions_pyside(as_module(uses)) is True  # type: ignore[arg-type]
    assert mentions_pyside(as_module(plain)) is False  # type: ignore[arg-type]
    assert mentions_pyside(as_module(tmp_path / "gone.py")) is False  # type: ignore[arg-type]
    assert mentions_pyside(types.ModuleType("built_in")) is False  # no file: no source
    assert mentions_pyside(as_module(tmp_path / "ext.so")) is False  # type: ignore[arg-type]
