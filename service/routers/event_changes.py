"""临时调整: removing participants (with restore), editing event settings, the restore list."""

from __future__ import annotations

from fastapi import APIRouter

from service.schemas.common import ERROR_RESPONSES

router = APIRouter(prefix="/events", tags=["对接活动"], responses=ERROR_RESPONSES)
