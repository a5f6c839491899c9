"""Placeholder page router for issue 13 work in progress (filled in by its owner)."""

from __future__ import annotations

from fastapi import APIRouter

from service.web.routing import WebRoute

router = APIRouter(route_class=WebRoute)
