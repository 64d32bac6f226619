"""kaa.core.widgets.LongSelect writes the same <select> as Django's template-rendered one."""

import re

import pytest
from django import forms

from kaa.core.widgets import LongSelect

CHOICES = [("", "Alla"), ("1", "Åsa <Berg> & \"Co\""), (2, "Bo O'Neill"), ("none", "Ingen")]


def _tags(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", [None, "", "1", 2, "none", "missing"])
def test_same_html_as_djangos_select(value):
    attrs = {"id": "id_coach", "class": "ds-input", "aria-describedby": "id_coach_help", "required": True}
    expected = forms.Select(choices=CHOICES).render("coach", value, attrs)
    assert _tags(LongSelect(choices=CHOICES).render("coach", value, attrs)) == _tags(expected)


def test_in_a_form_the_chosen_value_is_selected_and_validated():
    class Form(forms.Form):
        coach = forms.ChoiceField(choices=CHOICES, required=False, widget=LongSelect)

    form = Form({"coach": "2"})
    assert form.is_valid() and form.cleaned_data["coach"] == "2"
    assert '<option value="2" selected>Bo O&#x27;Neill</option>' in str(form["coach"])
    assert "&lt;Berg&gt; &amp; &quot;Co&quot;" in str(form["coach"])


def test_option_groups_are_refused():
    with pytest.raises(ValueError, match="flat choices"):
        LongSelect(choices=[("Grupp", [("a", "A")])]).render("x", None)
