"""Which records a key may open in the web UI, by the API's own rules (`service.auth`).

Need and enterprise pages follow `can_read` (an enterprise key: only its own); pages that
show lead lists (tech result, product, offer) are for staff and the record's owner only.
"""

from __future__ import annotations

from matcher.types import Record
from service.auth import can_read, denied, is_staff, owns
from service.web.session import forbidden
from storage.keys import ApiKey

LEAD_KINDS: tuple[str, ...] = ("tech_result", "finance_product", "offer")


def can_open(user: ApiKey, kind: str, record: Record) -> bool:
    if kind in LEAD_KINDS:
        return is_staff(user) or owns(user, kind, record)
    return can_read(user, kind, record)


def ensure_can_open(user: ApiKey, kind: str, record: Record) -> None:
    """Raise the 403 page unless `user` may open `record`."""
    if not can_open(user, kind, record):
        raise forbidden(denied(user, "查看", kind, record.id) + "。您只能查看本单位自己的数据。")
