"""The real default encoder, loaded once per test process."""

from __future__ import annotations

import pytest

from matcher.embed.default import UseEncoder


@pytest.fixture(scope="session")
def use_encoder() -> UseEncoder:
    return UseEncoder(threads=1)
