import pytest

from tuoyu.core.divisions import (
    DivisionCodeError,
    Level,
    level_of,
    normalize_code,
    parent_code,
    prefix_of,
)


@pytest.mark.parametrize(
    ("raw", "code", "level"),
    [
        ("510104", "510104000000", Level.DISTRICT),
        ("510104020", "510104020000", Level.STREET),
        ("510104020001", "510104020001", Level.COMMUNITY),
        ("５１０１０４０２０００１", "510104020001", Level.COMMUNITY),
        ("510104020001.0", "510104020001", Level.COMMUNITY),
        ("510100000000", "510100000000", Level.CITY),
    ],
)
def test_codes_are_padded_and_levelled(raw, code, level):
    assert normalize_code(raw) == code
    assert level_of(code) == level


@pytest.mark.parametrize("bad", ["51010", "5101040200011", "51O104", "", "010104"])
def test_bad_codes_are_refused(bad):
    with pytest.raises(DivisionCodeError):
        normalize_code(bad)


def test_parent_and_prefix():
    assert parent_code("510104020001") == "510104020000"
    assert parent_code("510104020000") == "510104000000"
    assert parent_code("510104000000") == "510100000000"
    assert prefix_of("510104020000") == "510104020"
    assert prefix_of("510100000000") == "5101"
