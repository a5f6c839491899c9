"""Helpers writing real data files for ingest tests: valid rows, any format and encoding."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl

from matcher.credit_code import make_credit_code

ENTERPRISE_HEADER = [
    "企业ID", "企业名称", "统一社会信用代码", "所在区", "产业链", "企业梯度", "规模",
    "从业人数", "营业收入（万元）", "成立日期", "企业简介", "信贷白名单",
]  # fmt: skip
NEED_HEADER = ["需求编号", "企业ID", "需求类型", "需求描述", "金额", "期限（月）", "截止日期"]


def credit_code(i: int) -> str:
    return make_credit_code(f"9137020{i:010d}")


def enterprise_row(i: int, **changes: Any) -> list[Any]:
    row = {
        "企业ID": f"E{i:03d}",
        "企业名称": f"青岛测试科技有限公司{i}",
        "统一社会信用代码": credit_code(i),
        "所在区": "崂山区",
        "产业链": "人工智能",
        "企业梯度": "专精特新；雏鹰",
        "规模": "小型",
        "从业人数": "50",
        "营业收入（万元）": "1,200",
        "成立日期": "2018/3/5",
        "企业简介": "从事工业视觉检测设备研发",
        "信贷白名单": "是",
    }
    row.update(changes)
    return [row[name] for name in ENTERPRISE_HEADER]


def need_row(i: int, enterprise: int = 1, **changes: Any) -> list[Any]:
    row = {
        "需求编号": f"N{i:03d}",
        "企业ID": f"E{enterprise:03d}",
        "需求类型": "融资",
        "需求描述": "需要 500 万元流动资金贷款用于扩产",
        "金额": "500",
        "期限（月）": "12",
        "截止日期": "2025年6月30日",
    }
    row.update(changes)
    return [row[name] for name in NEED_HEADER]


def need_json(i: int, enterprise: int = 1, **changes: Any) -> dict[str, Any]:
    record = {
        "id": f"N{i:03d}",
        "enterprise_id": f"E{enterprise:03d}",
        "kind": "tech",
        "text": "产品外观划痕全靠人工目检，想用机器视觉替代",
    }
    record.update(changes)
    return record


def write_csv(
    path: Path, header: list[str], rows: list[list[Any]], encoding: str = "utf-8"
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding=encoding, newline="")
    return path


def write_jsonl(path: Path, records: list[dict[str, Any] | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path
