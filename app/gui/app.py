"""Starting the desktop app: one QApplication, the main window, the event loop."""

from __future__ import annotations

import logging
import signal
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from app.config import Paths
from app.gui.assets import app_icon
from app.gui.context import GuiContext
from app.gui.main_window import MainWindow
from app.gui.single_instance import FirstInstance, ask_first_to_show, tell_in_use
from app.instance import AnotherShopdesk, EngineLock
from app.logs import setup_logging
from app.secrets import SecretStore

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")
GUI_SWITCH_INTERVAL = 0.001

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
#: Platform chatter that says nothing to a creator (the offscreen platform has no window
#: manager to pass size hints to).
_QT_NOISE = ("This plugin does not support propagateSizeHints()",)


def qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Qt's own warnings go to our log file, not to the terminal."""
    if message not in _QT_NOISE:
        qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


def application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication, named so settings, the tray and the desktop know it."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    qInstallMessageHandler(qt_message)
    # The engine thread parses pages in Python; a shorter switch interval hands the GIL
    # back to the GUI thread within about a millisecond instead of five.
    sys.setswitchinterval(GUI_SWITCH_INTERVAL)
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Shopdesk")
    app.setApplicationDisplayName("Shopdesk")
    app.setOrganizationName("Shopdesk")
    app.setDesktopFileName("shopdesk")
    app.setWindowIcon(app_icon())
    return app


def log_unhandled(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    """A slot that raised: log it with its traceback instead of letting Qt abort."""
    log.error("unexpected error: %s", "".join(traceback.format_exception(kind, error, tb)))


def run_app(context: GuiContext, *, single: bool = False) -> int:
    """Show the window and run until it closes; returns the exit code.

    `single`: later starts on the same data folder bring this window to the front.
    """
    app = application()
    sys.excepthook = log_unhandled
    window = MainWindow(context)
    if single:
        window.first_instance = FirstInstance(context.paths.root, window.bring_to_front, window)
    window.show()
    # Ctrl+C in the terminal (`make run`) closes the window like Quit: Python sees signals
    # only while it runs, so a timer lets it look a few times a second.
    signal.signal(signal.SIGINT, lambda _sig, _frame: window.close())
    wake = QTimer(interval=250)
    wake.timeout.connect(lambda: None)
    wake.start()
    return app.exec()


def run_on_folder(paths: Paths, *, verbose: bool = False) -> int:
    """`shopdesk`: the app on the user's data folder, secrets in the OS keyring.

    One app per data folder: a second start raises the first window and quits.
    """
    setup_logging(paths.ensure().logs, verbose=verbose)
    lock = EngineLock(paths.root, "gui")
    try:
        lock.acquire()
    except AnotherShopdesk as exc:
        application()
        if exc.kind == "gui" and ask_first_to_show(paths.root):
            print(f"shopdesk: {exc}; its window was brought to the front", file=sys.stderr)
        else:
            print(f"shopdesk: {exc}", file=sys.stderr)
            tell_in_use(str(exc).capitalize() + ".")
        return 1
    try:
        return run_app(GuiContext.load(paths, SecretStore()), single=True)
    finally:
        lock.release()
