"""Seeded misbehaviour (errors, slowness, dropped connections, throttling, webhook trouble).

`--faults RATE` sets every `*_rate` below to RATE. The choices come from one `random.Random`
seeded with `seed` (or the sandbox seed when null), re-seeded whenever the settings change, so
the same settings and the same sequence of calls give the same faults.
Faults apply to the TikTok API paths and to outgoing webhooks only, never to `/sandbox/...`,
the authorization page or the token endpoints.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

ApiFault = Literal["drop", "http_500", "http_503", "error_code", "throttle"]


@dataclass(frozen=True)
class FaultSettings:
    api_error_rate: float = 0.0
    api_slow_rate: float = 0.0
    api_slow_seconds: float = 1.5
    #: Every API call is handled first, then its answer is held this long (a stalled network
    #: on the way back): a client killed meanwhile never learns that its write landed.
    api_answer_delay_seconds: float = 0.0
    api_drop_rate: float = 0.0
    throttle_rate: float = 0.0
    webhook_drop_rate: float = 0.0
    webhook_duplicate_rate: float = 0.0
    webhook_reorder_rate: float = 0.0
    seed: int | None = None

    @classmethod
    def from_rate(cls, rate: float) -> FaultSettings:
        return cls().updated({f.name: rate for f in fields(cls) if f.name.endswith("_rate")})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, patch: dict[str, Any]) -> FaultSettings:
        """Settings with `patch` applied; ValueError names the first bad key or value."""
        known = {f.name for f in fields(self)}
        values = self.to_dict()
        for key, value in patch.items():
            if key not in known:
                raise ValueError(f"unknown fault setting {key!r}")
            if key == "seed":
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    raise ValueError("seed must be an integer or null")
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{key} must be a number")
            elif key.endswith("_rate") and not 0.0 <= value <= 1.0:
                raise ValueError(f"{key} must be between 0 and 1")
            elif key.endswith("_seconds") and not 0.0 <= value <= 60.0:
                raise ValueError(f"{key} must be between 0 and 60")
            values[key] = value
        return FaultSettings(**values)


@dataclass(frozen=True)
class ApiDecision:
    slow_seconds: float
    fault: ApiFault | None
    html_body: bool


@dataclass(frozen=True)
class WebhookDecision:
    drop: bool
    duplicate: bool
    reorder: bool


class FaultInjector:
    """Draws the faults for each API call and each webhook from one seeded generator."""

    def __init__(self, settings: FaultSettings, default_seed: int) -> None:
        self._default_seed = default_seed
        self.settings = settings
        self._rng = random.Random(self._seed())

    def _seed(self) -> int:
        return self.settings.seed if self.settings.seed is not None else self._default_seed

    def update(self, patch: dict[str, Any]) -> FaultSettings:
        self.settings = self.settings.updated(patch)
        self._rng = random.Random(self._seed())
        return self.settings

    def decide_api(self) -> ApiDecision:
        s, rng = self.settings, self._rng
        # Draw every number every time, so one rate never shifts the sequence of another.
        drop, slow, error, throttle, split, shape = (rng.random() for _ in range(6))
        fault: ApiFault | None = None
        if drop < s.api_drop_rate:
            fault = "drop"
        elif error < s.api_error_rate:
            # Half transport-level failures with no JSON, half a 200 carrying 36009003.
            transport: ApiFault = "http_500" if shape < 0.5 else "http_503"
            fault = transport if split < 0.5 else "error_code"
        elif throttle < s.throttle_rate:
            fault = "throttle"
        slow_seconds = s.api_slow_seconds if slow < s.api_slow_rate else 0.0
        html = int(shape * 4) % 2 == 1  # 500 or 503, each with an empty or an HTML body
        return ApiDecision(slow_seconds=slow_seconds, fault=fault, html_body=html)

    def decide_webhook(self) -> WebhookDecision:
        s, rng = self.settings, self._rng
        drop, dup, reorder = (rng.random() for _ in range(3))
        return WebhookDecision(
            drop=drop < s.webhook_drop_rate,
            duplicate=dup < s.webhook_duplicate_rate,
            reorder=reorder < s.webhook_reorder_rate,
        )
