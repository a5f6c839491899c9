"""The follow-up sheet: export → fill in with openpyxl → import; a bad row applies nothing."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from matcher.errors import IngestError
from matcher.events.store import load_plan
from matcher.outcomes.followup_xlsx import FOLLOWUP_HEADER, import_followup, write_followup_template
from matcher.outcomes.store import history, load_meeting_outcomes, record_meeting_outcome
from tests.outcomes.world import UPC, UQD

AT = datetime(2025, 3, 12, 9, 0)


def template(ws, path):
    write_followup_template(load_plan(ws, "EV1"), load_meeting_outcomes(ws), path)
    return path


def fill(path, rows: dict[int, dict[str, object]]):
    """Write cells by sheet row number and Chinese header."""
    book = load_workbook(path)
    sheet = book.active
    columns = {cell.value: cell.column for cell in sheet[1]}
    for number, cells in rows.items():
        for header, value in cells.items():
            sheet.cell(row=number, column=columns[header], value=value)
    book.save(path)


def test_template_has_one_row_per_meeting_with_current_values(ws, tmp_path):
    record_meeting_outcome(ws, f"EV1|E1|{UPC}", {"attendance": "held", "stage": "intent",
                                                 "next_follow_up": "2025-04-01"}, "张三", AT)  # fmt: skip
    rows = list(load_workbook(template(ws, tmp_path / "t.xlsx")).active.iter_rows(values_only=True))
    assert list(rows[0]) == FOLLOWUP_HEADER
    assert [r[-2:] for r in rows[1:]] == [(f"EV1|E1|{UPC}", 1), (f"EV1|E4|{UQD}", 0),
                                          ("EV1|E3|E4", 0)]  # fmt: skip
    first = dict(zip(FOLLOWUP_HEADER, rows[1], strict=True))
    assert (
        first["活动"] == "智能装备产业链对接会" and first["需求方"] == "青岛海鑫新能源科技有限公司"
    )
    assert (first["时段"], first["桌号"], first["到场情况"], first["进展阶段"]) == (
        "09:00–09:20", 1, "已举行", "意向",
    )  # fmt: skip
    assert first["下次跟进日期"] == datetime(2025, 4, 1)


def test_round_trip_updates_outcomes_and_history(ws, tmp_path):
    path = template(ws, tmp_path / "跟踪表.xlsx")
    fill(path, {
        2: {"到场情况": "已举行", "进展阶段": "签约", "签约金额（万元）": 120, "备注": "已签技术许可合同"},
        3: {"到场情况": "已举行", "进展阶段": "洽谈推进", "下次跟进日期": datetime(2025, 4, 15)},
        4: {"到场情况": "未到场", "下次跟进日期": "2025/03/20"},
    })  # fmt: skip
    results = import_followup(ws, path, "赵六", AT)
    assert sum(len(r.changes) for r in results) == 9
    outcomes = load_meeting_outcomes(ws)
    signed = outcomes[f"EV1|E1|{UPC}"]
    assert (signed.stage, signed.signed_amount, signed.notes) == ("signed", 120, "已签技术许可合同")
    assert outcomes[f"EV1|E4|{UQD}"].next_follow_up == date(2025, 4, 15)
    assert outcomes["EV1|E3|E4"].attendance == "no_show"
    assert {c.who for c in history(ws)} == {"赵六"}
    # The same sheet again changes nothing.
    assert all(not r.changes for r in import_followup(ws, path, "赵六", AT))
    assert len(history(ws)) == 9


@pytest.mark.parametrize(
    ("cells", "field", "reason"),
    [
        ({"进展阶段": "快签了"}, "进展阶段", "不是有效的进展阶段"),
        ({"到场情况": "迟到"}, "到场情况", "不是有效的到场情况"),
        ({"签约金额（万元）": -3}, "签约金额（万元）", "不能为负数"),
        ({"下次跟进日期": "明天"}, "下次跟进日期", "不是有效的日期"),
        ({"结果编号": "EV1|E1|E2", "进展阶段": "意向"}, "结果编号", "没有 E1 与 E2 的会谈"),
    ],
)
def test_a_bad_row_applies_nothing_and_is_named(ws, tmp_path, cells, field, reason):
    path = template(ws, tmp_path / "t.xlsx")
    fill(path, {2: {"到场情况": "已举行", "进展阶段": "意向"}, 4: cells})
    with pytest.raises(IngestError) as caught:
        import_followup(ws, path, "赵六", AT)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.field) == (str(path), 4, field)
    assert reason in problem.reason
    assert load_meeting_outcomes(ws) == {} and history(ws) == []


def test_every_bad_row_is_listed_including_duplicates(ws, tmp_path):
    path = template(ws, tmp_path / "t.xlsx")
    fill(path, {2: {"签约金额（万元）": "很多"}, 3: {"结果编号": f"EV1|E1|{UPC}", "备注": "重复"},
                4: {"进展阶段": "签约"}})  # fmt: skip
    with pytest.raises(IngestError) as caught:
        import_followup(ws, path, "赵六", AT)
    assert [(p.row, p.field) for p in caught.value.problems] == [
        (2, "签约金额（万元）"),
        (3, "结果编号"),
    ]
    assert "第2行" in str(caught.value) and load_meeting_outcomes(ws) == {}


def test_a_sheet_without_the_id_column_is_refused(ws, tmp_path):
    path = template(ws, tmp_path / "t.xlsx")
    book = load_workbook(path)
    book.active.delete_cols(FOLLOWUP_HEADER.index("结果编号") + 1)
    book.save(path)
    with pytest.raises(IngestError, match="缺少「结果编号」列"):
        import_followup(ws, path, "赵六", AT)
