"""Static reference data for the demo store: products, people, places and carrier wording.

Everything here is plain data so the generator stays readable and the demo can be
re-themed by editing one file.
"""

from __future__ import annotations

from dataclasses import dataclass

APPAREL = ("XS", "S", "M", "L", "XL")
TOPS = ("S", "M", "L", "XL")
WAIST = ("30", "32", "34", "36")
SHOES = ("7", "8", "9", "10", "11", "12")
ONE = ("One size",)


@dataclass(frozen=True)
class ProductSpec:
    handle: str
    name: str
    code: str  # SKU prefix
    price_minor: int
    sizes: tuple[str, ...]
    colours: tuple[str, ...]
    popularity: float  # relative weight in orders
    final_sale: bool = False
    prices: tuple[int, ...] = ()  # per size, when sizes are denominations


PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec("classic-tee", "Classic Tee", "TEE", 2500, TOPS, ("Navy", "White", "Heather Grey"), 10),
    ProductSpec("pocket-tee", "Pocket Tee", "PKT", 2800, TOPS, ("Olive", "Black"), 6),
    ProductSpec("long-sleeve-tee", "Long Sleeve Tee", "LST", 3400, TOPS, ("Navy", "Oatmeal"), 5),
    ProductSpec("oxford-shirt", "Oxford Shirt", "OXF", 6800, TOPS, ("Light Blue", "White"), 4),
    ProductSpec("flannel-shirt", "Flannel Shirt", "FLN", 7200, TOPS, ("Red Check", "Green Check"), 3),
    ProductSpec("merino-sweater", "Merino Sweater", "MER", 11800, TOPS, ("Charcoal", "Camel"), 3),
    ProductSpec("cable-cardigan", "Cable Cardigan", "CRD", 9800, APPAREL, ("Cream", "Forest"), 2),
    ProductSpec("pullover-hoodie", "Pullover Hoodie", "HOD", 6400, TOPS, ("Black", "Heather Grey"), 7),
    ProductSpec("zip-hoodie", "Zip Hoodie", "ZHD", 6900, TOPS, ("Navy", "Black"), 4),
    ProductSpec("crew-sweatshirt", "Crew Sweatshirt", "CRW", 5600, TOPS, ("Oatmeal", "Navy"), 4),
    ProductSpec("denim-jacket", "Denim Jacket", "DJK", 12800, TOPS, ("Indigo",), 2),
    ProductSpec("rain-shell", "Rain Shell", "RSH", 14800, TOPS, ("Yellow", "Black"), 2),
    ProductSpec("puffer-vest", "Puffer Vest", "PVS", 11200, TOPS, ("Black", "Olive"), 2),
    ProductSpec("chino-pants", "Chino Pants", "CHN", 8800, WAIST, ("Khaki", "Navy"), 4),
    ProductSpec("slim-jeans", "Slim Jeans", "JNS", 9800, WAIST, ("Indigo", "Black"), 5),
    ProductSpec("jogger", "Fleece Jogger", "JOG", 6200, TOPS, ("Heather Grey", "Black"), 4),
    ProductSpec("trail-shorts", "Trail Shorts", "SHT", 5400, TOPS, ("Sand", "Navy"), 3),
    ProductSpec("linen-dress", "Linen Dress", "DRS", 11800, APPAREL[:4], ("Sage", "White"), 3),
    ProductSpec("wrap-skirt", "Wrap Skirt", "SKT", 7800, APPAREL[:4], ("Rust", "Black"), 2),
    ProductSpec("studio-leggings", "Studio Leggings", "LEG", 6800, APPAREL, ("Black", "Plum"), 4),
    ProductSpec("canvas-sneaker", "Canvas Sneaker", "SNK", 7400, SHOES, ("White", "Black"), 5),
    ProductSpec("leather-boot", "Leather Boot", "BOT", 18800, SHOES, ("Brown",), 2),
    ProductSpec("trail-runner", "Trail Runner", "RUN", 12400, SHOES, ("Slate", "Orange"), 3),
    ProductSpec("slide-sandal", "Slide Sandal", "SLD", 3800, SHOES, ("Black",), 2),
    ProductSpec("wool-socks", "Wool Socks (3-pack)", "SCK", 1800, ("S", "M", "L"), ("Grey",), 6, True),
    ProductSpec("boxer-briefs", "Boxer Briefs", "BXR", 2400, TOPS, ("Black",), 3, True),
    ProductSpec("rib-beanie", "Rib Beanie", "BNE", 2800, ONE, ("Black", "Mustard", "Navy"), 4),
    ProductSpec("baseball-cap", "Baseball Cap", "CAP", 3200, ONE, ("Navy", "Stone"), 3),
    ProductSpec("wool-scarf", "Wool Scarf", "SCF", 4800, ONE, ("Charcoal", "Tartan"), 2),
    ProductSpec("leather-belt", "Leather Belt", "BLT", 5800, WAIST, ("Brown", "Black"), 2),
    ProductSpec("canvas-tote", "Canvas Tote", "TOT", 3600, ONE, ("Natural",), 3),
    ProductSpec("weekender-bag", "Weekender Bag", "WKD", 16800, ONE, ("Olive", "Black"), 1),
    ProductSpec("crossbody-bag", "Crossbody Bag", "XBD", 8800, ONE, ("Tan", "Black"), 2),
    ProductSpec("enamel-mug", "Enamel Mug", "MUG", 1800, ONE, ("White", "Blue"), 3, True),
    ProductSpec("steel-bottle", "Steel Water Bottle", "BTL", 3200, ONE, ("Silver", "Black", "Sage"), 3),
    ProductSpec("sunglasses", "Polarised Sunglasses", "SUN", 9800, ONE, ("Tortoise", "Black"), 2),
    ProductSpec("cloth-mask", "Cloth Face Mask", "MSK", 1200, ("S", "M", "L"), ("Black",), 1, True),
    ProductSpec("clearance-polo", "Clearance Polo", "POL", 2200, TOPS, ("Teal",), 2, True),
    ProductSpec("yoga-mat", "Yoga Mat", "MAT", 5800, ONE, ("Plum", "Slate"), 2),
    ProductSpec(
        "gift-card", "Gift Card", "GFT", 2500, ("$25", "$50", "$100"), ("Digital",), 2, True, (2500, 5000, 10000)
    ),
)

FIRST_NAMES = (
    "Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "Edsger", "Radia",
    "Tim", "Hedy", "Donald", "Katherine", "John", "Mary", "Niklaus", "Annie", "Guido", "Lynn", "Bjarne",
    "Sophie", "James", "Carol", "Yukihiro", "Shafi", "Whitfield", "Evelyn", "Larry", "Joan", "Vint",
    "Jean", "Bob", "Hamid", "Priya", "Mateo", "Amara", "Noah", "Lucia", "Omar", "Mei", "Ravi", "Zoe",
    "Kwame", "Ingrid", "Diego", "Fatima", "Hiro", "Chloe", "Tariq", "Elena", "Sven", "Aisha", "Liam", "Nora",
)  # fmt: skip
LAST_NAMES = (
    "Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Allen",
    "Dijkstra", "Perlman", "Berners-Lee", "Lamarr", "Knuth", "Johnson", "Backus", "Keller", "Wirth",
    "Easley", "van Rossum", "Conway", "Stroustrup", "Wilson", "Gosling", "Shaw", "Matsumoto", "Goldwasser",
    "Diffie", "Berezin", "Page", "Clarke", "Cerf", "Sammet", "Kahn", "Okafor", "Patel", "Garcia", "Nguyen",
    "Kim", "Rossi", "Haddad", "Chen", "Iyer", "Fischer", "Mensah", "Larsen", "Morales", "Rahman", "Sato",
    "Dubois", "Qureshi", "Popescu", "Lindqvist", "Bello", "Murphy", "Novak",
)  # fmt: skip
STREETS = (
    "Maple Ave", "Oak St", "Cedar Ln", "Elm St", "Pine Rd", "Willow Way", "Lakeview Dr", "Hillcrest Rd",
    "Main St", "Park Ave", "Sunset Blvd", "River Rd", "Highland Ave", "Church St", "Mill Rd", "Spring St",
    "Washington St", "Franklin Ave", "Chestnut St", "Broadway", "Harbor Way", "Orchard Ln", "Meadow Dr",
)  # fmt: skip
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")

# (city, region, postal code, country, E.164 prefix with area code)
CITIES: tuple[tuple[str, str, str, str, str], ...] = (
    ("New York", "NY", "10001", "US", "+1212"), ("Brooklyn", "NY", "11201", "US", "+1718"),
    ("Los Angeles", "CA", "90012", "US", "+1213"), ("San Francisco", "CA", "94103", "US", "+1415"),
    ("San Diego", "CA", "92101", "US", "+1619"), ("Seattle", "WA", "98101", "US", "+1206"),
    ("Portland", "OR", "97205", "US", "+1503"), ("Denver", "CO", "80202", "US", "+1303"),
    ("Austin", "TX", "78701", "US", "+1512"), ("Houston", "TX", "77002", "US", "+1713"),
    ("Dallas", "TX", "75201", "US", "+1214"), ("Chicago", "IL", "60601", "US", "+1312"),
    ("Minneapolis", "MN", "55401", "US", "+1612"), ("Detroit", "MI", "48226", "US", "+1313"),
    ("Columbus", "OH", "43215", "US", "+1614"), ("Atlanta", "GA", "30303", "US", "+1404"),
    ("Miami", "FL", "33130", "US", "+1305"), ("Orlando", "FL", "32801", "US", "+1407"),
    ("Charlotte", "NC", "28202", "US", "+1704"), ("Nashville", "TN", "37203", "US", "+1615"),
    ("Boston", "MA", "02108", "US", "+1617"), ("Philadelphia", "PA", "19103", "US", "+1215"),
    ("Pittsburgh", "PA", "15222", "US", "+1412"), ("Washington", "DC", "20001", "US", "+1202"),
    ("Baltimore", "MD", "21202", "US", "+1410"), ("Phoenix", "AZ", "85004", "US", "+1602"),
    ("Salt Lake City", "UT", "84101", "US", "+1801"), ("Kansas City", "MO", "64106", "US", "+1816"),
    ("New Orleans", "LA", "70112", "US", "+1504"), ("Burlington", "VT", "05401", "US", "+1802"),
    ("Anchorage", "AK", "99501", "US", "+1907"), ("Honolulu", "HI", "96813", "US", "+1808"),
)  # fmt: skip
INTERNATIONAL: tuple[tuple[str, str, str, str, str], ...] = (
    ("Toronto", "ON", "M5H 2N2", "CA", "+1416"), ("Vancouver", "BC", "V6B 1A1", "CA", "+1604"),
    ("London", "", "EC1A 1BB", "GB", "+4420"), ("Berlin", "", "10115", "DE", "+4930"),
    ("Sydney", "NSW", "2000", "AU", "+612"), ("Amsterdam", "", "1012 JS", "NL", "+3120"),
)  # fmt: skip

# Carrier facilities a parcel passes through, for scan locations.
HUBS: dict[str, tuple[str, ...]] = {
    "usps": ("Network Distribution Center, Jersey City, NJ", "Regional Facility, Chicago, IL", "Denver, CO"),
    "ups": ("Worldport, Louisville, KY", "Hodgkins, IL", "Ontario, CA", "Mesquite, TX"),
    "fedex": ("Memphis, TN", "Indianapolis, IN", "Oakland, CA", "Newark, NJ"),
    "dhl": ("Cincinnati Hub, KY", "Leipzig, DE", "East Midlands, GB", "Los Angeles Gateway, CA"),
}
IN_TRANSIT_MESSAGES = ("Departed facility", "Arrived at facility", "In transit to next facility", "Processed")
DELIVERED_MESSAGES = ("Delivered, front door", "Delivered, mailroom", "Delivered, handed to resident", "Delivered")

# (message, relative weight) per exception sub-reason; weights give the mix.
EXCEPTION_WEIGHTS: dict[str, float] = {
    "delay": 50,
    "failed_attempt": 22,
    "customs": 8,
    "damaged": 8,
    "lost": 7,
    "returned_to_sender": 5,
}
EXCEPTION_MESSAGES: dict[str, str] = {
    "delay": "Weather delay in the network",
    "customs": "Clearance processing in progress",
    "failed_attempt": "Delivery attempted, no access to the building",
    "damaged": "Package damaged, repackaged at facility",
    "lost": "Package could not be located",
    "returned_to_sender": "Address issue: returning to sender",
}

ORDER_NOTES = ("Leave at the back door, please.", "It's a gift: no prices in the box.", "Ring twice.")
CUSTOMISATION_NOTES = (
    "Please engrave 'For Sam, with love' on the bottle.",
    "Could you add a monogram (J.L.B.)?",
    "Custom embroidery please: 'Team Ada'.",
)
CANCEL_REASONS = ("customer asked to cancel", "ordered the wrong size", "duplicate order", "found it cheaper")
HOLD_CANCEL_REASONS = {
    "fraud_score": "fraud review failed",
    "po_box": "customer could not give a street address",
    "customisation": "customisation not possible",
}
REJECT_REASONS = ("Item shows signs of wear.", "Photos do not show any damage.", "Outside our return conditions.")
RETURN_NOTES = ("", "", "", "Fits smaller than expected.", "Colour looks different in person.", "Changed my mind.")
