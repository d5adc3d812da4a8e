"""PySide6 reads the source of every module imported after it; this reads it without keeping it.

Importing `PySide6.QtCore` replaces `__import__` so that `from __feature__ import snake_case`
can work per module. On every later import it asks `inspect.getsource(module)` whether the
text "PySide6" occurs in the module, which splits the whole file into lines and keeps them in
`linecache`: measured here, about 440 files and 16 MB that stay resident for the life of the
window, and a tenth of the imports' CPU time. Shopdesk selects no feature, but the answer must
stay the same for any module that might: the same search, over the file's bytes, kept nowhere.
"""

from __future__ import annotations

import logging
from types import ModuleType

import PySide6.QtCore  # noqa: F401  (installs the import hook this module adjusts)

log = logging.getLogger(__name__)

_MARK = b"PySide6"


def mentions_pyside(module: ModuleType) -> bool:
    """Whether the module's source file names PySide6 (False when it has no source file)."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False  # extension, frozen or bundled: inspect finds no source either
    try:
        with open(path, "rb") as handle:
            return _MARK in handle.read()
    except OSError:
        return False


def read_less_source() -> bool:
    """Answer PySide6's per-import question with `mentions_pyside`; False when this PySide6
    asks it some other way (then nothing changes)."""
    try:
        from shibokensupport import feature  # type: ignore[import-not-found]
    except ImportError:
        return False
    if not callable(getattr(feature, "_mod_uses_pyside", None)):
        log.debug("PySide6 no longer asks _mod_uses_pyside: nothing to adjust")
        return False
    feature._mod_uses_pyside = mentions_pyside
    return True
