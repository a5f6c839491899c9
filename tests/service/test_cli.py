"""`matcher-service`: key management commands, and `run` serving a real HTTP port."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from service.cli import app

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture
def data_dir(monkeypatch, tmp_path) -> Path:
    for name in ("DATABASE_URL", "MATCHER_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    for name in [name for name in os.environ if name.startswith("MATCHER_SERVICE_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MATCHER_SERVICE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_keys_create_list_revoke(data_dir):
    created = runner.invoke(app, ["keys", "create", "--role", "bank", "--scope", "青岛银行",
                                  "--name", "青银对接"])  # fmt: skip
    assert created.exit_code == 0, created.output
    plaintext = created.output.strip().splitlines()[-1]
    assert plaintext.startswith("mk_") and len(plaintext) == 46
    assert "明文只显示这一次" in created.output

    listed = json.loads(runner.invoke(app, ["keys", "list", "--json"]).output)
    assert [(k["id"], k["role"], k["scope_id"], k["revoked_at"]) for k in listed] == [
        (1, "bank", "青岛银行", None)
    ]
    assert plaintext not in runner.invoke(app, ["keys", "list"]).output

    assert runner.invoke(app, ["keys", "revoke", "1"]).exit_code == 0
    again = runner.invoke(app, ["keys", "revoke", "1"])
    assert again.exit_code == 1 and "找不到有效的密钥 #1" in again.output
    assert json.loads(runner.invoke(app, ["keys", "list", "--json"]).output)[0]["revoked_at"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "enterprise", "--scope", "E404", "--name", "x"], "找不到企业「E404」"),
        (["--role", "boss", "--name", "x"], "未知的角色「boss」"),
        (["--role", "university", "--name", "x"], "需要 scope_id"),
    ],
)
def test_keys_create_refuses_bad_input(data_dir, args, message):
    result = runner.invoke(app, ["keys", "create", *args])
    assert result.exit_code == 1
    assert message in result.output


def test_bad_setting_is_a_chinese_error(data_dir, monkeypatch):
    monkeypatch.setenv("MATCHER_SERVICE_PORT", "abc")
    result = runner.invoke(app, ["keys", "list"])
    assert result.exit_code == 1
    assert "配置有误：port：应为整数，实际为「abc」" in result.output


def test_bad_library_setting_names_the_nested_field(data_dir, monkeypatch):
    monkeypatch.setenv("MATCHER_SERVICE_MATCHER__CANDIDATES", "abc")
    (data_dir.parent / "matcher-service.toml").write_text(
        '[matcher]\nranker = "neural"\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["keys", "list"])
    assert result.exit_code == 1
    assert "matcher.candidates：应为整数，实际为「abc」" in result.output
    assert "matcher.ranker：应为 'baseline'" in result.output and "「neural」" in result.output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_run_serves_and_prints_an_admin_key_once(data_dir, tmp_path):
    port = free_port()
    command = [sys.executable, "-c", "from service.cli import app; app()", "run", "--port",
               str(port)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def serve(log: Path) -> tuple[str, subprocess.Popen]:
        with log.open("w") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    return log.read_text(), process
            except httpx.TransportError:
                time.sleep(0.3)
        process.kill()
        pytest.fail(f"matcher-service run did not start:\n{log.read_text()}")

    output, process = serve(tmp_path / "first.log")
    try:
        lines = output.splitlines()
        key = lines[lines.index("已创建管理员密钥（只显示这一次，请妥善保存）：") + 1]
        assert f"服务地址：http://127.0.0.1:{port}/" in output
        me = httpx.get(f"http://127.0.0.1:{port}/api/me", headers={"X-API-Key": key}).json()
        assert me["role"] == "admin"
        assert httpx.get(f"http://127.0.0.1:{port}/readyz").json()["status"] == "ready"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)

    output, process = serve(tmp_path / "second.log")  # an admin exists: no new key printed
    try:
        assert "服务地址" in output
        assert "已创建管理员密钥" not in output and "mk_" not in output
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
