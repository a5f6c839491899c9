"""政策: CRUD by staff; every key may read the published policies."""

from __future__ import annotations

from service.routers.crud import Resource, crud_router
from service.schemas.policies import PolicyCreate, PolicyPublic, PolicyUpdate

router = crud_router(
    Resource(
        kind="policy",
        path="/policies",
        tag="政策",
        id_prefix="P",
        create=PolicyCreate,
        update=PolicyUpdate,
        public=PolicyPublic,
    )
)
