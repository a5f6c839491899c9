"""活动当天: check-in by QR code, no-show marking, re-pairing of freed slots, the venue board."""

from __future__ import annotations

from fastapi import APIRouter

from service.web.routing import WebRoute

router = APIRouter(route_class=WebRoute)
