import pytest
from django.core.exceptions import ValidationError

from tuoyu.core.validators import mask_phone, uscc_check_char, validate_phone, validate_uscc

# Published codes of real organisations (GB 32100 check characters computed by their registries).
REAL_CODES = ["91110000802100433B", "91440300708461136T", "12100000400000624D"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_credit_codes_pass(code):
    validate_uscc(code)


def test_full_width_and_spaces_are_folded_before_checking():
    validate_uscc(" ９１１１００００８０２１００４３３Ｂ ")


def test_wrong_check_character_names_the_expected_one():
    with pytest.raises(ValidationError) as exc:
        validate_uscc("91110000802100433C")
    assert "B" in exc.value.messages[0]


@pytest.mark.parametrize("bad", ["9111000080210043", "91110000802100433BX", "9111000080210O433B"])
def test_wrong_length_or_letter_is_refused(bad):
    with pytest.raises(ValidationError):
        validate_uscc(bad)


def test_check_char_maps_31_to_zero():
    # Sum ≡ 0 (mod 31) gives 31 - 0 = 31 → "0".
    assert uscc_check_char("00000000000000000") == "0"


@pytest.mark.parametrize("ok", ["13812345678", "028-86123456", "02886123456"])
def test_phone_ok(ok):
    validate_phone(ok)


@pytest.mark.parametrize("bad", ["1381234567", "12812345678", "abc"])
def test_phone_bad(bad):
    with pytest.raises(ValidationError):
        validate_phone(bad)


def test_mobile_masked_in_lists():
    assert mask_phone("13812345678") == "138****5678"
