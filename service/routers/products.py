"""金融产品: CRUD (a bank key updates its own products)."""

from __future__ import annotations

from service.routers.crud import Resource, crud_router
from service.routers.filters import product_filters
from service.schemas.products import ProductCreate, ProductPublic, ProductUpdate

router = crud_router(
    Resource(
        kind="finance_product",
        path="/products",
        tag="金融产品",
        id_prefix="F",
        create=ProductCreate,
        update=ProductUpdate,
        public=ProductPublic,
        filters=product_filters,
    )
)
