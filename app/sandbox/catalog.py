"""The seeded shop's fixtures: warehouses, a catalog of products and SKUs, and its buyers."""

from __future__ import annotations

import random
from decimal import Decimal

from app.sandbox.ids import random_text
from app.sandbox.market import market_of
from app.sandbox.model import Product, Shop, Sku, Stock, Warehouse
from app.sandbox.orders import Buyer
from app.sandbox.state import World

DAY = 86400

SHOP_NAMES = [
    "Maple & Moss Boutique",
    "Copper Kettle Home",
    "Lumen Beauty Lab",
    "Northwind Outfitters",
    "Pixel Pup Supplies",
    "Saltwater Threads",
    "Golden Hour Goods",
    "Fern & Fable",
]
FIRST = [
    "Ava",
    "Liam",
    "Maya",
    "Noah",
    "Zoe",
    "Ethan",
    "Chloe",
    "Lucas",
    "Ivy",
    "Mason",
    "Nora",
    "Leo",
    "Ruby",
    "Owen",
    "Stella",
    "Kai",
]
LAST = [
    "Nguyen",
    "Garcia",
    "Smith",
    "Patel",
    "Kim",
    "Johnson",
    "Lopez",
    "Brown",
    "Chen",
    "Davis",
    "Martin",
    "Clark",
]
STREETS = ["Maple Ave", "Oak St", "Sunset Blvd", "Pine Rd", "Lakeview Dr", "Main St", "Elm Ct"]
ADJECTIVES = [
    "Cozy",
    "Classic",
    "Everyday",
    "Vintage",
    "Organic",
    "Silky",
    "Travel",
    "Deluxe",
    "Minimal",
    "Glow",
    "Ribbed",
    "Cloud",
]
ITEMS = [
    ("Crewneck Tee", "Apparel", True),
    ("Hoodie", "Apparel", True),
    ("Scrunchie Set", "Accessories", False),
    ("Lip Oil", "Beauty", False),
    ("Phone Case", "Electronics Accessories", False),
    ("Tote Bag", "Bags", False),
    ("Scented Candle", "Home", False),
    ("Yoga Leggings", "Apparel", True),
    ("Water Bottle", "Kitchen", False),
    ("Face Serum", "Beauty", False),
    ("Beanie", "Accessories", False),
    ("Throw Blanket", "Home", False),
]
#: What one unit weighs packed (kilograms) and its box (centimetres), by item.
ITEM_PACKAGES: dict[str, tuple[str, tuple[int, int, int]]] = {
    "Crewneck Tee": ("0.25", (30, 25, 3)),
    "Hoodie": ("0.7", (35, 30, 8)),
    "Scrunchie Set": ("0.08", (15, 10, 3)),
    "Lip Oil": ("0.06", (12, 5, 5)),
    "Phone Case": ("0.1", (20, 12, 3)),
    "Tote Bag": ("0.3", (40, 35, 2)),
    "Scented Candle": ("0.55", (12, 12, 12)),
    "Yoga Leggings": ("0.3", (30, 22, 4)),
    "Water Bottle": ("0.45", (28, 9, 9)),
    "Face Serum": ("0.12", (14, 6, 6)),
    "Beanie": ("0.12", (22, 18, 4)),
    "Throw Blanket": ("1.4", (45, 35, 12)),
}
POUNDS_PER_KILOGRAM = Decimal("2.20462")
COLORS = ["Black", "White", "Sage", "Rose", "Navy", "Sand"]
SIZES = ["S", "M", "L", "XL"]
#: A few products not on sale, so status filters and the ACTIVATE-only rules have something to do.
STATUS_PLAN = {3: "SELLER_DEACTIVATED", 8: "PLATFORM_DEACTIVATED", 13: "PENDING", 17: "DRAFT"}


def build_warehouses(world: World, shop: Shop, rng: random.Random) -> None:
    market = market_of(shop.region)
    picks = rng.sample(market.cities, k=4)
    sales = 2 + rng.randrange(2)  # 2-3 sales warehouses and one return warehouse
    for i, city in enumerate(picks[: sales + 1]):
        kind = "SALES_WAREHOUSE" if i < sales else "RETURN_WAREHOUSE"
        line1 = f"{rng.randrange(100, 9999)} {rng.choice(STREETS)}"
        postal = market.postal_code(city, rng)
        shop.warehouses.append(
            Warehouse(
                id=world.ids.new(),
                entity_id=world.ids.new(),
                name=f"{city.name} {'Returns' if kind == 'RETURN_WAREHOUSE' else 'Fulfillment'}",
                type=kind,
                is_default=i == 0,
                address={
                    "region": market.country,
                    "state": city.state,
                    "city": city.name,
                    "contact_person": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "postal_code": postal,
                    "full_address": market.full_address(line1, city, postal),
                    "region_code": market.region,
                    "phone_number": market.phone(rng, masked=True),
                    "address_line1": line1,
                    "address_line2": "",
                },
            )
        )


def build_products(world: World, shop: Shop, rng: random.Random, count: int, now: int) -> None:
    sales = [w.id for w in shop.warehouses if w.type == "SALES_WAREHOUSE"]
    prefix = "".join(word[0] for word in shop.name.split() if word[0].isalpha()).upper()
    for index in range(count):
        noun, category, sized = ITEMS[index % len(ITEMS)]
        title = f"{rng.choice(ADJECTIVES)} {noun}"
        product_id = world.ids.new()
        created = now - rng.randrange(90 * DAY, 200 * DAY)
        price = Decimal(rng.randrange(8, 60)) + Decimal("0.99")
        colors = rng.sample(COLORS, k=1 + rng.randrange(2))
        sizes = rng.sample(SIZES, k=1 + rng.randrange(2)) if sized else [None]
        product = Product(
            id=product_id,
            shop_id=shop.id,
            title=title,
            description=f"<p>{title}: a shop favourite.</p>",
            status=STATUS_PLAN.get(index, "ACTIVATE") if count > 4 else "ACTIVATE",
            create_time=created,
            update_time=max(created, now - rng.randrange(DAY, 30 * DAY)),
            category=[
                {
                    "id": str(600000 + index),
                    "parent_id": "0",
                    "local_name": category,
                    "is_leaf": False,
                },
                {
                    "id": str(700000 + index),
                    "parent_id": str(600000 + index),
                    "local_name": noun,
                    "is_leaf": True,
                },
            ],
            brand={"id": world.ids.new(), "name": shop.name},
            image=f"tos-maliva-i-sandbox-us/{product_id}",
            package_weight=_package_weight(noun, shop.region, index),
            package_dimensions=_package_dimensions(noun),
        )
        for color in colors:
            for size in sizes:
                if len(product.skus) == 4:
                    break
                attributes = [("100000", "Color", str(100 + COLORS.index(color)), color)]
                code = f"{prefix}-{noun.split()[0][:4].upper()}{index:02d}-{color[:3].upper()}"
                if size:
                    attributes.append(("100001", "Size", str(200 + SIZES.index(size)), size))
                    code += f"-{size}"
                sku_id = world.ids.new()
                warehouses = [sales[0]]
                multi = (index == 0 and not product.skus) or rng.random() < 0.3
                if multi:
                    warehouses.append(rng.choice(sales[1:]))
                product.skus.append(
                    Sku(
                        id=sku_id,
                        product_id=product_id,
                        seller_sku=code,
                        attributes=attributes,
                        price=price + (2 if size in {"L", "XL"} else 0),
                        image=f"https://p16-sandbox.example/tos-maliva-i-sandbox-us/{sku_id}.jpeg",
                        stock={w: Stock(available=0) for w in warehouses},
                    )
                )
        world.index_product(shop, product)


def _package_weight(noun: str, region: str, index: int) -> tuple[str, str]:
    """Get Product's `package_weight`: most US sellers enter pounds, others kilograms."""
    kilograms = Decimal(ITEM_PACKAGES[noun][0])
    if region == "US" and index % 3 != 2:
        return str((kilograms * POUNDS_PER_KILOGRAM).quantize(Decimal("0.01"))), "POUND"
    return str(kilograms), "KILOGRAM"


def _package_dimensions(noun: str) -> tuple[str, str, str, str]:
    length, width, height = ITEM_PACKAGES[noun][1]
    return str(length), str(width), str(height), "CENTIMETER"


def build_buyers(world: World, rng: random.Random, count: int, region: str = "US") -> list[Buyer]:
    market = market_of(region)
    buyers = []
    for _ in range(count):
        city = rng.choice(market.cities)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        buyers.append(
            Buyer(
                user_id=world.ids.new(),
                email=f"{random_text(rng, 8)}@scs.tiktokw.us",
                first_name=first,
                last_name=last,
                phone=market.phone(rng),
                line1=f"{rng.randrange(10, 9999)} {rng.choice(STREETS)}",
                city=city.name,
                state=city.state,
                state_code=city.state_code,
                postal_code=market.postal_code(city, rng),
                tax_rate=city.tax_rate,
                country=market.country,
                region_code=market.region,
            )
        )
    return buyers
