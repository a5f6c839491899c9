"""通知与会后问卷: the outbox (email by SMTP, webhook), reminders, post-meeting surveys."""

from __future__ import annotations

from fastapi import APIRouter

from service.schemas.common import ERROR_RESPONSES

router = APIRouter(prefix="/events", tags=["对接活动"], responses=ERROR_RESPONSES)
