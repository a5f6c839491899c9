"""The hand-built event world every outcome test starts from."""

import pytest

from tests.outcomes.world import build_event_world


@pytest.fixture
def ws(tmp_path):
    return build_event_world(tmp_path / "ws")
