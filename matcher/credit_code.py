"""统一社会信用代码 (GB 32100-2015) check-digit validation and generation."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_char(body: str) -> str:
    """The 18th character for the first 17 characters of a credit code."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(body, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """None when `code` is a valid credit code, else the Chinese reason it is not."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位"
    bad = [ch for ch in code if ch not in ALPHABET]
    if bad:
        return f"统一社会信用代码含非法字符「{bad[0]}」"
    expected = check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：应为{expected}，实际为{code[17]}"
    return None


def make_credit_code(body17: str) -> str:
    """Append the check character to a 17-character body."""
    return body17 + check_char(body17)
