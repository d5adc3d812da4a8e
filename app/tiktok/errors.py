"""Typed errors for every way TikTok Shop can say no, so callers react without parsing text."""

from __future__ import annotations

#: Which permission (scope) each API needs, to say what to enable when TikTok answers 105005.
SCOPE_BY_API_PREFIX: dict[str, tuple[str, str]] = {
    "/order/": ("seller.order.info", "Order Information"),
    "/product/202309/products/{product_id}/inventory/update": (
        "seller.product.write",
        "Product Management (write)",
    ),
    "/product/": ("seller.product.basic", "Product Basic"),
    # Tracking and order-level shipping info are Logistics APIs, though under /fulfillment/
    # (their specs' scope_list names seller.logistics).
    "/fulfillment/202309/orders/{order_id}/tracking": ("seller.logistics", "Logistics"),
    "/fulfillment/202309/orders/{order_id}/shipping_info/update": (
        "seller.logistics",
        "Logistics",
    ),
    "/logistics/": ("seller.logistics", "Logistics"),
    "/fulfillment/": ("seller.fulfillment.basic", "Fulfillment Basic"),
    "/return_refund/": ("seller.return_refund.basic", "Return and Refund Basic"),
    "/event/": ("seller.authorization.info", "Authorization Information"),
    "/authorization/": ("seller.authorization.info", "Authorization Information"),
    "/seller/": ("seller.shop.info", "Shop Information"),
    "/finance/": ("seller.finance.info", "Finance Information"),
    "/analytics/": ("data.shop_analytics.public.read", "TikTok Shop Analytics"),
}


def scope_for(api: str) -> tuple[str, str] | None:
    """The scope key and its Partner Center name for an API path template."""
    if api in SCOPE_BY_API_PREFIX:
        return SCOPE_BY_API_PREFIX[api]
    for prefix, scope in SCOPE_BY_API_PREFIX.items():
        if prefix.endswith("/") and api.startswith(prefix):
            return scope
    return None


class ShopdeskError(Exception):
    """Base for errors a user may need to see; messages never carry secrets."""


class TikTokError(ShopdeskError):
    """TikTok answered with a non-zero code; carries code, message and request_id."""

    retryable = False

    def __init__(
        self,
        code: int,
        message: str,
        request_id: str = "",
        *,
        http_status: int | None = None,
        api: str = "",
    ) -> None:
        self.code = code
        self.message = message
        self.request_id = request_id
        self.http_status = http_status
        self.api = api
        super().__init__(self.describe())

    def describe(self) -> str:
        """One line for logs and the errors tab."""
        where = f" on {self.api}" if self.api else ""
        rid = f" (request {self.request_id})" if self.request_id else ""
        return f"TikTok Shop error {self.code}{where}: {self.message}{rid}"


class TokenExpired(TikTokError):
    """105002: the access token expired; refresh once and retry."""


class InvalidToken(TikTokError):
    """36009004 about the access token: TikTok does not know it (revoked or wrong shop)."""


class ScopeMissing(TikTokError):
    """105005: the app or token lacks the permission this API needs."""

    def describe(self) -> str:
        """Say which permission to enable for which API."""
        scope = scope_for(self.api)
        if scope is None:
            need = "the permission this API needs"
        else:
            need = f'the "{scope[1]}" permission ({scope[0]})'
        return (
            f"TikTok Shop refused {self.api or 'this API'}: the app is missing {need}. "
            "Enable it for your app in Partner Center, then reconnect the shop "
            f"(code {self.code}, request {self.request_id})."
        )


class SignatureInvalid(TikTokError):
    """106001 or a missing sign: our signature did not verify (wrong app secret?)."""


class ClockSkew(TikTokError):
    """36009004 about the timestamp: this computer's clock is off."""

    def __init__(
        self,
        code: int,
        message: str,
        request_id: str = "",
        *,
        http_status: int | None = None,
        api: str = "",
        skew_seconds: float | None = None,
    ) -> None:
        self.skew_seconds = skew_seconds
        super().__init__(code, message, request_id, http_status=http_status, api=api)

    def describe(self) -> str:
        """Tell the user to fix the clock, and by how much when the server said its time."""
        if self.skew_seconds is None:
            by = ""
        else:
            direction = "ahead of" if self.skew_seconds > 0 else "behind"
            by = f" by about {abs(round(self.skew_seconds))} s ({direction} TikTok Shop's clock)"
        return (
            f"TikTok Shop rejected the request time: this computer's clock is off{by}. "
            f"Turn on automatic date and time, then try again (code {self.code}: {self.message})."
        )


class ShopCipherError(TikTokError):
    """106013 or 36009004 about shop_cipher: the shop identifier is missing or not expected."""


class InvalidAppKey(TikTokError):
    """36009004 about app_key: the app key is wrong, disabled or deleted."""

    def describe(self) -> str:
        """In words, without endpoint paths: what to check and where."""
        return (
            "TikTok Shop does not know this app key (wrong, disabled or deleted): copy it again "
            f"from Partner Center > your app (code {self.code})."
        )


class InvalidAppSecret(TikTokError):
    """36009004 about app_secret: the secret does not belong to this app key."""

    def describe(self) -> str:
        """In words, without endpoint paths: what to check and where."""
        return (
            "TikTok Shop did not accept the app secret for this app key: copy the App secret "
            f"again from Partner Center > your app (code {self.code})."
        )


class InvalidRequest(TikTokError):
    """36009004 "param ...": a query or body parameter TikTok's gateway refused."""


class VersionRetired(TikTokError):
    """36009014: the API version is invalid or retired (FACTS.md 9.2); use the newer one."""


class Throttled(TikTokError):
    """HTTP 429 or 36009002: too many requests; carries a suggested wait."""

    retryable = True

    def __init__(
        self,
        code: int,
        message: str,
        request_id: str = "",
        *,
        http_status: int | None = None,
        api: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(code, message, request_id, http_status=http_status, api=api)


class InternalError(TikTokError):
    """36009003, 36009007, HTTP 5xx: TikTok's side failed; safe to retry reads."""

    retryable = True


class AuthCodeInvalid(TikTokError):
    """36004004: the authorization code was already spent or has expired (it lives 30 min)."""

    def describe(self) -> str:
        """What the seller can do about it."""
        return (
            "this code was already used or has expired: authorize again "
            f"(TikTok Shop code {self.code}: {self.message})"
        )


class AuthorizationLost(TikTokError):
    """36004001 / 36004005 or a revoked token: the seller must authorize the app again."""


class ReconnectNeeded(ShopdeskError):
    """Raised before any call while the shop waits to be reconnected."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"Reconnect needed: {reason}. Run `shopdesk connect` or use Settings.")


class NetworkError(ShopdeskError):
    """No answer: timeout, refused or dropped connection (the text names the host, not secrets)."""

    retryable = True

    def __init__(self, message: str, *, api: str = "", outcome_unknown: bool = False) -> None:
        self.api = api
        self.outcome_unknown = outcome_unknown
        super().__init__(message)


class RetriesExhausted(ShopdeskError):
    """A retryable failure kept happening; wraps the last error and the attempt count."""

    def __init__(self, last: Exception, attempts: int) -> None:
        self.last = last
        self.attempts = attempts
        super().__init__(f"gave up after {attempts} attempts: {last}")


class HourlyLimitSuspected(RetriesExhausted):
    """TikTok kept answering 429 and no hourly budget is set: most likely a development
    shop's limit of 1,000 requests an hour (FACTS.md 9.2), which waiting seconds cannot fix."""

    def __init__(self, last: Exception, attempts: int) -> None:
        super().__init__(last, attempts)
        api = getattr(last, "api", "") or "the API"
        ShopdeskError.__init__(
            self,
            f"TikTok Shop kept answering 429 (too many requests) on {api} after {attempts} "
            "attempts. This looks like a development (test) shop's limit of 1,000 requests an "
            "hour: set an hourly request budget (Settings > Sync > Requests per hour, or "
            "`shopdesk sync --max-per-hour 1000`) and Shopdesk plans its calls inside it.",
        )


class UnexpectedResponse(ShopdeskError):
    """The answer was not TikTok's JSON envelope (a proxy page, a cut-off body)."""

    retryable = True


#: 36009003/36009007 (common-errors.md) and the return endpoints' transient failures: 25001028
#: "reverse lock failed", 25001058 "reverse downstream data load error", 25007002 "db access error".
INTERNAL_CODES = frozenset({36009003, 36009007, 25001028, 25001058, 25007002})
THROTTLE_CODE = 36009002


def _classify(code: int, message: str, http_status: int | None) -> type[TikTokError]:
    """Pick the error class from TikTok's code and, for the shared 36009004, its message."""
    if code == THROTTLE_CODE or http_status == 429:
        return Throttled
    if code in INTERNAL_CODES:
        return InternalError
    by_code: dict[int, type[TikTokError]] = {
        105002: TokenExpired,
        105005: ScopeMissing,
        106001: SignatureInvalid,
        106013: ShopCipherError,
        36004004: AuthCodeInvalid,
        36004001: AuthorizationLost,
        36004005: AuthorizationLost,
        36009014: VersionRetired,
    }
    if code in by_code:
        return by_code[code]
    if code == 36009004:
        # One code, several causes; common-errors.md tells them apart only by the message.
        text = message.lower()
        if text.startswith("param "):
            return InvalidRequest
        for needle, cls in (
            ("timestamp", ClockSkew),
            ("shop_cipher", ShopCipherError),
            ("identifier", ShopCipherError),
            ("app_secret", InvalidAppSecret),
            ("app_key", InvalidAppKey),
            ("signature", SignatureInvalid),
            ("token", InvalidToken),
        ):
            if needle in text:
                return cls
    if http_status is not None and http_status >= 500:
        return InternalError
    return TikTokError


def error_for(
    code: int,
    message: str,
    request_id: str,
    *,
    http_status: int | None,
    api: str,
    skew_seconds: float | None = None,
    retry_after: float | None = None,
) -> TikTokError:
    """Map TikTok's answer to the typed error a caller can act on."""
    cls = _classify(code, message, http_status)
    if cls is ClockSkew:
        return ClockSkew(
            code, message, request_id, http_status=http_status, api=api, skew_seconds=skew_seconds
        )
    if cls is Throttled:
        return Throttled(
            code, message, request_id, http_status=http_status, api=api, retry_after=retry_after
        )
    return cls(code, message, request_id, http_status=http_status, api=api)


# --- TikTok Shipping labels (FACTS.md 9.3) -------------------------------------------------------


class LabelRefused(TikTokError):
    """TikTok refused a label call (eligible service, create packages, shipping document)."""

    @property
    def reason(self) -> str:
        """The refusal in plain words."""
        from app.tiktok.reasons import LABEL_REFUSALS  # loads the models: only when refused

        return LABEL_REFUSALS.get(self.code, self.message)

    def describe(self) -> str:
        """One line for the order's row and the errors tab."""
        return f"TikTok Shop refused the label: {self.reason} (code {self.code})"


class OrderOnHold(LabelRefused):
    """21011044: the order is ON_HOLD; nothing may be fulfilled until it awaits shipment."""


class LabelAlreadyBought(LabelRefused):
    """The items already have a label: read the order's packages instead of buying again."""


class NoShippingService(LabelRefused):
    """No service takes this parcel (weight, size, address) or the one asked for."""


class PackageOversize(LabelRefused):
    """11021014: the parcel is too big for the carriers."""


class AddressRejected(LabelRefused):
    """The carrier does not accept the buyer's address."""


class LabelsNotOffered(LabelRefused):
    """The shop's market or country cannot buy TikTok Shipping labels through the API."""


class AfterSalePending(LabelRefused):
    """The buyer has an after-sale (cancellation) request to handle first."""


class OrderCombined(LabelRefused):
    """The order travels combined with another; its label is the combined package's."""


class ItemsRefused(LabelRefused):
    """The chosen line items cannot make one package (split rules, several packages)."""


class OrderNotShippable(LabelRefused):
    """The order's state rules a label out (cancelled, shipped, fulfilled by TikTok...)."""


class NotTikTokShipping(LabelRefused):
    """The seller ships this order: TikTok has no label for it."""


class DocumentUnavailable(LabelRefused):
    """The package's documents cannot be printed now (not shipped, picked up, cancelled)."""


class LabelRequestInvalid(LabelRefused):
    """TikTok rejected the request's fields (weight, size, line items)."""


#: Codes after which a Create Packages may or may not have bought the label.
UNKNOWN_OUTCOME_CODES = frozenset({11001027, 21001011, 21022029, 21030005})


class LabelTryLater(LabelRefused):
    """TikTok's side was busy or failed; the same call may work later."""

    retryable = True

    @property
    def outcome_unknown(self) -> bool:
        """True when a label may have been bought despite the error (check before retrying)."""
        return self.code in UNKNOWN_OUTCOME_CODES


LABEL_ERROR_CODES: dict[type[LabelRefused], tuple[int, ...]] = {
    OrderOnHold: (21011044,),
    LabelAlreadyBought: (21008042, 21022025, 21030006),
    NoShippingService: (11021009, 21011037, 21004008, 11003011),
    PackageOversize: (11021014,),
    AddressRejected: (11021012, 21011012),
    LabelsNotOffered: (21008106, 21004010),
    AfterSalePending: (21011007, 21021010),
    OrderCombined: (21011033, 21011046),
    ItemsRefused: (21011035, 21011048, 21011029, 21032001),
    OrderNotShippable: (
        21011003,
        21011041,
        21011006,
        21011020,
        21023046,
        21008025,
        21008043,
        21008111,
        21011028,
        10006402,
    ),
    NotTikTokShipping: (11034002, 21008017),
    DocumentUnavailable: (21042102, 21042104, 21023035, 21023059, 21008109, 11034009),
    LabelRequestInvalid: (21001001, 11001002, 11050001, 11028006),
    LabelTryLater: (
        *UNKNOWN_OUTCOME_CODES,
        21022026,
        11034023,
        11034037,
        21023022,
        11006010,
        11034025,
        21023034,
    ),
}
LABEL_ERRORS: dict[int, type[LabelRefused]] = {
    code: cls for cls, codes in LABEL_ERROR_CODES.items() for code in codes
}


def label_error(error: TikTokError) -> TikTokError:
    """The typed label refusal for a documented code; other errors stay as they are."""
    cls = LABEL_ERRORS.get(error.code)
    if cls is None or error.retryable:
        return error
    return cls(
        error.code, error.message, error.request_id, http_status=error.http_status, api=error.api
    )


class LabelOutcomeUnknown(ShopdeskError):
    """A Create Packages got no clear answer: the label may have been bought.

    Never send it again blindly: `LabelsApi.check_labels(order_id, line_item_ids)` says whether
    TikTok holds the items in a labelled package; only if not is a new attempt safe.
    """

    retryable = True
    outcome_unknown = True

    def __init__(self, order_id: str, line_item_ids: tuple[str, ...], cause: Exception) -> None:
        self.order_id = order_id
        self.line_item_ids = line_item_ids
        self.cause = cause
        super().__init__(
            f"No clear answer from TikTok Shop about the label for order {order_id} "
            f"({cause}); it may have been bought: check the order's packages before trying again."
        )


class DocumentExpired(ShopdeskError):
    """The document link no longer works (links last 24 h): ask for a new one."""

    def __init__(self, url_host: str, status: int) -> None:
        self.status = status
        super().__init__(
            f"The shipping document link on {url_host} no longer works (HTTP {status}): "
            "ask TikTok Shop for a new one."
        )
