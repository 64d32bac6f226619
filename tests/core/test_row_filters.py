"""The row filters write what the filters they stand in for write."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone
from django.utils.translation import override

from kaa.imports.models import ImportRun


def _render(source: str, **context) -> str:
    return Template("{% load kaa %}" + source).render(Context(context))


@pytest.mark.parametrize("value", [0, 7, 1234, 1234567, None])
def test_as_text_is_the_number_as_written(value):
    assert _render("{{ v|as_text }}", v=value) == _render("{{ v }}", v=value)


@pytest.mark.parametrize("value", [
    datetime.datetime(2026, 12, 2, 23, 30, tzinfo=datetime.UTC),  # the next day in Stockholm
    datetime.datetime(2026, 6, 30, 22, 5, 59, tzinfo=datetime.UTC),
    None,
])
def test_minute_is_the_date_filter(value):
    assert _render("{{ v|minute }}", v=value) == _render('{{ v|date:"Y-m-d H:i" }}', v=value)


def test_minute_in_another_time_zone():
    value = datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC)
    with timezone.override("America/New_York"):
        assert _render("{{ v|minute }}", v=value) == _render('{{ v|date:"Y-m-d H:i" }}', v=value)


@pytest.mark.parametrize("value", [datetime.date(2026, 1, 2), None])
def test_day_is_the_date_filter(value):
    assert _render('{{ v|day|default:"–" }}', v=value) == _render('{{ v|date:"Y-m-d"|default:"–" }}', v=value)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_display_is_get_display(language):
    with override(language):
        for kind, status in [("population", "failed"), ("school", "running"), ("unknown", "odd")]:
            run = ImportRun(kind=kind, status=status)
            assert _render('{{ r|display:"kind" }} {{ r|display:"status" }}', r=run) == _render(
                "{{ r.get_kind_display }} {{ r.get_status_display }}", r=run)
