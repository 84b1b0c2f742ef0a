"""The demo catalogue: products with size/colour variants, prices, final-sale items and reorder points."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from core.domain.return_resolution import Replacement
from core.seed.reference import PRODUCTS, ProductSpec
from core.seed.weighted import Weighted

# Middle sizes sell best.
SIZE_WEIGHTS = {"XS": 0.5, "S": 1.0, "M": 1.6, "L": 1.4, "XL": 0.7, "7": 0.6, "8": 1, "9": 1.3, "10": 1.3, "11": 1}


@dataclass(slots=True)
class VariantInfo:
    """What the generator needs to know about one SKU; stock is settled at the end of the run."""

    id: int
    product_id: int
    product_index: int
    sku: str
    title: str
    product_name: str
    price_minor: int
    final_sale: bool
    reorder_point: int
    size: str
    colour: str
    siblings: list[VariantInfo] = field(default_factory=list)  # same product and colour, other sizes


@dataclass
class Catalogue:
    products: list[tuple[int, str, str]]  # (id, handle, name)
    variants: list[VariantInfo]
    product_weights: list[float]
    by_product: list[list[VariantInfo]]

    def __post_init__(self) -> None:
        self._products = Weighted(range(len(self.by_product)), self.product_weights)
        self._sizes = [Weighted(vs, [SIZE_WEIGHTS.get(v.size, 1.0) for v in vs]) for vs in self.by_product]
        self._by_id = {v.id: v for v in self.variants}

    def pick(self, rng: random.Random) -> VariantInfo:
        """A variant, by product popularity and then by how well each size sells."""
        return self._sizes[self._products.pick(rng)].pick(rng)

    def product_of(self, variant_id: int) -> int | None:
        return self._by_id[variant_id].product_id if variant_id in self._by_id else None

    def replacement(self, variant_id: int) -> Replacement:
        """What an exchange's replacement line says it is."""
        found = self._by_id[variant_id]
        return Replacement(found.sku, found.product_name, found.title)


def _sku_part(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())[:6] or "X"


def _title(spec: ProductSpec, size: str, colour: str) -> str:
    if size == "One size":
        return colour
    return size if len(spec.colours) == 1 else f"{size} / {colour}"


def _variants_of(
    spec: ProductSpec, index: int, product_id: int, first_id: int, rng: random.Random
) -> list[VariantInfo]:
    options = [(colour, position, size) for colour in spec.colours for position, size in enumerate(spec.sizes)]
    found = [
        VariantInfo(
            id=first_id + offset,
            product_id=product_id,
            product_index=index,
            sku=f"{spec.code}-{_sku_part(colour)}-{_sku_part(size)}",
            title=_title(spec, size, colour),
            product_name=spec.name,
            price_minor=spec.prices[position] if spec.prices else spec.price_minor,
            final_sale=spec.final_sale,
            reorder_point=rng.choice((5, 8, 10, 12, 15, 20, 25)),
            size=size,
            colour=colour,
        )
        for offset, (colour, position, size) in enumerate(options)
    ]
    for variant in found:
        variant.siblings = [v for v in found if v.colour == variant.colour and v.id != variant.id]
    return found


def build_catalogue(rng: random.Random, first_product_id: int = 1, first_variant_id: int = 1) -> Catalogue:
    products: list[tuple[int, str, str]] = []
    variants: list[VariantInfo] = []
    by_product: list[list[VariantInfo]] = []
    for index, spec in enumerate(PRODUCTS):
        product_id = first_product_id + index
        products.append((product_id, spec.handle, spec.name))
        made = _variants_of(spec, index, product_id, first_variant_id + len(variants), rng)
        variants.extend(made)
        by_product.append(made)
    weights = [spec.popularity for spec in PRODUCTS]
    return Catalogue(products, variants, weights, by_product)
