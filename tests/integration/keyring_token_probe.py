"""Print what the OS keyring holds for an app key (run inside the test's D-Bus session)."""

from __future__ import annotations

import json
import sys

from app.secrets import SecretStore


def main(app_key: str) -> int:
    store = SecretStore()
    token = store.token(app_key)
    print(
        json.dumps(
            {
                "backend": store.backend_name,
                "has_secret": bool(store.app_secret(app_key)),
                "access_prefix": token.access_token.get_secret_value()[:4] if token else None,
                "access_token": token.access_token.get_secret_value() if token else None,
                "refresh_expires": token.refresh_token_expire_in if token else None,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
