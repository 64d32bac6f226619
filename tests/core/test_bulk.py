"""kaa.core.bulk's reads: one parameter for any number of values, plain rows equal to Django's."""

import datetime

import pytest

from kaa.core.bulk import bulk_set, in_chunks, iter_plain_rows, plain_rows
from kaa.organisations.models import SchoolUnit
from kaa.register.models import Enrolment, Youth
from tests.factories import EnrolmentFactory, MunicipalityFactory, YouthFactory

pytestmark = pytest.mark.django_db

# Text the array literal (PostgreSQL) and the JSON parameter (SQLite) must carry as it is.
AWKWARD = ['plain', 'with "quotes"', "back\\slash", "comma,brace{}", "  spaces ", "NULL", "", "åäö", "\\\"mix"]


def _found(queryset, field, values):
    return sorted(v for qs in in_chunks(queryset, field, values) for v in qs.values_list(field, flat=True))


def test_in_chunks_finds_exactly_the_given_texts():
    for i, code in enumerate(AWKWARD):
        SchoolUnit.objects.create(code=code, name=f"unit {i}")
    SchoolUnit.objects.create(code="other", name="not asked for")
    wanted = [*AWKWARD, "missing", "with \"quotes\" not"]
    assert _found(SchoolUnit.objects.all(), "code", wanted) == sorted(AWKWARD)


def test_in_chunks_by_ids_and_foreign_keys():
    municipality = MunicipalityFactory()
    youths = [YouthFactory(municipality=municipality) for _ in range(4)]
    for youth in youths:
        EnrolmentFactory(youth=youth)
    some = [youths[0].pk, youths[2].pk]
    assert _found(Youth.objects.all(), "pk", some) == sorted(some)
    assert _found(Enrolment.objects.all(), "youth_id", some) == sorted(some)
    assert _found(Youth.objects.all(), "pk", []) == []
    # An update through the same filter touches only those rows.
    for qs in in_chunks(Youth.objects.all(), "pk", some):
        qs.update(needs_evaluation=False)
    assert sorted(Youth.objects.filter(needs_evaluation=False).values_list("pk", flat=True)) == sorted(some)


def test_plain_rows_equal_django_values():
    municipality = MunicipalityFactory()
    youth = YouthFactory(municipality=municipality, birth_date=datetime.date(2008, 2, 29))
    EnrolmentFactory(youth=youth, school_type="GR", programme="", school_year=9,
                     start_date=datetime.date(2023, 8, 17), end_date=datetime.date(2024, 6, 11))
    EnrolmentFactory(youth=youth, programme="NA", start_date=datetime.date(2024, 8, 19), end_date=None)
    fields = ("id", "youth_id", "school_type", "school_year", "equivalent", "start_date", "end_date", "cancelled")
    qs = Enrolment.objects.order_by("pk")
    expected = list(qs.values_list(*fields))
    assert plain_rows(qs, fields) == expected
    assert list(iter_plain_rows(qs, fields, chunk_size=1)) == expected
    assert [type(v) for v in plain_rows(qs, fields)[0]] == [type(v) for v in expected[0]]
    assert plain_rows(qs.none(), fields) == []
    youth_fields = ("pk", "municipality_id", "birth_date", "in_population", "personnummer")
    assert plain_rows(Youth.objects.all(), youth_fields) == list(Youth.objects.values_list(*youth_fields))


def test_bulk_set_changes_only_the_given_rows():
    municipality = MunicipalityFactory()
    youths = [YouthFactory(municipality=municipality, given_name=f"n{i}") for i in range(5)]
    bulk_set(Youth, ("given_name",), [(youths[1].pk, "ett"), (youths[3].pk, "tre")])
    assert list(Youth.objects.order_by("pk").values_list("given_name", flat=True)) == ["n0", "ett", "n2", "tre", "n4"]


def test_bulk_set_carries_every_kind_of_value_as_it_is():
    """Texts, dates, booleans, None and foreign keys (on PostgreSQL one array parameter a column)."""
    municipality, other = MunicipalityFactory(), MunicipalityFactory(code="0480", name="Nyköping")
    youths = [YouthFactory(municipality=municipality, given_name="before", register_since=datetime.date(2020, 1, 1))
              for _ in AWKWARD]
    day = datetime.date(2024, 2, 29)
    rows = [(youth.pk, text, i % 2 == 0, day if i % 3 else None, other.pk if i % 2 else municipality.pk)
            for i, (youth, text) in enumerate(zip(youths, AWKWARD, strict=True))]
    bulk_set(Youth, ("given_name", "in_target_group", "register_since", "municipality"), rows)
    stored = list(Youth.objects.order_by("pk").values_list("pk", "given_name", "in_target_group", "register_since",
                                                           "municipality_id"))
    assert stored == rows
    # A column of only None, and a column of values of mixed types (left to the driver).
    bulk_set(Youth, ("register_since", "register_reason"), [(youth.pk, None, "x" if i else 1)
                                                           for i, youth in enumerate(youths)])
    assert set(Youth.objects.values_list("register_since", flat=True)) == {None}
    assert sorted(Youth.objects.values_list("register_reason", flat=True)) == ["1", *["x"] * (len(youths) - 1)]
