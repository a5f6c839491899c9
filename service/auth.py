"""Roles and scopes: who may read, list, create, update and delete which records.

- admin: everything, including API keys and the audit log;
- organiser: every record, imports, indexes and recommendations; no key management;
- enterprise (scope = enterprise id): its own enterprise (read / update, except what the
  bureau certifies: credit code, tiers, credit whitelist), its own needs and
  offers (full CRUD), recommendations for its own needs, its own policies; it may read the
  published catalogues (tech results, finance products, policies);
- bank (scope = bank name): its own products (read / update) and their leads;
- university (scope = university name): its own tech results (read / update) and their leads.

Banks and universities read policies too; they see enterprises only through lead lists.
"""

from __future__ import annotations

from typing import Protocol

from matcher.types import KIND_LABELS, Record

ROLES: tuple[str, ...] = ("admin", "organiser", "enterprise", "bank", "university")
STAFF: tuple[str, ...] = ("admin", "organiser")
ROLE_LABELS: dict[str, str] = {
    "admin": "管理员",
    "organiser": "组织方",
    "enterprise": "企业",
    "bank": "银行",
    "university": "高校",
}
SCOPED_ROLES: tuple[str, ...] = ("enterprise", "bank", "university")

# Which role owns a record of each kind, and the record field holding its scope.
OWNER: dict[str, tuple[str, str]] = {
    "enterprise": ("enterprise", "id"),
    "need": ("enterprise", "enterprise_id"),
    "offer": ("enterprise", "enterprise_id"),
    "tech_result": ("university", "university"),
    "finance_product": ("bank", "bank"),
}
# Kinds a role may read (and list) beyond what it owns.
CATALOGUES: dict[str, frozenset[str]] = {
    "enterprise": frozenset({"tech_result", "finance_product", "policy"}),
    "bank": frozenset({"policy"}),
    "university": frozenset({"policy"}),
}
# Kinds whose owner may create and delete records (others: staff only).
OWNER_CREATES: frozenset[str] = frozenset({"need", "offer"})


class Principal(Protocol):
    """What the rules need of an API key."""

    role: str
    scope_id: str | None


def is_staff(key: Principal) -> bool:
    return key.role in STAFF


def owns(key: Principal, kind: str, record: Record) -> bool:
    """Whether `record` lies inside the key's scope."""
    owner = OWNER.get(kind)
    if owner is None or owner[0] != key.role or not key.scope_id:
        return False
    return getattr(record, owner[1]) == key.scope_id


def can_read(key: Principal, kind: str, record: Record) -> bool:
    return is_staff(key) or owns(key, kind, record) or kind in CATALOGUES.get(key.role, ())


def list_scope(key: Principal, kind: str) -> dict[str, str] | None:
    """Filters that restrict a listing of `kind` to what the key may see; None: not allowed."""
    if is_staff(key) or kind in CATALOGUES.get(key.role, ()):
        return {}
    owner = OWNER.get(kind)
    if owner is None or owner[0] != key.role or not key.scope_id:
        return None
    return {owner[1]: key.scope_id}


def can_create(key: Principal, kind: str, record: Record) -> bool:
    return is_staff(key) or (kind in OWNER_CREATES and owns(key, kind, record))


def can_update(key: Principal, kind: str, old: Record, new: Record) -> bool:
    """Staff, or the owner keeping the record inside its own scope."""
    return is_staff(key) or (owns(key, kind, old) and owns(key, kind, new))


def can_delete(key: Principal, kind: str, record: Record) -> bool:
    return can_create(key, kind, record)


def denied(key: Principal, verb: str, kind: str, record_id: str | None = None) -> str:
    """The Chinese message of a 403."""
    scope = f"（{key.scope_id}）" if key.scope_id else ""
    target = f"{KIND_LABELS[kind]}「{record_id}」" if record_id else KIND_LABELS[kind]
    return f"{ROLE_LABELS[key.role]}账号{scope}无权{verb}{target}"


def out_of_scope(key: Principal, kind: str, record_id: str) -> str:
    """The Chinese message of a 403 for an update that would leave the key's scope."""
    field = OWNER[kind][1] if kind in OWNER else ""
    target = f"{KIND_LABELS[kind]}「{record_id}」"
    return f"{ROLE_LABELS[key.role]}账号不能把{target}的 {field} 改到权限范围之外"


def staff_only(key: Principal, kind: str, fields: list[str]) -> str:
    """The Chinese message of a 403 for changing fields that only staff may change."""
    names = "、".join(fields)
    return f"{ROLE_LABELS[key.role]}账号不能修改{KIND_LABELS[kind]}的 {names}（由主管部门认定）"
