"""The Chinese font that charts and printed pages use, installed with the project.

Noto Sans CJK (SIL Open Font License 1.1) comes in the `noto-cjk-sans-otc` wheel, so a fresh
machine set up by `make install` draws Chinese without a system font. Nothing happens at
import: charts call `use_cjk_font` when they draw, the service serves `web_font` to
browsers (the Simplified Chinese face, cut out of the collection once per process).
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import noto_cjk_sans_otc
from fontTools.ttLib import TTFont
from matplotlib import font_manager

CJK_FAMILY = "Noto Sans CJK SC"
"""The face charts are drawn in (one face of the collection)."""
WEB_FONT_FAMILY = "Matcher CJK"
"""The family printed pages name in CSS (`font_face_css`)."""
WEB_FONT_URL = "/static/fonts/noto-sans-cjk-sc.otf"
"""Where the service serves `web_font`."""
_SC_FACE = CJK_FAMILY


def font_path() -> Path:
    """The installed font collection (all Noto Sans CJK faces)."""
    return Path(str(noto_cjk_sans_otc.FONT_PATH))


@lru_cache(maxsize=1)
def use_cjk_font() -> str:
    """Register the collection with matplotlib (once) and return the family to draw in."""
    path = str(font_path())
    if not any(entry.fname == path for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)
    return CJK_FAMILY


@lru_cache(maxsize=1)
def web_font() -> bytes:
    """The Simplified Chinese face alone as an OpenType file (browsers take the first face of
    a collection, the Japanese one)."""
    path = font_path()
    for number in range(32):
        with TTFont(str(path), fontNumber=number, lazy=True) as face:
            if face["name"].getDebugName(1) == _SC_FACE:
                buffer = io.BytesIO()
                face.save(buffer)
                return buffer.getvalue()
    raise LookupError(f"{path} has no face named {_SC_FACE}")


def font_face_css(url: str = WEB_FONT_URL) -> str:
    """A CSS @font-face rule for `WEB_FONT_FAMILY`: the installed font when the machine has
    one, else the served file."""
    return (
        f'@font-face{{font-family:"{WEB_FONT_FAMILY}";'
        f'src:local("{CJK_FAMILY}"),local("NotoSansCJKsc-Regular"),url("{url}") format("opentype");'
        "font-display:block}"
    )
