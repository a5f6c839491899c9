"""The web UI's router (`router`), included by `service.main.create_app`.

Order matters: the fixed paths come before the record pages with path parameters.
"""

from __future__ import annotations

from fastapi import APIRouter

from service.web.pages import (
    event_changes,
    event_choice,
    event_day,
    event_notify,
    events,
    imports,
    jobs,
    lists,
    login,
    mine,
    outcomes,
    policies,
    policy_rounds,
    policy_rules,
    records,
    static,
)

router = APIRouter(include_in_schema=False)
for _module in (
    static, login, imports, jobs, event_choice, event_day, event_notify, event_changes, events,
    outcomes, policy_rules, policy_rounds, policies, mine, records, lists,
):  # fmt: skip
    router.include_router(_module.router)
