import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kaa.messaging.placeholders import PLACEHOLDERS, fill, template_errors, validate_template_text


def test_known_placeholders_are_accepted():
    assert template_errors("Hej {fornamn}! Ring {coach_namn} på {coach_telefon}. Kod: {svarskod}") == []


def test_unknown_placeholder_is_rejected_naming_it():
    errors = template_errors("Hej {fornamn} {personnummer}")
    assert len(errors) == 1
    assert "{personnummer}" in errors[0]
    with pytest.raises(ValidationError):
        validate_template_text("{efternamn}")


@pytest.mark.parametrize("text", ["{{ youth.personnummer }}", "{% load static %}", "Hej {{fornamn}}", "{# x #}"])
def test_django_template_language_is_refused(text):
    assert template_errors(text)


def test_unclosed_brace_is_refused():
    assert template_errors("Hej {fornamn")


def test_fill_substitutes_values_only_for_known_names():
    assert fill("Hej {fornamn}, {kommun}", {"fornamn": "Kim", "kommun": "Nyköping"}) == "Hej Kim, Nyköping"


@given(st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=200))
def test_text_without_braces_is_always_valid_and_unchanged(text):
    assert template_errors(text) == []
    assert fill(text, {"fornamn": "X"}) == text


@given(st.sampled_from(sorted(PLACEHOLDERS)), st.text(alphabet="abc<>&", min_size=1, max_size=20))
def test_fill_puts_the_value_in(name, value):
    assert fill(f"[{{{name}}}]", {name: value}) == f"[{value}]"


@given(st.sampled_from(sorted(PLACEHOLDERS)), st.sampled_from(["", " ", None]))
def test_fill_refuses_an_empty_placeholder(name, value):
    """A letter never prints "ring mig på eller …": an empty value is an error, not a gap in the text."""
    import pytest

    from kaa.messaging.placeholders import EmptyPlaceholder

    with pytest.raises(EmptyPlaceholder) as caught:
        fill(f"Ring mig på {{{name}}} eller skriv.", {name: value})
    assert caught.value.names == [name]


def test_unknown_placeholder_message_is_swedish():
    from django.utils import translation

    with translation.override("sv"):
        (error,) = template_errors("Hej {namn}")
    assert error.startswith("Okänd platshållare {namn}")
