import pytest

from matcher.credit_code import ALPHABET, check_char, credit_code_error, make_credit_code

# A published code (Haier Group) and one built by the generator.
REAL_CODES = ["91370200163562681G", make_credit_code("91110108MA01ABCDE")]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code):
    assert credit_code_error(code) is None


def test_wrong_check_digit_is_named():
    code = "91370200163562681G"
    wrong = code[:17] + ("H" if code[17] != "H" else "J")
    error = credit_code_error(wrong)
    assert error is not None and "校验位" in error and "应为G" in error


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("9137020016356268", "18位"),
        ("91370200163562681I", "非法字符"),
        ("91370200163562681g", "非法字符"),
    ],
)
def test_malformed_codes(code, fragment):
    assert fragment in credit_code_error(code)


def test_make_credit_code_round_trip():
    for body in ("91370212MA3C5D7X2", "12370200MB1234567", "52370200000000000"):
        code = make_credit_code(body)
        assert credit_code_error(code) is None
        assert code[17] in ALPHABET and check_char(body) == code[17]
