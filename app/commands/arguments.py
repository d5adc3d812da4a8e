"""Every subcommand's flags, kept apart from the commands so `--help` imports none of them."""

from __future__ import annotations

import argparse


def add_connect_arguments(connect: argparse.ArgumentParser) -> None:
    """The flags of `shopdesk connect`."""
    connect.add_argument("--app-key", required=True, help="Partner Center > your app > App key")
    connect.add_argument("--api-base", help="API host (default: TikTok Shop's)")
    connect.add_argument("--auth-base", help="authorization host (default: TikTok Shop's)")
    connect.add_argument("--service-id", help="use Partner Center's service_id link")
    connect.add_argument(
        "--partner-center",
        choices=["global", "us"],
        help="where your app is registered: us = partner.us.tiktokshop.com (US sellers), "
        "global = partner.tiktokshop.com (everyone else); picks the authorization link "
        "(remembered; default global)",
    )
    connect.add_argument("--redirect-url", help="the redirect URL registered for your app")
    how = connect.add_mutually_exclusive_group()
    how.add_argument("--auth-code", help="a code you already have from the redirect")
    how.add_argument(
        "--sandbox",
        nargs="?",
        const=True,
        metavar="URL",
        help="connect to a running `shopdesk sandbox` (its URL, or --api-base/--auth-base)",
    )
    connect.add_argument("--shop-id", help="which shop, when several are authorized")
    connect.add_argument("--no-browser", action="store_true", help="only print the link")
    connect.add_argument("--json", action="store_true", help="print the result as JSON")


def add_deadlines_arguments(parser: argparse.ArgumentParser) -> None:
    """`deadlines [--json]`."""
    parser.add_argument("--json", action="store_true", help="one JSON object")


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of `shopdesk import`."""
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--since", help="import orders created on or after YYYY-MM-DD (UTC)")
    when.add_argument("--days", type=int, help="import the last N days (default 30)")
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end")


def add_sync_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of `shopdesk sync`."""
    parser.add_argument("--once", action="store_true", help="poll once and exit")
    parser.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help="where the webhook receiver listens (loopback only; default 127.0.0.1:8787)",
    )
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--public-url", help="a tunnel or proxy you run that forwards to --listen")
    how.add_argument(
        "--tunnel-command",
        help="run this tunnel program ({port} is replaced); default: a cloudflared quick tunnel",
    )
    how.add_argument("--no-webhooks", action="store_true", help="polling only")
    parser.add_argument(
        "--max-per-hour",
        type=int,
        metavar="N",
        help="never send more than N requests an hour to the shop (development shops allow "
        "1,000); default: the setting, else no budget",
    )
    parser.add_argument("--json", action="store_true", help="print results as JSON lines")


def add_stock_arguments(parser: argparse.ArgumentParser) -> None:
    """`stock set`, `stock import` and `stock push`."""
    sub = parser.add_subparsers(dest="stock_command", metavar="ACTION", required=True)
    set_ = sub.add_parser("set", help="set a SKU's physical count (queues a push)")
    set_.add_argument("seller_sku", help="the seller SKU (or TikTok's SKU id)")
    set_.add_argument("on_hand", type=int, help="units on the shelf")
    set_.add_argument("--buffer", type=int, help="units to keep off TikTok for this SKU")
    set_.add_argument("--low-stock", type=int, help="warn at or below this many available")
    imp = sub.add_parser("import", help="set counts from a CSV file (all rows or none)")
    imp.add_argument("file", help="CSV with seller_sku,on_hand[,buffer,low_stock]")
    push = sub.add_parser("push", help="send queued stock edits to TikTok Shop now")
    push.add_argument("--json", action="store_true", help="print one JSON object")


def add_ship_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of `shopdesk ship`."""
    parser.add_argument("order_id", nargs="?", help="the order to mark shipped")
    parser.add_argument("--tracking", default="", help="tracking number (seller shipping)")
    parser.add_argument("--provider", default="", help="shipping provider id or name")
    parser.add_argument(
        "--items", default="", help="comma-separated line item ids to ship (default: all)"
    )
    parser.add_argument(
        "--handover",
        choices=["DROP_OFF", "PICKUP"],
        help="TikTok shipping: how the package reaches the carrier",
    )
    parser.add_argument("--csv", help="a CSV file with order_id, tracking_number, provider")
    parser.add_argument(
        "--providers", action="store_true", help="list the carriers for ORDER_ID and exit"
    )
    parser.add_argument(
        "--anyway",
        action="store_true",
        help="ship tracking numbers that do not look like their carrier's, as they are",
    )
    parser.add_argument(
        "--check-tracking",
        action="store_true",
        help="US shops: ask TikTok Shop about each tracking number first (one request each)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object at the end")


def add_label_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of `shopdesk labels`."""
    parser.add_argument("order_ids", nargs="*", metavar="ORDER_ID", help="orders to label")
    parser.add_argument("--due", action="store_true", help="every TikTok Shipping order to ship")
    parser.add_argument("--within", type=float, metavar="HOURS", help="with --due: due within")
    parser.add_argument("--size", default="A6", choices=["A6", "A5"], help="label size")
    parser.add_argument(
        "--paper", choices=["A6", "A5", "A4", "LETTER"], help="sheet to print on (default: size)"
    )
    parser.add_argument("--packing-slip", action="store_true", help="TikTok's slip with it")
    parser.add_argument("--weight", nargs=2, metavar=("VALUE", "UNIT"), help="parcel weight")
    parser.add_argument("--dims", nargs=2, metavar=("LxWxH", "UNIT"), help="parcel size")
    parser.add_argument("--out", help="the merged PDF (default: in <data folder>/labels/)")
    parser.add_argument(
        "--profiles",
        metavar="FILE.csv",
        help="first set SKU shipping profiles (seller_sku, weight, weight_unit, length, width,"
        " height, length_unit, bin_location, barcode); a bad row saves nothing",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object at the end")


def add_picklist_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of `shopdesk picklist`."""
    parser.add_argument("order_ids", nargs="*", metavar="ORDER_ID", help="orders to pick")
    parser.add_argument("--due", action="store_true", help="every order awaiting shipment")
    parser.add_argument("--out", required=True, help="the PDF to write")
    parser.add_argument("--paper", default="A4", choices=["A4", "LETTER", "A5", "A6"])
    parser.add_argument("--no-slips", action="store_true", help="the pick list alone")


def add_returns_arguments(parser: argparse.ArgumentParser) -> None:
    """`returns [--json]`, `returns approve ID`, `returns reject ID --reason R [--comment T]`,
    `returns restock ID [--write-off]`."""
    parser.add_argument("--json", action="store_true", help="one JSON object")
    sub = parser.add_subparsers(dest="returns_action", metavar="ACTION")
    approve = sub.add_parser("approve", help="approve a buyer's request")
    approve.add_argument("return_id")
    reject = sub.add_parser("reject", help="reject a request with one of TikTok's reasons")
    reject.add_argument("return_id")
    reject.add_argument("--reason", required=True, help="a reason name `returns --json` lists")
    reject.add_argument("--comment", default="", help="a note for the buyer and TikTok")
    restock = sub.add_parser("restock", help="a returned item arrived: back on the shelf")
    restock.add_argument("return_id")
    restock.add_argument(
        "--write-off", action="store_true", help="it cannot be sold again: stock stays"
    )


def add_cost_arguments(parser: argparse.ArgumentParser) -> None:
    """`costs set SELLER_SKU AMOUNT --from YYYY-MM-DD` and `costs import FILE.csv`."""
    sub = parser.add_subparsers(dest="costs_command", metavar="ACTION", required=True)
    one = sub.add_parser("set", help="one SKU's cost per unit, from a date on")
    one.add_argument("seller_sku")
    one.add_argument("amount", help="cost of one unit in the SKU's currency, like 4.50")
    one.add_argument(
        "--from", dest="from_day", required=True, help="YYYY-MM-DD (UTC) it applies from"
    )
    many = sub.add_parser("import", help="costs from a CSV file (seller_sku, amount, from)")
    many.add_argument("file")


def add_backup_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of `shopdesk backup`."""
    parser.add_argument(
        "--out", help="write the backup here (default: a dated file in <data folder>/backups)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def add_restore_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of `shopdesk restore`."""
    parser.add_argument("file", help="a backup made by `shopdesk backup` (or a copy of one)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
