"""The whole API fuzzed with schemathesis: every operation of the OpenAPI document, as admin,
against a running service on the small world (SQLite and PostgreSQL), through every phase (examples,
coverage, fuzzing, stateful links) and every check.

The checks: no server error; the status code, content type, headers and body each as the
document states for the operation; undeclared methods answered 405 with `Allow`; bad and
missing keys refused; data the schema forbids rejected; and schema-valid data accepted,
except where a rule beyond what a JSON Schema can state applies (`BEYOND_THE_SCHEMA`).
The seed is fixed and printed; `API_FUZZ_EXAMPLES` and `API_FUZZ_SEED` change the run
(see docs/api-contract.md).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.engine.statistic import Statistic
from schemathesis.python.asgi import shutdown_lifespans

from tests.service.conftest import Service, running_service
from tests.storage.backends import BACKENDS

SEED = int(os.environ.get("API_FUZZ_SEED", "20261111"))
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "5"))

# Operations where a schema-valid request may rightly be refused (422, or 404 for a record it
# names), for a rule across fields, across records or inside an uploaded file; every other
# check still runs on them.
BEYOND_THE_SCHEMA: dict[str, str] = {
    "POST /api/enterprises": "统一社会信用代码的校验位",
    "PUT /api/enterprises/{record_id}": "统一社会信用代码的校验位",
    "POST /api/needs": "所属企业须已存在",
    "PUT /api/needs/{record_id}": "所属企业须已存在",
    "POST /api/offers": "所属企业须已存在",
    "PUT /api/offers/{record_id}": "所属企业须已存在",
    "POST /api/products": "最低额度、最短期限不大于最高额度、最长期限",
    "PUT /api/products/{record_id}": "最低额度、最短期限不大于最高额度、最长期限",
    "POST /api/policies": "失效日期不早于生效日期",
    "PUT /api/policies/{record_id}": "失效日期不早于生效日期",
    "POST /api/keys": "企业账号的范围须为已存在的企业",
    "POST /api/recommendations": "以哪家企业的身份推荐：该企业须已存在",
    "POST /api/events": "最后一场须在当天结束",
    "POST /api/events/{event_id}/participants": "参会的企业、高校、银行须已存在",
    "POST /api/events/{event_id}/meetings/{action}": "a、b 须为活动的参会方",
    "PUT /api/events/{event_id}/meetings/outcome": "会谈须在配对清单中；未到场不能签约等结果规则",
    "POST /api/finance-outcomes": "企业与产品须已存在；金额只在获批时填写等结果规则",
    "GET /api/reports/funnel": "结束日期不早于开始日期",
    "GET /api/reports/funnel.{fmt}": "结束日期不早于开始日期",
    "POST /api/import": "文件内容逐行校验",
    "POST /api/events/{event_id}/participants/upload": "文件内容逐行校验",
    "POST /api/events/{event_id}/followup": "文件内容逐行校验",
    "POST /api/events/{event_id}/phase": "阶段顺序：预排、发布、当天须已有日程，报名后须至少两个参会方",
    "PUT /api/events/{event_id}/choices/{participant_id}/picks": "只在意向征集阶段、由参会方本人标记活动中的参会方",
    "POST /api/events/{event_id}/choices/{participant_id}/requests": "只在邀请模式的意向征集阶段，由本人向活动中的参会方发出",
    "POST /api/events/{event_id}/choices/{participant_id}/requests/answer": "须有对方发来的待答复邀请",
    "POST /api/events/{event_id}/removals": "a、b 须为活动的参会方或已有的会谈",
    "POST /api/events/{event_id}/restore/{index}": "序号须在恢复列表中",
    "PUT /api/events/{event_id}/settings": "时段与桌数须容纳已排的会谈，最后一场须在当天结束",
    "POST /api/events/{event_id}/checkin": "签到码或参会方编号二者须有其一，且属于该活动",
    "POST /api/events/{event_id}/day/mark": "会谈须在活动的日程中",
    "POST /api/events/{event_id}/day/absent": "参会方须在活动中，时段须在活动的时段内",
    "POST /api/events/{event_id}/day/repair": "确认的补排须与所见方案的版本一致（If-Match）",
    "GET /api/events/{event_id}/day/repair": "now 须为存在的日期（如没有 2 月 31 日）",
    "GET /api/events/{event_id}/board": "now 须为存在的日期（如没有 2 月 31 日）",
}


def fuzz_config(service: Service) -> SchemathesisConfig:
    """Every check, the admin's key, the fixed seed."""
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": MAX_EXAMPLES},
            "auth": {"openapi": {"APIKeyHeader": {"api_key": service.keys["admin"]}}},
            "operations": [
                {"include-name": name, "checks": {"positive_data_acceptance": {"enabled": False}}}
                for name in BEYOND_THE_SCHEMA
            ],
        }
    )


def run_fuzzer(service: Service) -> tuple[Statistic, list[str]]:
    """Fuzz the running service: the statistic of the run and its engine errors."""
    schema = schemathesis.openapi.from_asgi(
        "/openapi.json", service.app, config=fuzz_config(service)
    )
    statistic, errors = Statistic(), []
    try:
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
                statistic.on_scenario_finished(event.recorder)
            elif isinstance(event, events.NonFatalError):
                errors.append(f"{event.label}: {event.info.format()}")
            elif isinstance(event, events.FatalError):
                errors.append(repr(event.exception))
    finally:
        shutdown_lifespans()  # the app's lifespan schemathesis started
    return statistic, errors


def failures(statistic: Statistic) -> list[str]:
    """Each distinct failure: operation, what failed, how to reproduce it."""
    found = []
    for label, groups in sorted(statistic.failures.items()):
        for group in groups.values():
            problems = "\n".join(f"  - {f.title}: {f.message[:300]}" for f in group.failures)
            found.append(f"{label}\n{problems}\n  {group.code_sample}")
    return found


@pytest.mark.slow  # about 90 s of CPU per backend with the default 5 examples
@pytest.mark.parametrize("backend", BACKENDS)
def test_every_operation_conforms_to_the_openapi_document(backend: str, tmp_path) -> None:
    # One client sends thousands of bad keys on purpose: their throttling is tested elsewhere.
    with running_service(backend, tmp_path, auth_failure_limit=0) as service:
        operations = sum(len(methods) for methods in service.app.openapi()["paths"].values())
        print(f"\nschemathesis on {backend}: seed {SEED}, {MAX_EXAMPLES} examples per operation")
        statistic, errors = run_fuzzer(service)
    found = failures(statistic)
    print(f"operations: {len(statistic.tested_operations)} of {operations} tested, "
          f"cases: {statistic.total_cases}, failures: {len(found)}, errors: {len(errors)}")  # fmt: skip
    assert not errors, "\n\n".join(errors)
    assert not found, "\n\n".join(found)
    assert len(statistic.tested_operations) == operations
    assert set(BEYOND_THE_SCHEMA) <= statistic.tested_operations
