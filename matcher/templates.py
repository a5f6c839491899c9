"""Blank files to fill in, with their accepted formats: the participant file of an event and
the explanation sheet of the follow-up sheet (跟踪表). docs/formats.md says the same in prose.

The participant template has one sheet 参会方 (Chinese headers, one example row) and a sheet
填写说明 (every column: required or not, accepted values, example). Its columns are those the
importer reads (`matcher.events.participants.COLUMN_ALIASES`), so it never offers a column
that an import would ignore.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from matcher.atomic import atomic_path
from matcher.cells import append_row
from matcher.events.participants import COLUMN_ALIASES
from matcher.outcomes.fields import label
from matcher.outcomes.model import ATTENDANCE_LABELS, STAGE_LABELS


@dataclass(frozen=True)
class Column:
    """One column of a file to fill in: what it holds and which values it accepts."""

    field: str
    required: bool
    accepted: str
    example: str


PARTICIPANT_COLUMNS: tuple[Column, ...] = (
    Column("kind", True, "企业、高校（或 高校院所）、银行（或 金融机构）", "企业"),
    Column(
        "ref",
        True,
        "企业填企业编号（如 E1）；高校填学校名称，银行填银行名称，须与库中的科技成果、金融产品一致",
        "E1",
    ),
    Column("name", False, "仅供填表人核对，导入时以库中名称为准", "青岛海鑫新能源科技有限公司"),
    Column(
        "role",
        False,
        "需求方、供给方、供需双方（或 双方）；空为按库中记录：企业有需求和供给为供需双方，"
        "高校和银行为供给方",
        "需求方",
    ),
    Column("max_meetings", False, "0–50 的整数，空为 6", "6"),
    Column(
        "availability",
        False,
        "可参加的时段序号，从 1 开始（与打印日程相同）：用 、 ， ； 分隔，如「1、2、3」，"
        "或写区间「5-8」（第 5 至第 8 时段），也可混写「1、3-5」；空为全部时段",
        "1、2、3",
    ),
    Column(
        "must_meet",
        False,
        "必须安排会谈的参会方：参会方编号（企业编号、U:高校名称、B:银行名称）或名称，用 、 分隔",
        "U:青岛大学",
    ),
    Column("never_meet", False, "不安排会谈的参会方，写法同「必见」", ""),
    Column("priority", False, "大于 0、不超过 10 的数，空为 1；分数乘以该系数", "1"),
    Column("organisation", False, "所属单位：同一单位的多位代表填同一名称", ""),
    Column("host", False, "是 或 否；坐台方填「是」：全天固定在一张桌，来访方轮换", ""),
    Column("table", False, "坐台方的固定桌号，从 1 开始的整数", ""),
    Column("contact_name", False, "联系人，最多 100 字", "王经理"),
    Column("phone", False, "联系电话，最多 40 字", "0532-88886666"),
    Column("email", False, "电子邮箱，最多 254 字", "wang@example.cn"),
)
"""Every column a participant file may have (those the importer reads are used)."""

FOLLOWUP_FORMATS: tuple[tuple[str, str], ...] = (
    ("活动、需求方、供给方、时段、桌号", "导出时填好，仅供核对，请勿修改"),
    (label("attendance"), "、".join(ATTENDANCE_LABELS.values()) + "；空为不变"),
    (label("stage"), "、".join(STAGE_LABELS.values()) + "；空为不变；退回前一阶段须填「更正」"),
    (label("signed_amount"), "数字（万元），如 120 或 120万；不能为负"),
    (label("notes"), "文字，最多 2000 字"),
    (label("next_follow_up"), "日期：2026-12-10、2026/12/10 或 2026年12月10日"),
    (label("correction"), "是 / 否；改回前一阶段（如 签约 → 意向）时填「是」"),
    (label("id"), "导出时填好，请勿修改：据此找到会谈"),
    (label("version"), "导出时填好，请勿修改：他人在此后改过的行会被拒绝，以免覆盖新结果"),
)
"""The follow-up sheet's columns and what each accepts."""

_HEADER_FILL = PatternFill("solid", fgColor="DDE4F0")


def participant_headers() -> dict[str, str]:
    """Field → the Chinese header the importer reads (the first alias of each field)."""
    headers: dict[str, str] = {}
    for header, field in COLUMN_ALIASES.items():
        headers.setdefault(field, header)
    return headers


def followup_format_sheet(book: Workbook) -> None:
    """The follow-up sheet's 填写说明."""
    rows = [list(row) for row in FOLLOWUP_FORMATS]
    add_format_sheet(book, ["列名", "可填写的值"], rows, [30, 80])


def participant_columns() -> list[tuple[str, Column]]:
    """(header, column) for every documented column the importer reads, in template order."""
    headers = participant_headers()
    return [(headers[c.field], c) for c in PARTICIPANT_COLUMNS if c.field in headers]


def add_format_sheet(
    book: Workbook, header: list[str], rows: list[list[str]], widths: list[int]
) -> None:
    """A sheet 填写说明: one row per column of the first sheet, wrapped text."""
    sheet = book.create_sheet("填写说明")
    append_row(sheet, header)
    for row in rows:
        append_row(sheet, row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def write_participant_template(path: Path) -> None:
    """The participant file to fill in: sheet 参会方 (headers, one example row), 填写说明."""
    columns = participant_columns()
    book = Workbook()
    sheet = book.active
    sheet.title = "参会方"
    append_row(sheet, [header for header, _ in columns])
    append_row(sheet, [column.example for _, column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for index, (header, column) in enumerate(columns):
        width = max(len(header), len(column.example)) * 2 + 4
        sheet.column_dimensions[chr(ord("A") + index)].width = min(max(width, 10), 36)
    sheet.freeze_panes = "A2"
    rows = [
        [header, "必填" if column.required else "选填", column.accepted, column.example]
        for header, column in columns
    ]
    rows.append(["（示例行）", "", "「参会方」表第 2 行是示例，导入前请改写或删除", ""])
    add_format_sheet(book, ["列名", "是否必填", "可填写的值", "示例"], rows, [18, 8, 70, 24])
    with atomic_path(Path(path)) as tmp:
        book.save(tmp)
