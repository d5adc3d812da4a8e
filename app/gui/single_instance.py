"""One window per data folder: the first app listens on a local socket; a second start asks it
to come to the front and quits (or, when a `shopdesk sync` holds the folder, says so)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QMessageBox

log = logging.getLogger(__name__)

SHOW = b"show\n"
CONNECT_WAIT_MS = 2000
NOTICE_CLOSES_AFTER_MS = 15000


def server_name(root: Path) -> str:
    """A name per data folder (local socket names are global to the user's session)."""
    digest = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:20]
    return f"shopdesk-{digest}"


class FirstInstance(QObject):
    """Listens for later starts on the same data folder; `on_show` brings the window up."""

    def __init__(self, root: Path, on_show: Callable[[], None], parent: QObject | None = None):
        super().__init__(parent)
        self.on_show = on_show
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        name = server_name(root)
        QLocalServer.removeServer(name)  # a socket a crashed app left (we hold the folder's lock)
        if not self.server.listen(name):
            log.warning("no single-instance socket: %s", self.server.errorString())
        self.server.newConnection.connect(self._connected)

    def _connected(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(SHOW.strip()):
            log.info("another start on this data folder asked this window to come to the front")
            self.on_show()
        socket.disconnectFromServer()


def ask_first_to_show(root: Path) -> bool:
    """Tell the app already running on `root` to come to the front; False if none answers."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(root))
    if not socket.waitForConnected(CONNECT_WAIT_MS):
        return False
    socket.write(SHOW)
    socket.flush()
    socket.waitForBytesWritten(CONNECT_WAIT_MS)
    socket.disconnectFromServer()
    return True


def tell_in_use(message: str) -> None:
    """The folder is synced by `shopdesk sync` (no window to raise): say so, briefly."""
    box = QMessageBox(QMessageBox.Icon.Information, "Shopdesk is already running", message)
    QTimer.singleShot(NOTICE_CLOSES_AFTER_MS, box.close)
    box.exec()
