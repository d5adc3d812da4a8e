"""Read-only order queries for the desktop app: queues, filtered pages, detail, daily figures.

Filtering and sorting happen in SQL, a page at a time, so 100,000 orders open as fast as 100.
`OrderListIndex` keeps a slim copy of the list columns in a TEMP table of the reader's own
connection (never in the shop's file), built in small steps and caught up by rowid; pages then
come from it. A search finds its rows through a trigram index of each order's own words and
the SKUs whose product matches, so it reads the matches, not every order; a flag through a
partial index. The copy lives in a TEMP file (deleted when the connection closes), paged
through SQLite's small cache, so it does not add its size to the window's resident memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.store.connection import Readable
from app.tiktok.models import ORDER_FLAGS, OrderStatus

ALL = "all"


@dataclass(frozen=True)
class Queue:
    """A status queue of the Orders tab: its key, label and the statuses it holds."""

    key: str
    label: str
    statuses: tuple[str, ...]


QUEUES: tuple[Queue, ...] = (
    Queue(ALL, "All orders", ()),
    Queue("to_ship", "To ship", (OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPING)),
    Queue("on_hold", "On hold", (OrderStatus.ON_HOLD,)),
    Queue("awaiting_collection", "Awaiting collection", (OrderStatus.AWAITING_COLLECTION,)),
    Queue("in_transit", "In transit", (OrderStatus.IN_TRANSIT,)),
    Queue("delivered", "Delivered", (OrderStatus.DELIVERED,)),
    Queue("completed", "Completed", (OrderStatus.COMPLETED,)),
    Queue("cancelled", "Cancelled", (OrderStatus.CANCELLED,)),
    Queue("unpaid", "Unpaid", (OrderStatus.UNPAID,)),
)
QUEUE_BY_KEY = {q.key: q for q in QUEUES}

#: The queue an order of each status sits in.
QUEUE_OF_STATUS = {status: q.key for q in QUEUES for status in q.statuses}

#: Filterable flags: stored boolean columns, plus pre-order, which TikTok sends as a type.
PRE_ORDER = "pre_order"
FLAG_FILTERS: dict[str, str] = {
    "sample_order": "is_sample_order = 1",
    "cod": "is_cod = 1",
    PRE_ORDER: "order_type = 'PRE_ORDER'",
    "replacement_order": "is_replacement_order = 1",
    "exchange_order": "is_exchange_order = 1",
    "buyer_request_cancel": "is_buyer_request_cancel = 1",
}

#: Sort keys and the column each one orders by (the same name in both sources).
SORT_KEYS = (
    "id",
    "status",
    "create_time",
    "update_time",
    "buyer_name",
    "line_item_count",
    "sku_summary",
    "total_value",
    "flags",
    "rts_sla_time",
)


@dataclass(frozen=True)
class OrderFilter:
    """What the Orders tab shows: one queue, a search text, an order type, required flags."""

    queue: str = ALL
    search: str = ""
    order_type: str = ""
    flags: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.queue not in QUEUE_BY_KEY:
            raise ValueError(f"unknown queue {self.queue!r}")
        unknown = self.flags - FLAG_FILTERS.keys()
        if unknown:
            raise ValueError(f"unknown flags {sorted(unknown)}")

    @property
    def narrow(self) -> bool:
        """A search, a flag or a rare type: few rows match, found by one scan, not an index walk.

        Walking the sort index to find the first page of a filter that matches a handful of
        rows reads every row in index order; one scan plus a sort of the matches is cheaper.
        """
        return bool(self.search.strip() or self.flags or self.order_type not in ("", "NORMAL"))


@dataclass(frozen=True)
class OrderSort:
    """Which column orders the list, and which way; ties break on rowid the same way."""

    key: str = "create_time"
    descending: bool = True

    def __post_init__(self) -> None:
        if self.key not in SORT_KEYS:
            raise ValueError(f"unknown sort key {self.key!r}")


@dataclass(frozen=True)
class OrderListRow:
    """One row of the orders list: the typed columns, never the raw JSON."""

    id: str
    status: str
    order_type: str
    create_time: int
    update_time: int
    buyer_name: str
    currency: str
    total_amount: str | None
    line_item_count: int
    sku_summary: str
    flags: tuple[str, ...]
    #: Ship by (TikTok's `rts_sla_time`), None before TikTok sets it.
    rts_sla_time: int | None = None


_LIST_COLUMNS = (
    "id, status, order_type, create_time, update_time, buyer_name, currency, total_amount, "
    "line_item_count, sku_summary, flags, rts_sla_time"
)


def _list_row(row: Sequence[Any]) -> OrderListRow:
    return OrderListRow(
        id=row[0],
        status=row[1],
        order_type=row[2],
        create_time=row[3],
        update_time=row[4],
        buyer_name=row[5],
        currency=row[6],
        total_amount=row[7],
        line_item_count=row[8],
        sku_summary=row[9],
        flags=tuple(f for f in str(row[10]).split(";") if f),
        rts_sla_time=row[11],
    )


# --- where the list reads from ------------------------------------------------------------

#: One line item of each SKU (its lowest order id), one index seek per SKU: a skip scan of the
#: SKU index, as a shop sells a few hundred SKUs and its orders hold hundreds of thousands.
_FIRST_ITEM_PER_SKU = (
    "WITH RECURSIVE skus(sku) AS (SELECT min(sku_id) FROM line_items UNION ALL"
    " SELECT (SELECT min(sku_id) FROM line_items WHERE sku_id > skus.sku) FROM skus"
    " WHERE skus.sku IS NOT NULL)"
    " SELECT (SELECT rowid FROM line_items WHERE sku_id = skus.sku ORDER BY order_id LIMIT 1)"
    " FROM skus WHERE skus.sku IS NOT NULL"
)
_MATCHING_SKUS = (
    f"SELECT sku_id FROM line_items WHERE rowid IN ({_FIRST_ITEM_PER_SKU}) "
    "AND (product_name LIKE :q ESCAPE '\\' OR sku_name LIKE :q ESCAPE '\\' "
    "OR seller_sku LIKE :q ESCAPE '\\')"
)


@dataclass(frozen=True)
class ListSource:
    """A table with the list columns, and how to search it and read a total as a number."""

    table: str
    total_value: str
    search: str
    #: The search for text shorter than a trigram, when it differs.
    short_search: str = ""


#: Orders holding a product whose name, variant or seller SKU matches: one line item per
#: SKU is read, then the orders through the SKU index.
_ORDERS_OF_SKUS = f"SELECT order_id FROM main.line_items WHERE sku_id IN ({_MATCHING_SKUS})"


#: The shop's own table: right from the first moment, but searching it reads every row.
ORDERS = ListSource(
    table="main.orders",
    total_value="coalesce(CAST(total_amount AS REAL), 0)",
    search=(
        "(id LIKE :q ESCAPE '\\' OR buyer_name LIKE :q ESCAPE '\\' "
        "OR buyer_email LIKE :q ESCAPE '\\' OR sku_summary LIKE :q ESCAPE '\\' "
        f"OR id IN ({_ORDERS_OF_SKUS}))"
    ),
)
#: The reader's slim TEMP copy (see OrderListIndex): searched and sorted without raw JSON.
#: A search of three letters or more finds its rows through the trigrams of their words;
#: a shorter one matches most orders anyway, and reads them all. Product names are found
#: once per SKU.
INDEX = ListSource(
    table="temp.order_index",
    total_value="total_value",
    search=(
        "(rowid IN (SELECT rowid FROM temp.order_words WHERE words GLOB :g)"
        f" OR id IN ({_ORDERS_OF_SKUS}))"
    ),
    short_search=f"(haystack LIKE :q ESCAPE '\\' OR id IN ({_ORDERS_OF_SKUS}))",
)
#: Searches shorter than this have no trigram to look up.
TRIGRAM = 3


def like_pattern(text: str) -> str:
    """A LIKE pattern that finds `text` anywhere, its own % and _ taken literally."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def glob_pattern(text: str) -> str:
    """A GLOB pattern that finds `text` (lower case) anywhere, its own * ? [ taken literally."""
    escaped = "".join(f"[{c}]" if c in "*?[" else c for c in text.strip().lower())
    return f"*{escaped}*"


def _where(f: OrderFilter, source: ListSource) -> tuple[str, dict[str, Any]]:
    parts: list[str] = []
    args: dict[str, Any] = {}
    statuses = QUEUE_BY_KEY[f.queue].statuses
    if statuses:
        marks = ", ".join(f":s{n}" for n in range(len(statuses)))
        parts.append(f"status IN ({marks})")
        args.update({f"s{n}": str(s) for n, s in enumerate(statuses)})
    if f.order_type:
        # TikTok leaves the type empty on some standard orders.
        same = "('NORMAL', '')" if f.order_type == "NORMAL" else "(:order_type)"
        parts.append(f"order_type IN {same}")
        args["order_type"] = f.order_type
    parts.extend(FLAG_FILTERS[flag] for flag in sorted(f.flags))
    if f.search.strip():
        short = len(f.search.strip()) < TRIGRAM and source.short_search
        parts.append(source.short_search if short else source.search)
        args["q"] = like_pattern(f.search)
        args["g"] = glob_pattern(f.search)
    return (" WHERE " + " AND ".join(parts)) if parts else "", args


def _sort_expr(sort: OrderSort, source: ListSource) -> str:
    return source.total_value if sort.key == "total_value" else sort.key


def _order_by(sort: OrderSort, source: ListSource, f: OrderFilter) -> str:
    way = "DESC" if sort.descending else "ASC"
    scan = "+" if f.narrow else ""  # unary plus: SQLite sorts the matches, no index walk
    return f" ORDER BY {scan}{_sort_expr(sort, source)} {way}, rowid {way}"


def fetch_matching_count(db: Readable, f: OrderFilter, source: ListSource) -> int:
    """How many orders the filter shows."""
    where, args = _where(f, source)
    return int(db.execute(f"SELECT count(*) FROM {source.table}{where}", args).fetchone()[0])


def fetch_order_rows(
    db: Readable,
    f: OrderFilter,
    sort: OrderSort,
    source: ListSource,
    *,
    offset: int,
    limit: int,
) -> list[OrderListRow]:
    """One window of the filtered, sorted list."""
    where, args = _where(f, source)
    sql = (
        f"SELECT {_LIST_COLUMNS} FROM {source.table}{where}{_order_by(sort, source, f)}"
        " LIMIT :limit OFFSET :offset"
    )
    rows = db.execute(sql, {**args, "limit": limit, "offset": offset}).fetchall()
    return [_list_row(r) for r in rows]


def fetch_first_page(
    db: Readable, f: OrderFilter, sort: OrderSort, source: ListSource, *, limit: int
) -> tuple[int, list[OrderListRow]]:
    """How many orders match and the first `limit` of them, in one pass over the table.

    For narrow filters: counting and paging each read every row, so one scan sorts only the
    matches' rowids (a few bytes each, not their columns) and the page is read by rowid.
    """
    where, args = _where(f, source)
    found = db.execute(
        f"SELECT rowid FROM {source.table}{where}{_order_by(sort, source, f)}", args
    ).fetchall()
    first = [int(r[0]) for r in found[:limit]]
    return len(found), _rows_by_rowid(db, source, first)


def _rows_by_rowid(db: Readable, source: ListSource, rowids: Sequence[int]) -> list[OrderListRow]:
    """The list rows of these rowids, in the order given (missing ones left out)."""
    if not rowids:
        return []
    marks = ",".join("?" for _ in rowids)
    by_rowid = {
        int(r[0]): _list_row(r[1:])
        for r in db.execute(
            f"SELECT rowid, {_LIST_COLUMNS} FROM {source.table} WHERE rowid IN ({marks})",
            list(rowids),
        )
    }
    return [by_rowid[r] for r in rowids if r in by_rowid]


def fetch_order_position(
    db: Readable,
    f: OrderFilter,
    sort: OrderSort,
    source: ListSource,
    order_id: str,
) -> int | None:
    """The row an order sits on in the filtered, sorted list, or None when it is not shown."""
    where, args = _where(f, source)
    key = _sort_expr(sort, source)
    found = db.execute(
        f"SELECT {key}, rowid FROM {source.table}"
        + (where + " AND" if where else " WHERE")
        + " id = :target",
        {**args, "target": order_id},
    ).fetchone()
    if found is None:
        return None
    before = ">" if sort.descending else "<"
    sql = (
        f"SELECT count(*) FROM {source.table}"
        + (where + " AND" if where else " WHERE")
        + f" ({key}, rowid) {before} (:key, :row)"
    )
    return int(db.execute(sql, {**args, "key": found[0], "row": found[1]}).fetchone()[0])


def fetch_queue_counts(db: Readable) -> dict[str, int]:
    """Orders per queue (from the status index), `all` included."""
    by_status = dict(db.execute("SELECT status, count(*) FROM orders GROUP BY status").fetchall())
    counts = {q.key: sum(int(by_status.get(str(s), 0)) for s in q.statuses) for q in QUEUES}
    counts[ALL] = sum(int(n) for n in by_status.values())
    return counts


def fetch_orders_per_day(db: Readable, *, since: int, utc_offset: int = 0) -> list[tuple[int, int]]:
    """Orders created per local day since `since`: (day start in UTC seconds, count)."""
    rows = db.execute(
        "SELECT (create_time + :off) / 86400 AS day, count(*) FROM orders"
        " WHERE create_time >= :since GROUP BY day ORDER BY day",
        {"off": utc_offset, "since": since},
    ).fetchall()
    return [(int(day) * 86400 - utc_offset, int(count)) for day, count in rows]


def fetch_api_calls_over_time(
    db: Readable, *, since: int, bucket: int
) -> list[tuple[int, int, int]]:
    """API calls and throttled calls of finished sync runs: (bucket start, calls, throttled)."""
    rows = db.execute(
        "SELECT (started_at / :bucket) * :bucket AS t, sum(api_calls), sum(throttled)"
        " FROM sync_runs WHERE started_at >= :since AND finished_at IS NOT NULL"
        " GROUP BY t ORDER BY t",
        {"bucket": bucket, "since": since},
    ).fetchall()
    return [(int(t), int(calls), int(throttled)) for t, calls, throttled in rows]


# --- the reader's slim copy -----------------------------------------------------------------

_FLAG_COLUMNS = ", ".join(ORDER_FLAGS)
_INDEX_COLUMNS = (
    f"id, status, order_type, create_time, update_time, buyer_name, currency, total_amount, "
    f"total_value, line_item_count, sku_summary, flags, {_FLAG_COLUMNS}, haystack, source_rowid,"
    " rts_sla_time"
)
_INDEX_SELECT = (
    "SELECT o.id, o.status, o.order_type, o.create_time, o.update_time, o.buyer_name,"
    " o.currency, o.total_amount, coalesce(CAST(o.total_amount AS REAL), 0),"
    " o.line_item_count, o.sku_summary, o.flags, "
    + ", ".join(f"o.{c}" for c in ORDER_FLAGS)
    + ", lower(o.id || ' ' || o.buyer_name || ' ' || o.buyer_email || ' ' || o.sku_summary),"
    " o.rowid, o.rts_sla_time"
    " FROM main.orders o"
)
_INDEX_SCHEMA = (
    "CREATE TEMP TABLE IF NOT EXISTS order_index ("
    " id TEXT PRIMARY KEY NOT NULL, status TEXT NOT NULL, order_type TEXT NOT NULL,"
    " create_time INTEGER NOT NULL, update_time INTEGER NOT NULL, buyer_name TEXT NOT NULL,"
    " currency TEXT NOT NULL, total_amount TEXT, total_value REAL NOT NULL,"
    " line_item_count INTEGER NOT NULL, sku_summary TEXT NOT NULL, flags TEXT NOT NULL, "
    + ", ".join(f"{c} INTEGER NOT NULL" for c in ORDER_FLAGS)
    + ", haystack TEXT NOT NULL, source_rowid INTEGER NOT NULL, rts_sla_time INTEGER)",
    # Indexes for the default sort (newest first, in a queue or not) and for money; sorting
    # by another column sorts the matching rows, still without the raw JSON.
    "CREATE INDEX IF NOT EXISTS temp.order_index_status_created"
    " ON order_index (status, create_time)",
    "CREATE INDEX IF NOT EXISTS temp.order_index_create ON order_index (create_time)",
    "CREATE INDEX IF NOT EXISTS temp.order_index_total ON order_index (total_value)",
    # The To ship queue sorts by ship-by time.
    "CREATE INDEX IF NOT EXISTS temp.order_index_ship_by ON order_index (status, rts_sla_time)",
    # A flag filter reads the few orders that have the flag, not every row.
    *(
        f"CREATE INDEX IF NOT EXISTS temp.order_index_{flag} ON order_index (create_time)"
        f" WHERE {where}"
        for flag, where in FLAG_FILTERS.items()
    ),
    # A search finds its rows through the trigrams of their words, not by reading every row;
    # the rows it names are checked against the pattern. The REPLACE of a changed order
    # deletes its old row, so the words follow (recursive_triggers is on for this).
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.order_words"
    " USING fts5(words, tokenize = 'trigram', detail = 'none')",
    "CREATE TRIGGER IF NOT EXISTS temp.order_index_words_added AFTER INSERT ON order_index"
    " BEGIN INSERT INTO order_words (rowid, words) VALUES (new.rowid, new.haystack); END",
    "CREATE TRIGGER IF NOT EXISTS temp.order_index_words_gone AFTER DELETE ON order_index"
    " BEGIN DELETE FROM order_words WHERE rowid = old.rowid; END",
)


@dataclass
class CatchUp:
    """What one step of catching up found: orders seen for the first time, and if it is done."""

    new: list[tuple[str, int]] = field(default_factory=list)
    copied: int = 0
    done: bool = False


class OrderListIndex:
    """The reader's TEMP copy of the list columns, kept up to date by rowid.

    Every insert or replace of an order gives its row a rowid above every earlier one, so
    "rows above the last rowid copied" is exactly what changed, whoever wrote it (the engine,
    or a CLI command in another process). An update in place keeps its rowid: `copy_ids`
    takes the ids the engine reports, so such a change is not missed either. Only the
    reader's connection sees this table.
    """

    def __init__(self, db: Readable) -> None:
        self.db = db
        self.mark = 0
        self.ready = False
        # The copy lives in a TEMP file SQLite deletes at close, paged through the same small
        # cache as the shop's file: tens of MB at 100,000 orders that need not stay resident.
        db.execute("PRAGMA temp_store = FILE")
        db.execute("PRAGMA recursive_triggers = ON")
        for statement in _INDEX_SCHEMA:
            db.execute(statement)

    def copy_ids(self, ids: Sequence[str], *, up_to: int) -> None:
        """Copy these orders again if their rows are at or below rowid `up_to` (rows above it
        were copied by `catch_up`), and forget those no longer stored."""
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" for _ in chunk)
            self.db.execute(
                f"INSERT OR REPLACE INTO temp.order_index ({_INDEX_COLUMNS}) {_INDEX_SELECT}"
                f" WHERE o.id IN ({marks}) AND o.rowid <= ?",
                [*chunk, up_to],
            )
            self.db.execute(
                f"DELETE FROM temp.order_index WHERE id IN ({marks})"
                " AND id NOT IN (SELECT id FROM main.orders)",
                chunk,
            )

    def catch_up(self, limit: int = 1000) -> CatchUp:
        """Copy up to `limit` rows written since the last call; `done` when none are left.

        `new` lists (id, create_time) of orders the copy had not seen, once the first full
        copy is done (before that, every order is new and none is news).
        """
        db, result = self.db, CatchUp()
        top = db.execute("SELECT max(rowid) FROM main.orders").fetchone()[0]
        if top is None or top <= self.mark:
            result.done = self.ready = True
            return result
        edge = db.execute(
            "SELECT rowid FROM main.orders WHERE rowid > ? ORDER BY rowid LIMIT 1 OFFSET ?",
            [self.mark, limit - 1],
        ).fetchone()
        upto = int(edge[0]) if edge is not None else int(top)
        window = {"mark": self.mark, "upto": upto}
        if self.ready:
            result.new = [
                (str(i), int(t))
                for i, t in db.execute(
                    "SELECT id, create_time FROM main.orders WHERE rowid > :mark"
                    " AND rowid <= :upto AND id NOT IN (SELECT id FROM temp.order_index)",
                    window,
                )
            ]
        cursor = db.execute(
            f"INSERT OR REPLACE INTO temp.order_index ({_INDEX_COLUMNS}) {_INDEX_SELECT}"
            " WHERE o.rowid > :mark AND o.rowid <= :upto",
            window,
        )
        result.copied = max(cursor.rowcount, 0)
        self.mark = upto
        result.done = edge is None
        self.ready = self.ready or result.done
        return result
