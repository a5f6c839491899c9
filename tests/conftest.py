"""Shared fixtures: small, valid records built from the real models."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from matcher.credit_code import make_credit_code
from matcher.types import Enterprise

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
SAMPLE_DIR = REPO_ROOT / "data" / "sample"


def make_enterprise(record_id: str = "E1", **overrides) -> Enterprise:
    """An enterprise with sensible defaults; override any field."""
    fields = dict(
        id=record_id,
        name=f"青岛测试{record_id}科技有限公司",
        credit_code=make_credit_code(f"9137020016356{int(record_id[1:]):04d}"),
        district="崂山",
        chain="人工智能",
        tiers=["专精特新"],
        size="小型",
        employees=80,
        revenue=3000,
        founded=date(2016, 5, 1),
        description="专注工业视觉检测算法与智能质检设备研发",
        whitelist=False,
    )
    fields.update(overrides)
    return Enterprise(**fields)


@pytest.fixture
def enterprise() -> Enterprise:
    return make_enterprise()
