"""Secrets only in the keyring, settings that fail clearly, and a database that migrates safely."""

from __future__ import annotations

import json
import logging

import pytest
import sqlite_utils
from pydantic import SecretStr

from app.config import Paths, Settings, SettingsError, load_settings, save_settings
from app.logs import RedactingFilter, redact, register_secret
from app.secrets import KeyringUnavailable, MemoryKeyring, SecretStore
from app.store.db import DatabaseTooNew, DatabaseUnreadable, open_db
from app.store.migrations import MIGRATIONS
from app.store.shops import (
    fetch_current_shop,
    save_connected_shop,
    save_reconnect_needed,
)
from app.tiktok.models import Shop, Token


def token() -> Token:
    return Token(
        access_token=SecretStr("TTP_access_secret"),
        access_token_expire_in=2_000_000_000,
        refresh_token=SecretStr("TTP_refresh_secret"),
        refresh_token_expire_in=2_100_000_000,
        seller_name="Seller",
        granted_scopes=["seller.order.info"],
    )


def test_secret_store_round_trips_secret_and_token(memory_secrets: SecretStore) -> None:
    memory_secrets.set_app_secret("key", "s3cret")
    memory_secrets.set_token("key", token())
    assert memory_secrets.app_secret("key") == "s3cret"
    got = memory_secrets.token("key")
    assert got is not None
    assert got.access_token.get_secret_value() == "TTP_access_secret"
    assert got.refresh_token_expire_in == 2_100_000_000
    assert "TTP_access_secret" not in repr(got)
    memory_secrets.forget("key")
    assert memory_secrets.app_secret("key") is None and memory_secrets.token("key") is None


def test_no_keyring_is_a_clear_error_not_a_plain_text_fallback(monkeypatch) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    store = SecretStore()
    with pytest.raises(KeyringUnavailable, match="keyring"):
        store.set_app_secret("key", "s3cret")
    with pytest.raises(KeyringUnavailable):
        store.check()


def test_memory_keyring_is_never_picked_automatically() -> None:
    assert not MemoryKeyring.viable


def test_a_broken_keyring_backend_becomes_keyring_unavailable() -> None:
    import keyring.errors

    class Locked(MemoryKeyring):
        def get_password(self, service, username):
            raise keyring.errors.KeyringLocked("locked")

    with pytest.raises(KeyringUnavailable, match="keyring is locked: unlock it"):
        SecretStore(Locked()).app_secret("key")


def test_settings_round_trip_and_hold_no_secret(data_paths: Paths) -> None:
    settings = Settings(app_key="key", api_base="http://127.0.0.1:1")
    save_settings(data_paths, settings)
    assert load_settings(data_paths) == settings
    saved = data_paths.settings.read_text()
    assert "secret" not in saved.lower() and "token" not in saved.lower()


def test_missing_settings_give_defaults(data_paths: Paths) -> None:
    assert load_settings(data_paths) == Settings()


def test_corrupt_settings_give_a_clear_error_and_are_not_overwritten(data_paths: Paths) -> None:
    data_paths.settings.write_text('{"app_key": "k",,,')
    with pytest.raises(SettingsError, match=r"not valid JSON \(line 1"):
        load_settings(data_paths)
    assert data_paths.settings.read_text() == '{"app_key": "k",,,'
    data_paths.settings.write_text(json.dumps({"qps": -5}))
    with pytest.raises(SettingsError, match="qps"):
        load_settings(data_paths)


def test_settings_from_a_newer_version_keep_unknown_keys(data_paths: Paths) -> None:
    data_paths.settings.write_text(json.dumps({"app_key": "k", "future_option": [1, 2]}))
    settings = load_settings(data_paths)
    save_settings(data_paths, settings)
    assert json.loads(data_paths.settings.read_text())["future_option"] == [1, 2]


def test_database_migrates_from_empty_and_reopens(data_paths: Paths) -> None:
    db = open_db(data_paths.database)
    assert "shops" in db.table_names()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    applied = [m.name for m in MIGRATIONS.applied(db)]
    db.close()
    again = open_db(data_paths.database)
    assert [m.name for m in MIGRATIONS.applied(again)] == applied


def test_a_database_from_a_newer_version_is_refused_untouched(data_paths: Paths) -> None:
    db = open_db(data_paths.database)
    db["_sqlite_migrations"].insert(
        {"migration_set": "shopdesk", "name": "9999_future", "applied_at": "x"}
    )
    db.close()
    before = data_paths.database.read_bytes()
    with pytest.raises(DatabaseTooNew, match="newer Shopdesk"):
        open_db(data_paths.database)
    assert data_paths.database.read_bytes() == before


def test_a_file_that_is_not_sqlite_is_a_clear_error(data_paths: Paths) -> None:
    data_paths.database.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseUnreadable):
        open_db(data_paths.database)


def test_connected_shop_is_saved_without_tokens_and_can_need_reconnect(data_paths: Paths) -> None:
    db = open_db(data_paths.database)
    shop = Shop(id="7000714532876273420", name="Maomao", region="GB", cipher="GCP_x")
    save_connected_shop(db, shop, token(), "key", now=1)
    record = fetch_current_shop(db)
    assert record is not None and record.id == shop.id and record.cipher == "GCP_x"
    assert record.refresh_expires == 2_100_000_000 and not record.needs_reconnect
    save_reconnect_needed(db, shop.id, "seller deauthorized the app")
    record = fetch_current_shop(db)
    assert record.needs_reconnect and record.auth_problem == "seller deauthorized the app"
    db.close()
    raw = data_paths.database.read_bytes()
    assert b"TTP_access_secret" not in raw and b"TTP_refresh_secret" not in raw


def test_readonly_open_cannot_write(data_paths: Paths) -> None:
    open_db(data_paths.database).close()
    ro = open_db(data_paths.database, readonly=True)
    with pytest.raises(Exception, match="readonly"):
        ro.execute("INSERT INTO shops (id, app_key) VALUES ('1', 'k')")
    assert isinstance(ro, sqlite_utils.Database)


def test_log_lines_never_carry_secrets(caplog) -> None:
    register_secret("my-app-secret-value")
    assert "my-app-secret-value" not in redact("oops my-app-secret-value leaked")
    line = "GET https://auth/api/v2/token/get?app_key=k&app_secret=zzz&auth_code=abc"
    assert "zzz" not in redact(line) and "abc" not in redact(line)
    assert "TTP_" + "***" in redact("token TTP_abcdefghijk")
    logger = logging.getLogger("test.redaction")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO):
        logger.info("token is %s", "TTP_abcdefghijk")
    assert "TTP_abcdefghijk" not in caplog.text
