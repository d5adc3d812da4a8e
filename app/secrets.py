"""The only module that touches the OS keyring: app secret and tokens live there, nowhere else."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import sys
from typing import TYPE_CHECKING, Any

from app.tiktok.errors import ShopdeskError

# keyring (and its backends' discovery) loads on first use, not with this module: the window
# paints and `--help` answers before anything reads a secret.
if TYPE_CHECKING:
    import keyring.backend

    from app.tiktok.models import Token

SERVICE = "shopdesk"


UNLOCK = "echo -n YOUR_KEYRING_PASSWORD | gnome-keyring-daemon --unlock --components=secrets"


def _linux_keyring_problem() -> str:
    """What exactly is missing on Linux: a keyring program, the bus, the service, an unlock."""
    have_gnome = shutil.which("gnome-keyring-daemon") is not None
    have_kwallet = shutil.which("kwalletd5") is not None or shutil.which("kwalletd6") is not None
    if not have_gnome and not have_kwallet:
        return (
            "no keyring program is installed. Install one (Debian/Ubuntu: `sudo apt install "
            "gnome-keyring`) and log in to a desktop session."
        )
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS") and not _bus_socket_exists():
        return (
            "there is no D-Bus session bus (usual over SSH or in a container), so no keyring "
            "can be reached. Run Shopdesk in a session of its own: "
            f"dbus-run-session -- sh -c '{UNLOCK}; shopdesk ...'"
        )
    try:
        import secretstorage  # keyring's own Secret Service library on Linux

        with contextlib.closing(secretstorage.dbus_init()) as bus:
            if not secretstorage.check_service_availability(bus):
                return (
                    "no Secret Service runs on the session bus. Start one "
                    "(`gnome-keyring-daemon --start --components=secrets`, then unlock it) or "
                    "log in to a desktop session."
                )
            if secretstorage.get_default_collection(bus).is_locked():
                return _locked()
    except ImportError:
        return "the Secret Service library is missing (reinstall Shopdesk)."
    except Exception:
        return _locked()  # the collection cannot be opened or created without a prompt
    return "the keyring refused the request; unlock it and try again."


def _locked() -> str:
    return (
        "the keyring is locked and nothing here can ask for its password. Unlock it: log in "
        f"to the desktop, or run `{UNLOCK}` in this session."
    )


def _bus_socket_exists() -> bool:
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    return bool(runtime) and os.path.exists(os.path.join(runtime, "bus"))


def _how_to_get_a_keyring(backend: object = None) -> str:
    system = backend is None or type(backend).__module__.startswith(
        ("keyring.backends.SecretService", "keyring.backends.fail", "keyring.backends.chainer")
    )
    if sys.platform.startswith("linux") and system:
        return (
            "Shopdesk keeps your app secret and tokens only in the system keyring, and it "
            f"cannot be used: {_linux_keyring_problem()}"
        )
    where = {"darwin": " (Keychain)", "win32": " (Credential Manager)"}.get(sys.platform, "")
    return (
        f"Shopdesk keeps your app secret and tokens only in the system keyring{where}, and "
        "it could not be used. Unlock it and try again."
    )


class KeyringUnavailable(ShopdeskError):
    """No working keyring: we refuse to fall back to plain text."""

    def __init__(self, detail: str = "", backend: object = None) -> None:
        message = _how_to_get_a_keyring(backend)
        if detail and "cannot be used:" not in message:  # the diagnosis says it in words
            message += f" ({detail})"
        super().__init__(message)


class KeyringLocked(KeyringUnavailable):
    """The keyring exists but is locked: unlocking it (logging in to the desktop) fixes it."""

    def __init__(self) -> None:
        ShopdeskError.__init__(
            self,
            "the system keyring is locked: unlock it (log in to your desktop session, or open "
            "your passwords app) so Shopdesk can read and save the shop's authorization",
        )


@functools.cache
def _memory_keyring_class() -> type[keyring.backend.KeyringBackend]:
    """MemoryKeyring, defined when first asked for (its base class is keyring's)."""
    import keyring.backend
    import keyring.errors
    from jaraco.classes import properties

    class MemoryKeyring(keyring.backend.KeyringBackend):
        """A keyring that forgets on exit: unit tests and the throwaway demo shop only."""

        @properties.classproperty
        def priority(cls) -> float:
            """Never viable for automatic choice: it is only ever passed in explicitly."""
            raise RuntimeError("MemoryKeyring is only used when passed explicitly")

        def __init__(self) -> None:
            super().__init__()  # type: ignore[no-untyped-call]
            self.items: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.items.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.items[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            if self.items.pop((service, username), None) is None:
                raise keyring.errors.PasswordDeleteError(username)

    return MemoryKeyring


def __getattr__(name: str) -> Any:
    """`MemoryKeyring`: a keyring that forgets on exit (unit tests and the demo shop)."""
    if name == "MemoryKeyring":
        return _memory_keyring_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class SecretStore:
    """App secret and token pair per app key, stored under service `shopdesk`."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._backend = backend

    @classmethod
    def in_memory(cls) -> SecretStore:
        """A store that lives only in this process."""
        return cls(_memory_keyring_class()())

    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        """The keyring in use; raises KeyringUnavailable when the OS offers none."""
        if self._backend is None:
            import keyring
            from keyring.backends import fail

            found = keyring.get_keyring()
            if isinstance(found, fail.Keyring):
                raise KeyringUnavailable("no keyring backend found")
            self._backend = found
        return self._backend

    @property
    def backend_name(self) -> str:
        """Which keyring holds the secrets, for `shopdesk status` and the Health tab."""
        backend = self.backend
        return f"{type(backend).__module__}.{type(backend).__name__}"

    def _get(self, username: str) -> str | None:
        import keyring.errors

        try:
            return self.backend.get_password(SERVICE, username)
        except keyring.errors.KeyringLocked:
            raise KeyringLocked() from None
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(type(exc).__name__, self._backend) from None

    def _set(self, username: str, value: str) -> None:
        import keyring.errors

        try:
            self.backend.set_password(SERVICE, username, value)
        except keyring.errors.KeyringLocked:
            raise KeyringLocked() from None
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(type(exc).__name__, self._backend) from None

    def _delete(self, username: str) -> None:
        import keyring.errors

        try:
            self.backend.delete_password(SERVICE, username)
        except keyring.errors.PasswordDeleteError:
            return
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(type(exc).__name__, self._backend) from None

    def check(self) -> None:
        """Fail early, before a connect flow, if no keyring can hold the secrets."""
        self._get("probe")

    def app_secret(self, app_key: str) -> str | None:
        """The app secret for `app_key`, or None when not saved."""
        return self._get(f"app_secret/{app_key}")

    def set_app_secret(self, app_key: str, secret: str) -> None:
        """Save the app secret; only the keyring ever sees it at rest."""
        self._set(f"app_secret/{app_key}", secret)

    def token(self, app_key: str) -> Token | None:
        """The saved token pair, or None; a damaged entry counts as none."""
        from app.tiktok.models import Token

        raw = self._get(f"token/{app_key}")
        if not raw:
            return None
        try:
            data: dict[str, Any] = json.loads(raw)
            return Token.model_validate(data)
        except ValueError:
            return None

    def set_token(self, app_key: str, token: Token) -> None:
        """Save a fresh token pair (after connect or every refresh)."""
        data = token.model_dump(mode="python")
        data["access_token"] = token.access_token.get_secret_value()
        data["refresh_token"] = token.refresh_token.get_secret_value()
        self._set(f"token/{app_key}", json.dumps(data))

    def forget(self, app_key: str) -> None:
        """Remove everything saved for `app_key` (disconnect)."""
        self._delete(f"token/{app_key}")
        self._delete(f"app_secret/{app_key}")
