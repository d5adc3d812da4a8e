"""The seeded shop's fixtures: warehouses, a catalog of products and SKUs, and its buyers."""

from __future__ import annotations

import random
from decimal import Decimal

from app.sandbox.ids import random_text
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
CITIES = [
    ("Los Angeles", "California", "CA", "900", Decimal("0.095")),
    ("Austin", "Texas", "TX", "787", Decimal("0.0825")),
    ("Brooklyn", "New York", "NY", "112", Decimal("0.08875")),
    ("Denver", "Colorado", "CO", "802", Decimal("0.0881")),
    ("Portland", "Oregon", "OR", "972", Decimal("0")),
    ("Miami", "Florida", "FL", "331", Decimal("0.07")),
    ("Seattle", "Washington", "WA", "981", Decimal("0.1025")),
    ("Chicago", "Illinois", "IL", "606", Decimal("0.1025")),
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
COLORS = ["Black", "White", "Sage", "Rose", "Navy", "Sand"]
SIZES = ["S", "M", "L", "XL"]
#: A few products not on sale, so status filters and the ACTIVATE-only rules have something to do.
STATUS_PLAN = {3: "SELLER_DEACTIVATED", 8: "PLATFORM_DEACTIVATED", 13: "PENDING", 17: "DRAFT"}


def build_warehouses(world: World, shop: Shop, rng: random.Random) -> None:
    picks = rng.sample(CITIES, k=4)
    sales = 2 + rng.randrange(2)  # 2-3 sales warehouses and one return warehouse
    for i, (city, state, code, zip3, _) in enumerate(picks[: sales + 1]):
        kind = "SALES_WAREHOUSE" if i < sales else "RETURN_WAREHOUSE"
        line1 = f"{rng.randrange(100, 9999)} {rng.choice(STREETS)}"
        postal = f"{zip3}{rng.randrange(10, 99)}"
        shop.warehouses.append(
            Warehouse(
                id=world.ids.new(),
                entity_id=world.ids.new(),
                name=f"{city} {'Returns' if kind == 'RETURN_WAREHOUSE' else 'Fulfillment'}",
                type=kind,
                is_default=i == 0,
                address={
                    "region": "United States",
                    "state": state,
                    "city": city,
                    "contact_person": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "postal_code": postal,
                    "full_address": f"{line1}, {city}, {code} {postal}",
                    "region_code": "US",
                    "phone_number": f"(+1){rng.randrange(200, 999)}****{rng.randrange(1000, 9999)}",
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


def build_buyers(world: World, rng: random.Random, count: int) -> list[Buyer]:
    buyers = []
    for _ in range(count):
        city, state, code, zip3, tax = rng.choice(CITIES)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        buyers.append(
            Buyer(
                user_id=world.ids.new(),
                email=f"{random_text(rng, 8)}@scs.tiktokw.us",
                first_name=first,
                last_name=last,
                phone=f"(+1){rng.randrange(200, 999)}-{rng.randrange(200, 999)}-"
                f"{rng.randrange(1000, 9999)}",
                line1=f"{rng.randrange(10, 9999)} {rng.choice(STREETS)}",
                city=city,
                state=state,
                state_code=code,
                postal_code=f"{zip3}{rng.randrange(10, 99)}",
                tax_rate=tax,
            )
        )
    return buyers
