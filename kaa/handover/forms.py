"""Forms of the hand-over: thin, the rules are in services (kaa.handover.services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaa.casework.models import Consent, GivenBy
from kaa.core.forms import SafeForm
from kaa.organisations.models import Municipality

from .models import FraktsedelSection, Transition


class FraktsedelForm(SafeForm):
    sections = forms.MultipleChoiceField(
        label=_("Sections, chosen together with the youth"),
        choices=FraktsedelSection.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what the youth wants to pass on. The journal is never part of it."),
    )
    transition = forms.ChoiceField(label=_("Transition"), choices=Transition.choices, widget=forms.RadioSelect)
    recipient_organisation = forms.CharField(
        label=_("Receiving organisation"),
        max_length=200,
        help_text=_("For example the receiving school, the employment service or the folk high school."),
    )
    recipient_name = forms.CharField(
        label=_("Receiving person"),
        max_length=200,
        required=False,
        help_text=_("The contact person who receives it (a name, not a user)."),
    )
    consent = forms.ModelChoiceField(
        label=_("Consent"),
        queryset=Consent.objects.none(),
        required=False,
        empty_label=_("The consent is given now (recorded below)"),
        help_text=_("A consent valid today that names the receiving organisation."),
    )
    given_by = forms.ChoiceField(
        label=_("Consent given now by"),
        choices=[("", _("Not given now")), *GivenBy.choices],
        required=False,
        help_text=_("Under 18 a guardian may give it; from 18 only the youth."),
    )

    def __init__(self, *args: Any, consents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].queryset = consents if consents is not None else Consent.objects.none()
        self.fields["consent"].label_from_instance = lambda c: f"{c.partner}: {c.purpose} ({c.valid_from:%Y-%m-%d})"


class TransferForm(SafeForm):
    to_municipality = forms.ModelChoiceField(
        label=_("Receiving municipality"), queryset=Municipality.objects.none(), empty_label=_("Choose a municipality")
    )
    with_case = forms.BooleanField(
        label=_("Send the case along (mapping, plan, measures, journal, fraktsedlar)"),
        required=False,
        help_text=_(
            "Needs the youth's consent naming the receiving municipality. "
            "Confidential journal entries never go along. Without it only "
            "the register facts move."
        ),
    )
    note = forms.CharField(
        label=_("Note to the receiving coordinator"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("No sensitive details: they read it before accepting."),
    )

    def __init__(self, *args: Any, municipalities: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_municipality"].queryset = (
            municipalities if municipalities is not None else Municipality.objects.none()
        )


class RejectForm(SafeForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The sending coordinator reads it."),
    )
