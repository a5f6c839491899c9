"""活动当天: check-in by QR code, no-show marking, re-pairing of freed slots, the venue board."""

from __future__ import annotations

from fastapi import APIRouter

from service.schemas.common import ERROR_RESPONSES

router = APIRouter(prefix="/events", tags=["对接活动"], responses=ERROR_RESPONSES)
