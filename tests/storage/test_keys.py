"""API keys: created once in plaintext, stored as hashes, verified, revoked, listed."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from matcher.errors import MatcherError
from storage.keys import ApiKey, ApiKeyRepository
from storage.models import ApiKeyRow


@pytest.fixture
def keys(engine) -> ApiKeyRepository:
    return ApiKeyRepository(engine)


def test_create_returns_a_plaintext_that_verifies(keys):
    key, plaintext = keys.create("enterprise", "E1", "海鑫新能源")
    assert re.fullmatch(r"mk_[A-Za-z0-9_-]{43}", plaintext)
    assert isinstance(key, ApiKey)
    assert (key.role, key.scope_id, key.name, key.prefix) == (
        "enterprise", "E1", "海鑫新能源", plaintext[:8],
    )  # fmt: skip
    assert key.created_at.utcoffset().total_seconds() == 0 and key.revoked_at is None
    assert keys.verify(plaintext) == key
    other, other_plaintext = keys.create("admin", None, "管理员")
    assert other_plaintext != plaintext and other.id != key.id
    assert keys.verify(other_plaintext) == other


def test_plaintext_is_never_stored(keys, engine):
    plaintexts = [keys.create("bank", "青岛银行", "青岛银行")[1] for _ in range(3)]
    with engine.connect() as connection:
        rows = connection.execute(select(ApiKeyRow)).all()
    stored = repr([tuple(row) for row in rows])
    for plaintext in plaintexts:
        assert plaintext not in stored
        assert plaintext[3:] not in stored
        assert hashlib.sha256(plaintext.encode()).hexdigest() in stored


def test_wrong_or_malformed_keys_do_not_verify(keys):
    _, plaintext = keys.create("organiser", None, "活动组织")
    assert keys.verify(plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")) is None
    assert keys.verify(plaintext[:-1]) is None
    assert keys.verify("") is None
    assert keys.verify("xx" + plaintext[2:]) is None


def test_revoke(keys):
    key, plaintext = keys.create("university", "青岛大学", "青岛大学技术转移中心")
    assert keys.revoke(key.id) is True
    assert keys.verify(plaintext) is None
    assert keys.revoke(key.id) is False  # already revoked
    assert keys.revoke(999_999) is False
    (listed,) = keys.list()
    assert listed.id == key.id and listed.revoked_at is not None


def test_list_is_oldest_first(keys):
    first, _ = keys.create("admin", None, "一号")
    second, _ = keys.create("bank", "齐鲁银行", "二号")
    assert keys.list() == [first, second]


@pytest.mark.parametrize(
    ("role", "scope", "name", "message"),
    [
        ("root", None, "x", "未知的角色「root」"),
        ("enterprise", None, "x", "角色 enterprise 需要 scope_id"),
        ("admin", "E1", "x", "角色 admin 不能设置 scope_id"),
        ("bank", "青岛银行", "  ", "密钥名称不能为空"),
    ],
)
def test_bad_key_requests_are_chinese_errors(keys, role, scope, name, message):
    with pytest.raises(MatcherError, match=message):
        keys.create(role, scope, name)
    assert keys.list() == []
