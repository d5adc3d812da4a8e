"""Tabs built when first needed: an empty page holds each tab's place until it is shown or
used, so the window paints its first tab without building (or importing) the others."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, Protocol, TypeVar, cast, overload

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QTabWidget, QWidget

T = TypeVar("T", bound=QWidget)


class LazyTab(Generic[T]):
    """A window attribute (`window.money_tab`) that builds its tab on first access."""

    def __init__(self, key: str) -> None:
        self.key = key

    @overload
    def __get__(self, window: None, owner: type) -> LazyTab[T]: ...

    @overload
    def __get__(self, window: object, owner: type) -> T: ...

    def __get__(self, window: Any, owner: type) -> LazyTab[T] | T:
        if window is None:
            return self
        return cast(T, window.lazy.get(self.key))


class _Reads(Protocol):
    def refresh(self) -> None: ...


class LazyTabs:
    """The window's tab pages by key; `get(key)` builds a tab on first use, in its place."""

    def __init__(
        self,
        tabs: QTabWidget,
        titles: dict[str, str],
        order: Iterable[str],
        builders: dict[str, Callable[[], QWidget]],
    ) -> None:
        self.tabs, self._builders = tabs, builders
        self._pages: dict[str, QWidget] = {}
        self._built: set[str] = set()
        for key in order:
            page = QWidget()
            page.setObjectName(f"{key}Placeholder")
            self._pages[key] = page
            tabs.addTab(page, titles[key])
        tabs.currentChanged.connect(self._shown)

    def built(self, key: str) -> bool:
        """Whether the tab exists yet (views that are not built need no refresh)."""
        return key in self._built

    def page(self, key: str) -> QWidget:
        """What the tab bar holds for `key` now: the tab, or its place."""
        return self._pages[key]

    def key_of(self, widget: QWidget | None) -> str:
        """The key of a page (the current one, say)."""
        return next(k for k, page in self._pages.items() if page is widget)

    def get(self, key: str) -> QWidget:
        """The tab itself, built (and put in its place) the first time it is asked for."""
        if key in self._built:
            return self._pages[key]
        self._built.add(key)
        widget = self._builders[key]()
        placeholder = self._pages[key]
        tabs, bar = self.tabs, self.tabs.tabBar()
        index = tabs.indexOf(placeholder)
        was_current = tabs.currentIndex() == index
        text, color = tabs.tabText(index), bar.tabTextColor(index)
        blocker = QSignalBlocker(tabs)  # the same tab stays current: not a change to report
        tabs.insertTab(index, widget, text)
        if was_current:  # before the place goes, so no other tab shows in between
            tabs.setCurrentIndex(index)
        tabs.removeTab(index + 1)
        bar.setTabTextColor(index, color)
        blocker.unblock()
        self._pages[key] = widget
        placeholder.deleteLater()
        return widget

    def read(self, key: str) -> None:
        """The tab reads its data now: a tab built here reads as it is built."""
        if key in self._built:
            cast(_Reads, self._pages[key]).refresh()
        else:
            self.get(key)

    def _shown(self, index: int) -> None:
        """A tab not built yet was opened (click, menu, shortcut): build it now."""
        page = self.tabs.widget(index)
        for key, held in self._pages.items():
            if held is page and key not in self._built:
                self.get(key)
                return
