"""Before the browser opens: app key, app secret, keyring and redirect port, each said plainly.

TikTok's token endpoint checks the app's credentials on every call, so one call with a code
that cannot exist tells a wrong key or secret from a right one without spending anything: a
right pair is refused only for the code. The connect wizard's Test button runs these checks.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from urllib.parse import urlparse

import httpx

from app.config import Settings
from app.secrets import KeyringUnavailable, SecretStore
from app.tiktok.auth import AuthClient
from app.tiktok.errors import (
    AuthorizationLost,
    InvalidAppKey,
    InvalidAppSecret,
    NetworkError,
    ScopeMissing,
    ShopdeskError,
    SignatureInvalid,
    TikTokError,
    UnexpectedResponse,
    scope_for,
)

#: A code no authorization ever issued: only the app's credentials can be judged by it.
TEST_CODE = "shopdesk-credentials-check"
#: Codes TikTok gives for an unknown or used authorization code (FACTS.md 9.1; the sandbox
#: answers "can not find related auth record").
CODE_REFUSED = frozenset({36004004, 36004005})
_KEY_SHAPE = re.compile(r"^[A-Za-z0-9]{6,64}$")


@dataclass(frozen=True)
class Check:
    """One thing checked, whether it passed, and what it means in words."""

    name: str
    ok: bool
    message: str


def check_shape(app_key: str, app_secret: str) -> list[Check]:
    """Mistakes visible without asking anyone: empty fields, spaces, a pasted label."""
    checks: list[Check] = []
    key, secret = app_key.strip(), app_secret.strip()
    if not key:
        checks.append(Check("App key", False, "Paste the App key from Partner Center."))
    elif not _KEY_SHAPE.match(key):
        checks.append(
            Check("App key", False, "An App key is letters and digits only: copy it again.")
        )
    if not secret:
        checks.append(Check("App secret", False, "Paste the App secret from Partner Center."))
    elif any(c.isspace() for c in secret):
        checks.append(Check("App secret", False, "The App secret has spaces in it: copy it again."))
    return checks


def check_keyring(store: SecretStore) -> Check:
    """The secret and tokens can be kept: the keyring answers."""
    try:
        store.check()
    except KeyringUnavailable as exc:
        return Check("Keyring", False, str(exc))
    return Check("Keyring", True, "Your system keyring will keep the secret and the tokens.")


def check_redirect_port(redirect_url: str) -> Check:
    """A loopback redirect URL needs its port free while connecting."""
    parsed = urlparse(redirect_url)
    if parsed.scheme != "http" or parsed.hostname not in ("127.0.0.1", "localhost"):
        return Check(
            "Redirect URL",
            True,
            f"{redirect_url} is not on this computer: you will paste the address you land on.",
        )
    port = parsed.port or 80
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return Check(
                "Redirect URL",
                False,
                f"Another program uses port {port} of this computer, so Shopdesk cannot catch "
                "the redirect: close it, or paste the address you land on.",
            )
    return Check("Redirect URL", True, f"Shopdesk will catch the answer at {redirect_url}.")


async def check_credentials(
    settings: Settings, app_secret: str, http: httpx.AsyncClient
) -> list[Check]:
    """Ask TikTok Shop's token endpoint with a code that cannot exist; read what it refuses."""
    auth = AuthClient(settings.app_key, app_secret, auth_base=settings.auth_base, http=http)
    try:
        await auth.get_token(TEST_CODE)
    except (InvalidAppKey, ScopeMissing) as exc:
        return [Check("App key", False, plain_error(exc))]
    except (InvalidAppSecret, SignatureInvalid) as exc:
        return [
            Check("App key", True, "TikTok Shop knows this App key."),
            Check("App secret", False, plain_error(exc)),
        ]
    except TikTokError as exc:
        if exc.code in CODE_REFUSED or isinstance(exc, AuthorizationLost):
            return [
                Check("App key", True, "TikTok Shop knows this App key."),
                Check("App secret", True, "TikTok Shop accepted the App secret."),
            ]
        return [Check("App key and secret", False, plain_error(exc))]
    except (NetworkError, UnexpectedResponse) as exc:
        return [Check("TikTok Shop", False, plain_error(exc))]
    return [Check("App key and secret", True, "TikTok Shop accepted them.")]


async def run_checks(
    settings: Settings,
    app_secret: str,
    store: SecretStore,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[Check]:
    """Every check, in the order a creator fixes things; TikTok is asked only when it can tell."""
    checks = check_shape(settings.app_key, app_secret)
    checks.append(check_keyring(store))
    checks.append(check_redirect_port(settings.redirect_url))
    if any(c.name.startswith("App") and not c.ok for c in checks):
        return checks
    async with httpx.AsyncClient(transport=transport, timeout=20.0) as http:
        checks[:0] = await check_credentials(settings, app_secret, http)
    return checks


def plain_error(error: BaseException) -> str:
    """A failure as a creator reads it: no endpoint paths, the code kept for support."""
    if isinstance(error, InvalidAppKey | InvalidAppSecret):
        return error.describe()
    if isinstance(error, ScopeMissing):
        scope = scope_for(error.api)
        need = f'the "{scope[1]}" permission' if scope else "a permission Shopdesk needs"
        return (
            f"The app is missing {need}. Enable it for your app in Partner Center, then "
            f"connect again (code {error.code})."
        )
    if isinstance(error, SignatureInvalid):
        return (
            "TikTok Shop could not verify Shopdesk's signature, which is made with the App "
            f"secret: copy the App secret again (code {error.code})."
        )
    if isinstance(error, NetworkError):
        return (
            "Shopdesk could not reach TikTok Shop. Check the internet connection (and any "
            "proxy or firewall), then try again."
        )
    if isinstance(error, UnexpectedResponse):
        return "TikTok Shop's answer was not what Shopdesk expects (a proxy page?); try again."
    if isinstance(error, TikTokError):
        return f"TikTok Shop refused: {error.message.rstrip('.')} (code {error.code})."
    if isinstance(error, ShopdeskError):
        return _no_paths(str(error))
    return f"Something went wrong: {error}"


def _no_paths(text: str) -> str:
    """Endpoint paths mean nothing to a creator."""
    return re.sub(r" on /\S+?(?=:|\s|$)", "", text)
