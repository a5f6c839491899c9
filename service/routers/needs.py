"""需求: CRUD; a need must belong to an existing enterprise."""

from __future__ import annotations

from service.routers.crud import Resource, crud_router, enterprise_exists
from service.routers.filters import need_filters
from service.schemas.needs import NeedCreate, NeedPublic, NeedUpdate

router = crud_router(
    Resource(
        kind="need",
        path="/needs",
        tag="需求",
        id_prefix="N",
        create=NeedCreate,
        update=NeedUpdate,
        public=NeedPublic,
        filters=need_filters,
        check=enterprise_exists,
    )
)
