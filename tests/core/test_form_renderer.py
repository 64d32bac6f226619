"""The form renderer writes plain inputs and selects exactly as Django's widget templates do."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from kaa.core.form_renderer import FormRenderer
from kaa.core.widgets import LongSelect


class _Everything(forms.Form):
    text = forms.CharField(label="Text", max_length=20, help_text="help")
    optional = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": 'a "quoted" <b>'}))
    number = forms.IntegerField(min_value=0, max_value=30, required=False)
    decimal = forms.DecimalField(required=False, max_digits=5, decimal_places=2)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField(required=False)
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    search = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search", "autofocus": True,
                                                                          "disabled": False}))
    flag = forms.BooleanField(required=False)
    choice = forms.ChoiceField(required=False, choices=[("", "All"), ("a", gettext_lazy("Action")), (3, "Three"),
                                                        ("x&y", mark_safe("<i>x</i>"))])
    grouped = forms.ChoiceField(required=False, choices=[("Group <1>", [("1", "One"), ("2", "Two")]),
                                                         ("3", "Three")])
    many = forms.MultipleChoiceField(required=False, choices=[("a", "A"), ("b", "B")])
    numbers = forms.TypedChoiceField(required=False, coerce=int, choices=[(1, 1), (2, 2)])
    text_area = forms.CharField(required=False, widget=forms.Textarea)
    radio = forms.ChoiceField(required=False, choices=[("a", "A")], widget=forms.RadioSelect)


DATA = [
    None,
    {"text": "Åsa <script>", "optional": "x\"y'z", "number": "7", "decimal": "1.50", "date": "2026-12-02",
     "when": "2026-12-02 10:00", "email": "a@b.se", "url": "https://x.se/?a=1&b=2", "secret": "p&w",
     "hidden": "h", "search": "s", "flag": "on", "choice": "a", "grouped": "2", "many": ["a", "b"],
     "numbers": "2", "text_area": "t", "radio": "a"},
    {"number": "not a number", "choice": "x&y", "date": "bad"},
]


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_widget_renders_as_djangos_templates_render_it(data, language):
    with override(language):
        for name in _Everything.base_fields:
            fast = _Everything(data, renderer=FormRenderer())
            django = _Everything(data, renderer=DjangoTemplates())
            if data:
                fast.is_valid(), django.is_valid()
            attrs = {"class": "ds-input", "aria-describedby": "x_help"} if name != "flag" else {}
            assert fast[name].as_widget(attrs=attrs) == django[name].as_widget(attrs=attrs), name
            assert str(fast[name]) == str(django[name]), name


def test_initial_values_and_a_long_select():
    class Initial(forms.Form):
        day = forms.DateField(initial=datetime.date(2026, 1, 2), widget=forms.DateInput(format="%Y-%m-%d"))
        coach = forms.ChoiceField(choices=[("", "All"), ("5", "Anna")], initial="5")
        long = forms.ChoiceField(choices=[("1", "A")], widget=LongSelect)

    assert str(Initial(renderer=FormRenderer())["day"]) == str(Initial(renderer=DjangoTemplates())["day"])
    assert str(Initial(renderer=FormRenderer())["coach"]) == str(Initial(renderer=DjangoTemplates())["coach"])
    assert 'selected' in str(Initial(renderer=FormRenderer())["coach"])


def test_the_site_uses_it():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FormRenderer)


def test_plain_inputs_and_selects_need_no_template():
    used = []

    class Recording(FormRenderer):
        def get_template(self, template_name):
            used.append(template_name)
            return super().get_template(template_name)

    form = _Everything(DATA[1], renderer=Recording())
    for name in ("text", "number", "date", "email", "hidden", "flag", "choice", "grouped", "many"):
        str(form[name])
    assert used == []
    str(form["numbers"])  # integer labels: the template writes them
    assert used
