"""科技成果: CRUD (a university key updates its own results)."""

from __future__ import annotations

from service.routers.crud import Resource, crud_router
from service.routers.filters import tech_result_filters
from service.schemas.tech_results import TechResultCreate, TechResultPublic, TechResultUpdate

router = crud_router(
    Resource(
        kind="tech_result",
        path="/tech-results",
        tag="科技成果",
        id_prefix="T",
        create=TechResultCreate,
        update=TechResultUpdate,
        public=TechResultPublic,
        filters=tech_result_filters,
    )
)
