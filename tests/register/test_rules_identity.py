"""Personal identity numbers as the rules need them (kaa.register.identity.parse_identity)."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaa.register.identity import parse_identity
from tests.factories import make_personnummer

D = datetime.date


def test_twelve_digits():
    identity = parse_identity("200906127113")
    assert (identity.number, identity.birth_date, identity.is_coordination_number) == (
        "200906127113", D(2009, 6, 12), False)


def test_ten_digits_with_minus_and_without_separator():
    assert parse_identity("090612-7113").number == "200906127113"
    assert parse_identity("0906127113").number == "200906127113"


def test_ten_digits_with_plus_means_100_or_older():
    pnr = make_personnummer(D(1920, 5, 5), serial=123)
    short = pnr[2:8] + "+" + pnr[8:]
    identity = parse_identity(short)
    assert identity.birth_date == D(1920, 5, 5) and identity.number == pnr
    assert parse_identity(pnr[2:8] + "-" + pnr[8:]).birth_date == D(2020, 5, 5)


def test_samordningsnummer_birth_day_minus_60():
    pnr = make_personnummer(D(2008, 3, 25), serial=42, coordination=True)
    assert pnr[6:8] == "85"
    identity = parse_identity(pnr)
    assert identity.is_coordination_number and identity.birth_date == D(2008, 3, 25)


@pytest.mark.parametrize("raw", ["", "abc", "20090612711", "200906127114", "090612-7114", "20091312711"])
def test_invalid_numbers_are_refused(raw):
    with pytest.raises(ValueError):
        parse_identity(raw)


@given(st.dates(min_value=D(1930, 1, 1), max_value=D(2015, 12, 31)), st.integers(1, 999), st.booleans())
def test_any_valid_number_round_trips(birth, serial, coordination):
    pnr = make_personnummer(birth, serial=serial, coordination=coordination)
    identity = parse_identity(pnr)
    assert (identity.number, identity.birth_date, identity.is_coordination_number) == (pnr, birth, coordination)
