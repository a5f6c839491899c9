"""Placeholder router for issue 13 work in progress (filled in by its owner)."""

from __future__ import annotations

from fastapi import APIRouter

from service.schemas.common import ERROR_RESPONSES

router = APIRouter(prefix="/policies", tags=["政策"], responses=ERROR_RESPONSES)
