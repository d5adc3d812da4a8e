"""Where Shopdesk keeps its files, and the settings a user can change (never secrets)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.tiktok.errors import ShopdeskError
from app.tiktok.hosts import DEFAULT_API_BASE, DEFAULT_AUTH_BASE
from app.working_hours import DeadlineAlerts, WorkingHours

ENV_HOME = "SHOPDESK_HOME"
DEFAULT_REDIRECT_URL = "http://127.0.0.1:8765/callback"


class SettingsError(ShopdeskError):
    """The settings file cannot be read; we say where and never overwrite it silently."""


@dataclass(frozen=True)
class Paths:
    """Every file Shopdesk writes, under one data folder."""

    root: Path

    @property
    def database(self) -> Path:
        """The SQLite file with orders, products, stock, queues and errors."""
        return self.root / "shopdesk.db"

    @property
    def settings(self) -> Path:
        """User settings as JSON (no secrets: those live in the keyring)."""
        return self.root / "settings.json"

    @property
    def logs(self) -> Path:
        """Rotating log files."""
        return self.root / "logs"

    @property
    def backups(self) -> Path:
        """Dated copies of the database (`shopdesk backup`, daily, before each migration)."""
        return self.root / "backups"

    @property
    def labels(self) -> Path:
        """Downloaded shipping labels and the merged PDFs to print (`shopdesk labels`)."""
        return self.root / "labels"

    def ensure(self) -> Paths:
        """Create the folders private to the user, tighten an older, looser one; return self."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.logs.mkdir(exist_ok=True, mode=0o700)
        make_private(self.root)
        return self


def make_private(root: Path) -> None:
    """The data folder 0700 and everything in it 0600 (folders 0700): addresses, orders and
    logs are nobody else's business. A folder already private is left as it is."""
    if os.name != "posix" or root.stat().st_mode & 0o077 == 0:
        return
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        private = 0o700 if path.is_dir() else 0o600
        if path.stat().st_mode & 0o777 != private:
            os.chmod(path, private)


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """`--data-dir`, else SHOPDESK_HOME, else the platform's per-user data folder."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("Shopdesk", appauthor=False))


def paths(override: str | os.PathLike[str] | None = None) -> Paths:
    """The Paths for this run."""
    return Paths(data_dir(override))


class Settings(BaseModel):
    """What the user chose; unknown keys from newer versions are kept, not dropped."""

    model_config = ConfigDict(extra="allow", defer_build=True)  # built on first load

    app_key: str = ""
    service_id: str = ""
    # Where the app is registered: the US Partner Center (partner.us.tiktokshop.com) or the
    # global one (partner.tiktokshop.com); it picks the authorization link's host.
    partner_center: Literal["global", "us"] = "global"
    api_base: str = DEFAULT_API_BASE
    auth_base: str = DEFAULT_AUTH_BASE
    redirect_url: str = DEFAULT_REDIRECT_URL
    qps: float = Field(default=50.0, gt=0, le=1000)
    max_concurrency: int = Field(default=16, ge=1, le=256)
    refresh_margin_seconds: int = Field(default=6 * 3600, ge=0)
    demo: bool = False
    # Labels: the parcel for items without a weight ("500 GRAM" or "500 GRAM 20x15x5 CM").
    default_parcel: str = ""

    # Polling: fast while webhooks are not known to work, slow while deliveries are healthy.
    poll_interval_seconds: float = Field(default=15.0, ge=1)
    slow_poll_interval_seconds: float = Field(default=120.0, ge=1)
    # The deep pass re-reads the last two hours of changes this often (FACTS.md 9.5 note).
    deep_poll_interval_seconds: float = Field(default=600.0, ge=1)
    # Development (test) shops allow 1,000 requests an hour (FACTS.md 9.2): with a budget set,
    # Shopdesk never sends more in any hour and plans its polling inside it. None: no budget.
    max_requests_per_hour: int | None = Field(default=None, ge=1, le=1_000_000)

    # Webhooks: "command" runs a tunnel (cloudflared by default), "url" is a public address
    # the user runs themselves (ngrok, a proxy), "none" is polling only.
    tunnel_mode: Literal["command", "url", "none"] = "none"
    tunnel_command: str = "cloudflared tunnel --url http://127.0.0.1:{port}"
    public_url: str = ""
    listen_host: str = "127.0.0.1"
    listen_port: int = Field(default=8787, ge=0, le=65535)

    # Stock defaults (each SKU may override them).
    default_buffer: int = Field(default=0, ge=0)
    default_low_stock: int = Field(default=5, ge=0)
    auto_push_at_risk: bool = False
    # Money: a packaging cost added to every order's cost of goods (decimal text, shop currency).
    packaging_cost_per_order: str = Field(default="0", pattern=r"^\d+(\.\d+)?$")

    # Backups: dated copies in <data folder>/backups (daily and before each migration), the
    # last `backup_keep` kept, each also copied to `backup_copy_dir` (another disk) when set.
    backup_keep: int = Field(default=10, ge=1, le=1000)
    backup_copy_dir: str = ""
    # Webhook events already processed are kept this long, then pruned.
    inbox_keep_days: int = Field(default=7, ge=1, le=365)

    # Desktop notifications.
    notify_new_orders: bool = True
    notify_stock: bool = True
    notify_sync_failures: bool = True
    notify_authorization: bool = True
    notify_cancellations: bool = True
    notify_returns: bool = True

    # When the creator packs (ship-by clocks: app/working_hours.py).
    working_hours: WorkingHours = Field(default_factory=WorkingHours)
    deadline_alerts: DeadlineAlerts = Field(default_factory=DeadlineAlerts)


def load_settings(p: Paths) -> Settings:
    """Read settings; a missing file gives defaults, a damaged one a clear error."""
    try:
        text = p.settings.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except UnicodeDecodeError as exc:
        raise SettingsError(
            f"{p.settings} is not UTF-8 text (byte {exc.start}); save it as UTF-8 or move it "
            "away to start from defaults"
        ) from None
    except OSError as exc:
        raise SettingsError(f"cannot read {p.settings}: {exc.strerror}") from None
    try:
        return Settings.model_validate(json.loads(text))
    except json.JSONDecodeError as exc:
        raise SettingsError(
            f"{p.settings} is not valid JSON (line {exc.lineno}, column {exc.colno}); "
            "fix it or move it away to start from defaults"
        ) from None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise SettingsError(f"{p.settings} has invalid values: {problems}") from None


def save_settings(p: Paths, settings: Settings) -> None:
    """Write settings atomically so a crash never leaves half a file."""
    p.ensure()
    tmp = p.settings.with_suffix(".json.tmp")
    try:
        tmp.write_text(settings.model_dump_json(indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, p.settings)
    except BaseException:
        tmp.unlink(missing_ok=True)  # never half a settings file
        raise
