"""临时调整: removing participants (with restore), editing event settings, the restore list."""

from __future__ import annotations

from fastapi import APIRouter

from service.web.routing import WebRoute

router = APIRouter(route_class=WebRoute)
