"""The templates to fill in: participant file and follow-up sheet, with their formats on a
second sheet and in docs/formats.md."""

from __future__ import annotations

from datetime import date, time

from openpyxl import load_workbook

from matcher.events.model import Event, EventPlan, Meeting, Participant, make_slots
from matcher.events.participants import COLUMN_ALIASES
from matcher.ingest.readers import open_table
from matcher.outcomes.followup_xlsx import FOLLOWUP_HEADER, write_followup_template
from matcher.templates import FOLLOWUP_FORMATS, participant_columns, write_participant_template
from tests.conftest import REPO_ROOT

FORMATS_DOC = (REPO_ROOT / "docs" / "formats.md").read_text("utf-8")


def test_participant_template_has_the_importers_columns_and_an_example(tmp_path):
    path = tmp_path / "参会方模板.xlsx"
    write_participant_template(path)
    book = load_workbook(path)
    assert book.sheetnames == ["参会方", "填写说明"]
    rows = list(book["参会方"].iter_rows(values_only=True))
    assert len(rows) == 2
    header, example = rows
    assert header[:3] == ("类型", "编号或名称", "名称")
    assert all(h in COLUMN_ALIASES for h in header)  # the importer reads every column
    assert dict(zip(header, example, strict=True))["可参加时段"] == "1、2、3"
    assert book["参会方"].freeze_panes == "A2"
    # the importer's reader sees the same header, so a filled-in copy imports as is
    with open_table(path) as table:
        assert table.columns == list(header)
        assert [row.values["类型"] for row in table.rows] == ["企业"]


def test_the_format_sheet_lists_every_column_with_its_values(tmp_path):
    path = tmp_path / "t.xlsx"
    write_participant_template(path)
    notes = list(load_workbook(path)["填写说明"].iter_rows(values_only=True))
    assert notes[0] == ("列名", "是否必填", "可填写的值", "示例")
    by_column = {row[0]: row for row in notes[1:]}
    assert by_column["类型"][1] == "必填" and by_column["角色"][1] == "选填"
    assert "「5-8」" in by_column["可参加时段"][2] and "从 1 开始" in by_column["可参加时段"][2]
    assert set(header for header, _ in participant_columns()) <= set(by_column)


def test_every_participant_field_the_importer_reads_is_documented():
    fields = set(COLUMN_ALIASES.values())
    documented = {column.field for _, column in participant_columns()}
    assert fields == documented
    for header, _ in participant_columns():
        assert f"| {header} " in FORMATS_DOC, header
    assert "「5-8」" in FORMATS_DOC


def test_followup_sheet_has_filters_and_its_format_sheet(tmp_path):
    event = Event(
        id="EV1", name="对接会", date=date(2026, 12, 3), slots=make_slots(time(9), 20, 1), tables=1
    )
    people = [
        Participant(id=i, kind="enterprise", ref=i, name=i, role=r)
        for i, r in (("E1", "demand"), ("E2", "supply"))
    ]
    plan = EventPlan(
        event=event,
        participants=people,
        meetings=[Meeting(a="E1", b="E2", score=0.5, slot=0, table=1)],
    )
    path = tmp_path / "跟踪表.xlsx"
    write_followup_template(plan, {}, path)
    book = load_workbook(path)
    assert book.sheetnames == ["跟踪表", "填写说明"]
    assert book["跟踪表"].auto_filter.ref == "A1:M2"
    notes = {row[0]: row[1] for row in book["填写说明"].iter_rows(min_row=2, values_only=True)}
    assert "已举行" in notes["到场情况"] and "2026年12月10日" in notes["下次跟进日期"]
    documented = {name for name, _ in FOLLOWUP_FORMATS}
    for column in FOLLOWUP_HEADER[5:]:
        assert column in documented, column
        assert f"| {column} |" in FORMATS_DOC, column
