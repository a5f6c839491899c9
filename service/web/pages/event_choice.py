"""参会方意向: event phases, each participant's recommended counterparts with 必见 / 想见 /
不见 picks or meeting requests, and the provisional and final agendas."""

from __future__ import annotations

from fastapi import APIRouter

from service.web.routing import WebRoute

router = APIRouter(route_class=WebRoute)
