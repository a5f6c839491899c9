"""通知与会后问卷: the outbox (email by SMTP, webhook), reminders, post-meeting surveys."""

from __future__ import annotations

from fastapi import APIRouter

from service.web.routing import WebRoute

router = APIRouter(route_class=WebRoute)
