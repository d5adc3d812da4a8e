"""A keyring that is locked when a refresh rotates the tokens: the new pair is kept and saved
once the keyring opens again; the user is told to unlock it; the authorization survives."""

from __future__ import annotations

import keyring.errors
from keyring.backend import KeyringBackend

from app.secrets import MemoryKeyring, SecretStore
from app.store.activity import fetch_open_errors
from app.store.shops import fetch_current_shop
from app.sync.poller import poll_once
from app.sync.session import open_session
from tests.sync.conftest import ConnectedShop

ALWAYS_REFRESH = 8 * 86400


class LockableKeyring(MemoryKeyring):
    """A keyring whose writes fail while `locked`, the way SecretService answers a locked
    collection."""

    def __init__(self, items: dict[tuple[str, str], str]) -> None:
        super().__init__()
        self.items = dict(items)
        self.locked = False
        self.refused = 0

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.locked:
            self.refused += 1
            raise keyring.errors.KeyringLocked("Failed to unlock the collection!")
        super().set_password(service, username, password)


def pair(backend: KeyringBackend, app_key: str) -> str | None:
    return backend.get_password("shopdesk", f"token/{app_key}")


async def test_a_refresh_while_the_keyring_is_locked_keeps_the_new_pair(connect_shop) -> None:
    shop: ConnectedShop = await connect_shop(orders=30)
    memory = shop.secrets.backend
    assert isinstance(memory, MemoryKeyring)
    locked = LockableKeyring(memory.items)
    secrets = SecretStore(locked)
    shop.settings = shop.settings.model_copy(update={"refresh_margin_seconds": ALWAYS_REFRESH})
    app_key = shop.settings.app_key
    before = pair(locked, app_key)

    session = open_session(shop.paths, shop.settings, secrets, transport=shop.transport)
    locked.locked = True
    result = await poll_once(session)  # the refresh rotates the pair; saving it fails
    assert result.pages >= 1, "the sync itself must go on with the fresh pair"
    assert locked.refused >= 1 and pair(locked, app_key) == before
    errors = [e for e in fetch_open_errors(session.db) if e["kind"] == "keyring"]
    assert errors and "unlock" in errors[0]["action"].lower()

    locked.locked = False
    await poll_once(session)  # the next call saves the pair it kept
    saved = pair(locked, app_key)
    assert saved is not None and saved != before
    assert not [e for e in fetch_open_errors(session.db) if e["kind"] == "keyring"]
    await session.aclose()

    # A new process reads the saved pair and TikTok still takes it.
    shop.settings = shop.settings.model_copy(update={"refresh_margin_seconds": 3600})
    fresh = open_session(shop.paths, shop.settings, secrets, transport=shop.transport)
    await poll_once(fresh)
    shop_row = fetch_current_shop(fresh.db)
    assert shop_row is not None and not shop_row.needs_reconnect
    await fresh.aclose()
