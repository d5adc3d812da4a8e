"""The flags of `shopdesk sandbox`, without the server: `shopdesk --help` stays light."""

from __future__ import annotations

import argparse

from app.sandbox.config import DEFAULT_REDIRECT_URL, REGIONS, SELLER_TYPES, SandboxConfig


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Every `shopdesk sandbox` flag (DESIGN.md 5), plus a few for tests and demos."""
    d = SandboxConfig()
    parser.add_argument(
        "--host", default=d.host, help="interface to listen on (default %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=d.port, help="port; 0 picks a free one (default %(default)s)"
    )
    parser.add_argument(
        "--seed", type=int, default=d.seed, help="same seed, same shop (default %(default)s)"
    )
    parser.add_argument(
        "--orders",
        type=int,
        default=d.orders,
        help="orders in the shop's history (default %(default)s)",
    )
    parser.add_argument(
        "--products",
        type=int,
        default=d.products,
        help="products in the catalog (default %(default)s)",
    )
    parser.add_argument(
        "--shops",
        type=int,
        default=d.shops,
        help="shops the seller authorizes (default %(default)s)",
    )
    parser.add_argument(
        "--days",
        type=int,
        default=d.history_days,
        help="days of order history (default %(default)s)",
    )
    parser.add_argument(
        "--qps",
        type=float,
        default=d.qps,
        help="rate limit per app, shop and API (default %(default)s)",
    )
    parser.add_argument(
        "--faults",
        type=float,
        default=d.faults,
        metavar="RATE",
        help="set every fault rate (API errors, slow answers, dropped connections, throttling, "
        "webhook drops, duplicates and reordering) to RATE, 0..1 (default %(default)s)",
    )
    parser.add_argument(
        "--order-rate",
        type=float,
        default=d.order_rate,
        metavar="PER_MIN",
        help="live orders a minute (default %(default)s: none)",
    )
    parser.add_argument("--app-key", default=None, help="app key (default: random)")
    parser.add_argument("--app-secret", default=None, help="app secret (default: random)")
    parser.add_argument(
        "--redirect-url",
        default=DEFAULT_REDIRECT_URL,
        help="OAuth redirect URL (default %(default)s)",
    )
    parser.add_argument(
        "--access-ttl",
        type=int,
        default=d.access_ttl,
        metavar="SECONDS",
        help="access token lifetime (default 7 days)",
    )
    parser.add_argument(
        "--refresh-ttl",
        type=int,
        default=d.refresh_ttl,
        metavar="SECONDS",
        help="authorization lifetime (default 365 days)",
    )
    parser.add_argument(
        "--webhook-time-scale",
        type=float,
        default=d.webhook_time_scale,
        metavar="FACTOR",
        help="multiplies webhook retry delays (default %(default)s)",
    )
    parser.add_argument(
        "--region",
        choices=REGIONS,
        default=d.region,
        help="the shop's market (default %(default)s)",
    )
    parser.add_argument(
        "--seller-type",
        choices=SELLER_TYPES,
        default=d.seller_type,
        help="LOCAL sellers in the US and UK get no package before shipping; TikTok Shipping "
        "orders get one by buying a label (default %(default)s)",
    )
    parser.add_argument(
        "--no-label-allocation",
        dest="label_allocation",
        action="store_false",
        help="offer every fitting shipping service instead of TikTok's one pick",
    )
    parser.add_argument(
        "--document-ttl",
        type=int,
        default=d.document_ttl,
        metavar="SECONDS",
        help="how long a shipping document link works, on the shop clock (default 24 h)",
    )
    parser.add_argument(
        "--carrier-scan-delay",
        type=int,
        default=d.carrier_scan_delay,
        metavar="SECONDS",
        help="the carrier's first scan after a label is bought, on the shop clock; 0: only "
        "by admin call (default 36 h)",
    )
    parser.add_argument(
        "--partner-center",
        default=d.partner_center,
        choices=["global", "us"],
        help="the Partner Center the app is registered in (default %(default)s)",
    )
    parser.add_argument(
        "--max-per-hour",
        type=int,
        default=None,
        metavar="N",
        help="a development shop: at most N API calls an hour per shop, then HTTP 429",
    )
    parser.add_argument(
        "--epoch",
        type=int,
        default=None,
        metavar="UNIX",
        help="pin the shop clock's start (default: now)",
    )
