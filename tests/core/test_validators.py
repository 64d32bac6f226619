"""Typed text refuses control characters (issue 9, item 4): one validator, wired into every form through
``kaa.core.forms``."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.utils import translation

import kaa
from kaa.core.forms import SafeForm, SafeTextMixin
from kaa.core.validators import has_control_character
from kaa.outreach.forms import ContactForm
from kaa.register.forms import SchoolReportForm


class Sample(SafeForm):
    name = forms.CharField(label="Name")
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea)
    password = forms.CharField(label="Password", required=False, widget=forms.PasswordInput)


@pytest.mark.parametrize(("text", "single", "multi"), [
    ("Anna", False, False), ("An\x00na", True, True), ("a\tb", True, False), ("a\nb\r\n", True, False),
    ("\x1b[2J", True, True), ("del\x7f", True, True), ("Åsa ÖÄ – ✓", False, False), ("\x0b", True, True),
])
def test_has_control_character(text, single, multi):
    assert has_control_character(text) is single
    assert has_control_character(text, multiline=True) is multi


def test_single_line_field_refuses_every_control_character_with_the_fields_name():
    with translation.override("en"):
        form = Sample(data={"name": "An\x01na"})
        assert not form.is_valid()
        assert form.errors["name"] == [
            "Name: the text contains a control character (an invisible special character). Remove it and try "
            "again."]


def test_a_nul_gives_one_message_not_djangos_as_well():
    form = Sample(data={"name": "An\x00na"})
    assert not form.is_valid() and len(form.errors["name"]) == 1


def test_textarea_allows_line_breaks_and_tab_but_no_other_control():
    assert Sample(data={"name": "Anna", "note": "rad ett\r\nrad\ttvå"}).is_valid()
    assert not Sample(data={"name": "Anna", "note": "rad\x00"}).is_valid()


def test_passwords_are_left_alone():
    assert Sample(data={"name": "Anna", "password": "p\x01ss"}).is_valid()


def test_swedish_message():
    with translation.override("sv"):
        form = SchoolReportForm(data={"family_name": "Exem\x00pel"})
        form.is_valid()
        message = form.errors["family_name"][0]
    assert message.startswith("Efternamn:") and "kontrolltecken" in message


def test_contact_note_refuses_a_control_character():
    form = ContactForm(data={"date": "2026-09-01", "time": "10:00", "channel": "phone", "outcome": "reached",
                             "note": "o\x0bk"})
    assert not form.is_valid() and "note" in form.errors


def _project_forms():
    for info in pkgutil.walk_packages(kaa.__path__, "kaa."):
        if not info.name.endswith(".forms"):
            continue
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


# Forms of sign-in and API tokens: not youth data, left to their own pages' rules.
NOT_YET = {"kaa.accounts.forms"}


def test_every_form_with_a_text_field_refuses_control_characters():
    missing = [f"{cls.__module__}.{cls.__name__}" for cls in _project_forms()
               if cls.__module__ not in NOT_YET and not issubclass(cls, SafeTextMixin)
               and any(isinstance(f, forms.CharField) for f in cls.base_fields.values())]
    assert missing == []


@pytest.mark.django_db
def test_the_api_refuses_a_control_character_in_a_contact_note(client, coach):
    import datetime

    from django.utils import timezone

    from kaa.accounts.models import ApiToken
    from kaa.outreach.models import ContactAttempt
    from tests.factories import YouthFactory

    youth = YouthFactory(municipality=coach.memberships.get().municipality, coach=coach)
    _token, raw = ApiToken.issue(user=coach)
    at = (timezone.localtime() - datetime.timedelta(hours=1)).replace(microsecond=0)
    response = client.post(f"/api/v1/youths/{youth.pk}/contacts", {
        "channel": "phone", "at": at.isoformat(), "outcome": "no_answer", "note": "ring\x00 igen"},
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["note"]
    assert not ContactAttempt.objects.exists()
