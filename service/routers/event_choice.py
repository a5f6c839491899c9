"""参会方意向: event phases, each participant's recommended counterparts with 必见 / 想见 /
不见 picks or meeting requests, and the provisional and final agendas."""

from __future__ import annotations

from fastapi import APIRouter

from service.schemas.common import ERROR_RESPONSES

router = APIRouter(prefix="/events", tags=["对接活动"], responses=ERROR_RESPONSES)
