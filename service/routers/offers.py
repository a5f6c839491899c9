"""供给: CRUD; an offer must belong to an existing enterprise."""

from __future__ import annotations

from service.routers.crud import Resource, crud_router, enterprise_exists
from service.routers.filters import offer_filters
from service.schemas.offers import OfferCreate, OfferPublic, OfferUpdate

router = crud_router(
    Resource(
        kind="offer",
        path="/offers",
        tag="供给",
        id_prefix="O",
        create=OfferCreate,
        update=OfferUpdate,
        public=OfferPublic,
        filters=offer_filters,
        check=enterprise_exists,
    )
)
