"""The 导入 page in a real browser: a CSV with a bad row imports nothing, a good XLSX imports."""

from __future__ import annotations

import csv

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from matcher.credit_code import make_credit_code
from tests.service.web.conftest import PHONE, screenshot

pytestmark = pytest.mark.slow

ENTERPRISE_HEADER = [
    "id", "name", "credit_code", "district", "chain", "tiers", "size", "employees", "revenue",
    "founded", "description",
]  # fmt: skip


def enterprise_row(record_id: str, name: str, credit_code: str) -> list[str]:
    return [record_id, name, credit_code, "崂山", "人工智能", "专精特新", "小型", "50", "1000",
            "2018-01-01", "工业软件与数据服务"]  # fmt: skip


def test_a_csv_with_one_bad_row_shows_the_row_and_imports_nothing(login, web, tmp_path):
    path = tmp_path / "enterprises.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ENTERPRISE_HEADER)
        writer.writerow(
            enterprise_row("E10", "青岛新导入科技有限公司", make_credit_code("91370200163560010"))
        )
        writer.writerow(enterprise_row("E11", "青岛坏数据有限公司", "91370200163560011X"))
    page = login("organiser")
    page.goto("/import")
    page.set_input_files("#file", str(path))
    page.get_by_role("button", name="上传并导入").click()
    result = page.locator("#import-result")
    expect(result.get_by_role("alert")).to_contain_text("导入失败，未写入任何数据")
    expect(result).not_to_contain_text(str(tmp_path))  # the user's file name, never a path
    headers = result.locator("table.problems th").all_inner_texts()
    assert headers == ["文件", "行", "字段", "原因"]
    cells = result.locator("table.problems tbody tr").first.locator("td").all_inner_texts()
    assert cells[:3] == ["enterprises.csv", "3", "credit_code"]
    assert "统一社会信用代码校验位错误" in cells[3]
    expect(result.locator("table.problems tbody tr")).to_have_count(1)
    screenshot(page, "import-row-errors")
    assert web.state.store.count("enterprise") == 4
    page.goto("/enterprises?q=新导入")
    expect(page.locator("#results")).to_contain_text("没有符合条件的企业")


def test_a_good_xlsx_shows_the_summary_and_its_records_are_listed(login, web, tmp_path):
    path = tmp_path / "供给.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "enterprise_id", "text"])
    sheet.append(["O10", "E1", "提供储能电池包定制与电池管理系统集成服务"])
    sheet.append(["O11", "E3", "提供工业视觉质检算法授权"])
    book.save(path)
    page = login("organiser", PHONE)
    page.goto("/import")
    page.set_input_files("#file", str(path))
    page.get_by_label("数据类型").select_option("offer")
    page.get_by_role("button", name="上传并导入").click()
    summary = page.locator("#import-result .import-summary")
    expect(summary.locator("h2")).to_have_text("导入成功：供给.xlsx")
    cells = summary.locator("tbody td")
    expect(cells).to_have_count(6)
    assert cells.all_inner_texts() == ["供给", "2", "2", "0", "0", "0"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "import-summary-phone")
    assert web.state.store.count("offer") == 5
    page.goto("/offers?q=视觉质检算法")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("青岛瑞视智能科技有限公司")
