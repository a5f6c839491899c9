"""Printable Chinese HTML pages: A4 page rules, the project's CJK web font, page breaks.

Every printed export (agendas, table plan, table and name cards, the funnel report) is one
self-contained page built here, so they share one look and one font.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from typing import Literal

from matcher.fonts import WEB_FONT_FAMILY, font_face_css

Orientation = Literal["portrait", "landscape"]

_BASE = """
*{box-sizing:border-box}
body{font-family:"%(family)s","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",
"PingFang SC",sans-serif;margin:0;color:#222;font-size:11pt;line-height:1.45}
h1{font-size:16pt;margin:0 0 .2em}h2{font-size:13pt;margin:.8em 0 .4em}
table{border-collapse:collapse;width:100%%}
td,th{border:1px solid #888;padding:.3em .45em;text-align:left;vertical-align:top;
overflow-wrap:anywhere;word-break:normal}
th{background:#eef}.muted{color:#555;font-size:9.5pt}
.page{break-after:page;page-break-after:always}
.page:last-child{break-after:auto;page-break-after:auto}
.nowrap{white-space:nowrap}
@page{size:A4 %(orientation)s;margin:%(margin)s}
@media screen{body{background:#ddd}.page{background:#fff;margin:1em auto;padding:%(margin)s;
width:%(width)s;min-height:%(height)s;box-shadow:0 1px 4px #999}}
"""
_SIZES = {"portrait": ("210mm", "297mm"), "landscape": ("297mm", "210mm")}
MARGIN = "12mm"


def page_css(orientation: Orientation = "portrait", margin: str = MARGIN) -> str:
    """The base stylesheet of a printed page (font, A4 `@page`, one `.page` per sheet)."""
    width, height = _SIZES[orientation]
    values = {
        "family": WEB_FONT_FAMILY,
        "orientation": orientation,
        "margin": margin,
        "width": width,
        "height": height,
    }
    return font_face_css() + _BASE % values


def printable(title: str, body: str, orientation: Orientation = "portrait", css: str = "") -> str:
    """A whole HTML document; `title` is escaped, `body` and `css` must already be safe."""
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        f"<style>{page_css(orientation)}{css}</style></head><body>{body}</body></html>"
    )


_STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.S)


def content_security_policy(document: str) -> str:
    """A strict CSP for a printed page: no script at all, its own `<style>` blocks only (by
    hash), images from data: URLs, fonts from the serving site."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"
        for css in _STYLE_BLOCK.findall(document)
    )
    styles = hashes or "'none'"
    return (
        f"default-src 'none'; style-src {styles}; img-src data:; font-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
