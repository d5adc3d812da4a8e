"""Run inside a D-Bus session with gnome-keyring: exercise SecretStore on the real backend."""

from __future__ import annotations

import json
import sys

from pydantic import SecretStr

from app.secrets import SecretStore
from app.tiktok.models import Token


def main() -> int:
    store = SecretStore()
    store.check()
    token = Token(
        access_token=SecretStr("TTP_real_access"),
        access_token_expire_in=2_000_000_000,
        refresh_token=SecretStr("TTP_real_refresh"),
        refresh_token_expire_in=2_100_000_000,
    )
    store.set_app_secret("probe-key", "probe-secret")
    store.set_token("probe-key", token)
    fresh = SecretStore()  # a new instance reads back what the daemon stored
    got = fresh.token("probe-key")
    result = {
        "backend": fresh.backend_name,
        "secret": fresh.app_secret("probe-key"),
        "access": got.access_token.get_secret_value() if got else None,
        "refresh_expires": got.refresh_token_expire_in if got else None,
    }
    fresh.forget("probe-key")
    result["after_forget"] = fresh.app_secret("probe-key")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
