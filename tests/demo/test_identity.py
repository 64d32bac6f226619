import datetime
import random

from hypothesis import given
from hypothesis import strategies as st
from personnummer import personnummer as reference

from kaa.demo.identity import IdentityGenerator, luhn_digit, personnummer_for

dates = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2030, 12, 31))


@given(birth=dates, serial=st.integers(min_value=1, max_value=999), coordination=st.booleans())
def test_numbers_have_valid_check_digits(birth, serial, coordination):
    number = personnummer_for(birth, serial, coordination=coordination)
    assert len(number) == 12 and number.isdigit()
    assert reference.valid(number)
    assert int(number[6:8]) == birth.day + (60 if coordination else 0)


def test_known_check_digit():
    # 811218-987 → 6 is the textbook example of the Luhn check digit.
    assert luhn_digit("811218987") == "6"
    assert personnummer_for(datetime.date(1981, 12, 18), 987) == "198112189876"


def test_generator_is_unique_and_deterministic():
    birth = datetime.date(2008, 5, 17)
    first = [IdentityGenerator(random.Random(3)).new(birth, male=i % 2 == 0) for i in range(1)]
    gen_a, gen_b = IdentityGenerator(random.Random(3)), IdentityGenerator(random.Random(3))
    a = [gen_a.new(birth, male=i % 2 == 0) for i in range(200)]
    b = [gen_b.new(birth, male=i % 2 == 0) for i in range(200)]
    assert a == b and a[0] == first[0]
    assert len(set(a)) == 200
    # The ninth digit gives the legal gender: odd for men.
    assert all(int(n[10]) % 2 == (0 if i % 2 == 0 else 1) ^ 1 for i, n in enumerate(a))


def test_generator_skips_taken_numbers():
    birth = datetime.date(2008, 5, 17)
    taken = {IdentityGenerator(random.Random(9)).new(birth, male=True)}
    again = IdentityGenerator(random.Random(9), taken=taken).new(birth, male=True)
    assert again not in taken
