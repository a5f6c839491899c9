"""The funnel chart draws its Chinese labels in the project's own font: any missing glyph is a
failure, on a machine without a Chinese system font as well."""

from __future__ import annotations

import io
import warnings

import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from openpyxl import load_workbook

from matcher.fonts import CJK_FAMILY, font_path, use_cjk_font, web_font
from matcher.outcomes.funnel import Funnel
from matcher.outcomes.report import build_report, funnel_chart, write_report
from tests.outcomes.world import finance_outcomes, meeting_outcomes, plans
from tests.small_world import ENTERPRISES, PRODUCTS

COUNTS = Funnel(
    label="人工智能产业链对接会", participants=12, meetings_planned=30, meetings_held=24,
    intents=9, negotiating=5, signed=2, finance_recommended=6, finance_applied=4,
    finance_approved=3, first_loans=1,
)  # fmt: skip


def test_the_chart_renders_chinese_without_a_missing_glyph(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" is a UserWarning
        funnel_chart(COUNTS, tmp_path / "funnel.png")
    assert (tmp_path / "funnel.png").read_bytes().startswith(b"\x89PNG")


def test_the_chart_font_is_the_installed_package_not_a_system_font():
    family = use_cjk_font()
    found = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    assert found == str(font_path())
    assert family == CJK_FAMILY


def test_the_check_would_catch_a_font_without_chinese():
    """The same drawing in a Latin-only font warns, so the test above is meaningful."""
    figure = Figure()
    FigureCanvasAgg(figure)
    figure.subplots().set_title("会谈漏斗")
    with rc_context({"font.family": "DejaVu Sans"}), pytest.warns(UserWarning, match="missing"):
        figure.savefig(io.BytesIO(), format="png")


def test_the_web_font_is_the_simplified_chinese_face():
    data = web_font()
    assert data[:4] == b"OTTO"  # one OpenType (CFF) face, not the whole collection
    face = TTFont(io.BytesIO(data))
    assert face["name"].getDebugName(1) == CJK_FAMILY
    assert ord("签") in face.getBestCmap()


def test_every_funnel_export_is_drawn_without_a_missing_glyph(tmp_path):
    """PNG, the XLSX with the chart embedded, and the HTML page naming the web font."""
    report = build_report(
        meeting_outcomes(), finance_outcomes(), plans(),
        {e.id: e for e in ENTERPRISES}, {p.id: p for p in PRODUCTS},
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _chart, book, page = write_report(report, tmp_path)
    assert len(load_workbook(book)["漏斗"]._images) == 1
    assert '@font-face{font-family:"Matcher CJK"' in page.read_text("utf-8")
