"""The shared list / create / read / update / delete endpoints of the six record resources.

Each resource module describes itself with a `Resource` (kind, path, schemas, filters and
its own consistency checks); `crud_router` turns that into a router. Role and scope rules
come from `service.auth`, so every resource applies the same ones.

One record comes back with its version (`ETag`, and `version` in the body); PUT and DELETE
accept it as `If-Match` and answer 409, changing nothing, when it moved on. Without
`If-Match` a PUT still merges the given fields into the current record: it reads the record
and its version, and writes only if that version is still stored, else it reads again.
"""

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, Field, create_model

from matcher.errors import NotFoundError, VersionConflict
from matcher.store import check_versions
from matcher.types import KIND_LABELS, MODELS, Record
from service.auth import (
    can_create,
    can_delete,
    can_read,
    can_update,
    denied,
    list_scope,
    out_of_scope,
    owns,
    staff_only,
)
from service.auth import is_staff as staff
from service.deps import CurrentKey, State, ensure
from service.errors import ApiError, conflict
from service.schemas.common import ERROR_RESPONSES, Page
from service.state import ServiceState
from service.versions import IfMatch, expected_version, tagged
from storage.keys import ApiKey

MAX_LIMIT = 200
MERGE_ATTEMPTS = 5  # a PUT without If-Match re-reads at most this often when overtaken
VERSION_DESCRIPTION = (
    "版本：新建为 1，每次修改加一（同响应头 ETag）；修改、删除时可在 If-Match 中给出，"
    "若已被他人修改则返回 409 且不做任何修改"
)
Check = Callable[[ServiceState, Record], None]


@dataclass(frozen=True)
class Paging:
    """Paging and text search of a list endpoint."""

    offset: int
    limit: int
    q: str | None


def paging(
    offset: Annotated[
        int, Query(ge=0, le=1_000_000_000, description="从第几条开始（从 0 起）")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数（最多 200）")] = 20,
    q: Annotated[
        str | None, Query(max_length=100, description="搜索：名称、标题或正文中包含的文字")
    ] = None,
) -> Paging:
    return Paging(offset, limit, q.strip() or None if q else None)


def no_filters() -> dict[str, str]:
    return {}


@dataclass(frozen=True)
class Resource:
    """One record resource of the API."""

    kind: str
    path: str
    tag: str
    id_prefix: str
    create: type[BaseModel]
    update: type[BaseModel]
    public: type[BaseModel]
    filters: Callable[..., dict[str, str]] = no_filters
    check: Check | None = None  # consistency with other records, before a write
    before_delete: Check | None = None
    staff_fields: frozenset[str] = frozenset()  # fields only staff may change (e.g. tiers)

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def record_id_path(label: str) -> Any:
    return Path(min_length=1, max_length=64, description=f"{label}编号")


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:12].upper()}"


def invalid_field(field: str, reason: str) -> ApiError:
    """A 422 naming one body field."""
    detail = {"location": "body", "field": field, "reason": reason}
    return ApiError(422, f"请求参数有误：{field}：{reason}", [detail])


def versioned(public: type[BaseModel]) -> type[BaseModel]:
    """`public` with the record's version: what reading, creating and updating one return."""
    detail = create_model(
        public.__name__.replace("Public", "Detail"),
        __base__=public,
        version=(int, Field(description=VERSION_DESCRIPTION, examples=[3])),
    )
    detail.__doc__ = public.__doc__
    return detail


def crud_router(resource: Resource) -> APIRouter:
    """List (paged, filtered, scoped), create, read, update (partial) and delete."""
    kind, label, public = resource.kind, resource.label, resource.public
    detail = versioned(public)
    model = MODELS[kind]
    router = APIRouter(prefix=resource.path, tags=[resource.tag], responses=ERROR_RESPONSES)
    RecordId = Annotated[str, record_id_path(label)]

    def to_public(record: Record) -> BaseModel:
        return public.model_validate(record.model_dump())

    def to_detail(record: Record, version: int, response: Response) -> BaseModel:
        tagged(response, version)
        return detail.model_validate({**record.model_dump(), "version": version})

    def get(state: ServiceState, record_id: str) -> Record:
        return state.store.get(kind, record_id)

    @router.get("", response_model=Page[public], summary=f"{label}列表")
    def list_records(
        state: State,
        key: CurrentKey,
        page: Annotated[Paging, Depends(paging)],
        filters: Annotated[dict[str, str], Depends(resource.filters)],
    ) -> Page:
        """分页列出记录，可按条件筛选和搜索；企业、银行、高校账号只看到自己的记录。"""
        scope = list_scope(key, kind)
        ensure(scope is not None, denied(key, "查看", kind))
        assert scope is not None
        if "id" in scope:  # an enterprise key listing enterprises: its own only
            items = [get(state, scope["id"])] if page.offset == 0 else []
            return Page(items=[to_public(r) for r in items], total=1, offset=page.offset,
                        limit=page.limit)  # fmt: skip
        records, total = state.store.page(
            kind, offset=page.offset, limit=page.limit, filters={**filters, **scope}, query=page.q
        )
        return Page(
            items=[to_public(r) for r in records], total=total, offset=page.offset,
            limit=page.limit,
        )  # fmt: skip

    @router.post("", response_model=detail, status_code=201, summary=f"新建{label}")
    def create_record(
        body: resource.create,  # type: ignore[valid-type]
        state: State,
        key: CurrentKey,
        response: Response,
    ) -> BaseModel:
        """新建一条记录；编号不填时自动生成。写入后索引立即更新。"""
        data = body.model_dump()
        data["id"] = data["id"] or new_id(resource.id_prefix)
        record = model.model_validate(data)
        ensure(can_create(key, kind, record), denied(key, "新建", kind, record.id))
        try:
            get(state, record.id)
        except NotFoundError:
            pass
        else:
            raise conflict(f"{label}「{record.id}」已存在，请改用 PUT 更新")
        if resource.check:
            resource.check(state, record)
        state.write(kind, [record], key.id, "create", expected={record.id: 0})
        return to_detail(record, 1, response)

    @router.get("/{record_id}", response_model=detail, summary=f"查看{label}")
    def read_record(
        record_id: RecordId, state: State, key: CurrentKey, response: Response
    ) -> BaseModel:
        """按编号查看一条记录；响应头 ETag 为记录的版本，修改、删除时可在 If-Match 中给出。"""
        record, version = state.store.get_versioned(kind, record_id)
        ensure(can_read(key, kind, record), denied(key, "查看", kind, record_id))
        return to_detail(record, version, response)

    def merged(state: ServiceState, key: ApiKey, old: Record, changes: dict) -> Record:
        """`old` with `changes`, checked against the key's rights and the other records."""
        record_id = old.id
        new = model.model_validate({**old.model_dump(), **changes, "id": record_id})
        ensure(can_update(key, kind, old, new), out_of_scope(key, kind, record_id))
        locked = [f for f in sorted(resource.staff_fields) if getattr(old, f) != getattr(new, f)]
        ensure(staff(key) or not locked, staff_only(key, kind, locked))
        if resource.check:
            resource.check(state, new)
        return new

    @router.put("/{record_id}", response_model=detail, summary=f"修改{label}")
    def update_record(
        record_id: RecordId,
        body: resource.update,  # type: ignore[valid-type]
        state: State,
        key: CurrentKey,
        response: Response,
        if_match: IfMatch = None,
    ) -> BaseModel:
        """修改一条记录：只需提供要修改的字段。写入后索引立即更新。
        带 If-Match 时，记录已被他人修改则返回 409、不做修改；不带时合并到当前记录上。"""
        stated = expected_version(if_match)
        changes = body.model_dump(exclude_unset=True)
        for attempt in itertools.count(1):
            old, version = state.store.get_versioned(kind, record_id)
            # who may change it before whether it changed: a version is not shown to others
            ensure(staff(key) or owns(key, kind, old), denied(key, "修改", kind, record_id))
            if stated is not None:
                check_versions(kind, {record_id: stated}, {record_id: version})
            new = merged(state, key, old, changes)
            try:
                summary = state.write(kind, [new], key.id, "update", {record_id: version})
            except VersionConflict:
                if stated is not None or attempt == MERGE_ATTEMPTS:
                    raise
                continue  # overtaken by another worker: merge into its version
            break
        return to_detail(new, version + summary.updated, response)

    @router.delete("/{record_id}", status_code=204, summary=f"删除{label}")
    def delete_record(
        record_id: RecordId, state: State, key: CurrentKey, if_match: IfMatch = None
    ) -> Response:
        """删除一条记录。写入后索引立即更新。带 If-Match 时，记录已被他人修改则返回 409、不删除。"""
        stated = expected_version(if_match)
        record = get(state, record_id)
        ensure(can_delete(key, kind, record), denied(key, "删除", kind, record_id))
        if resource.before_delete:
            resource.before_delete(state, record)
        expected = None if stated is None else {record_id: stated}
        state.remove(kind, [record_id], key.id, expected)
        return Response(status_code=204)

    return router


def enterprise_exists(state: ServiceState, record: Record) -> None:
    """Needs and offers must cite an existing enterprise (422 otherwise)."""
    enterprise_id = record.enterprise_id  # type: ignore[attr-defined]
    try:
        state.store.get("enterprise", enterprise_id)
    except NotFoundError:
        raise invalid_field("enterprise_id", f"企业「{enterprise_id}」不存在") from None
