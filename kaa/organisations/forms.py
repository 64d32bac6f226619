"""Forms for the organisation pages. Error messages name the field and say what to do."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from kaa.accounts.models import Role, User
from kaa.core.forms import SafeForm, SafeModelForm

from .models import Municipality, Team
from .services import MUNICIPALITY_SETTINGS


class MunicipalitySettingsForm(SafeModelForm):
    class Meta:
        model = Municipality
        fields = MUNICIPALITY_SETTINGS
        widgets = {"evening_starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        help_texts = {
            "summer_gap_month": _("Youths who finish year 9 in June are not listed as never started before "
                                  "this date (month 7–12)."),
            "summer_gap_day": _("Day of the month, 1–31."),
            "wait_for_degree_check": _("Youths aged 17–19 who move in are registered only once their degree "
                                       "has been checked."),
            "extended_responsibility": _("Keep offering support up to 24 to youths who were in an activity "
                                         "when they turned 20. Reported apart from the statutory group."),
            "evening_starts_at": _("Phone attempts from this time count as evening attempts."),
            "recontact_months": _("A youth who declines support is contacted again after this many months."),
            "kaa_phone": _("Printed on letters when the youth has no coach, or the coach has no phone number."),
            "kaa_email": _("Printed on letters when the youth has no coach, or the coach has no e-mail address."),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        month, day = data.get("summer_gap_month"), data.get("summer_gap_day")
        if month and day:
            try:
                datetime.date(2001, month, day)
            except ValueError:
                self.add_error("summer_gap_day", _("The summer gap end is not a date: month %(month)s has no "
                                                   "day %(day)s.") % {"month": month, "day": day})
        return data


class TeamForm(SafeForm):
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none())
    name = forms.CharField(label=_("Team name"), max_length=100)

    def __init__(self, *args: Any, municipalities: Any, team: Team | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = team
        self.fields["municipality"].queryset = municipalities
        if team is not None:
            del self.fields["municipality"]
            self.fields["name"].initial = team.name
        elif len(municipalities) == 1:
            self.fields["municipality"].initial = municipalities[0].pk
            self.fields["municipality"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        municipality = self.team.municipality if self.team else data.get("municipality")
        name = (data.get("name") or "").strip()
        if municipality and name:
            # Compared in Python: SQLite folds case for ASCII letters only (Ö, Ä, Å).
            others = Team.objects.filter(municipality=municipality).exclude(pk=getattr(self.team, "pk", None))
            if name.casefold() in {n.casefold() for n in others.values_list("name", flat=True)}:
                self.add_error("name", _("There is already a team called “%(name)s” in %(municipality)s.")
                               % {"name": name, "municipality": municipality.name})
        return data


class StaffForm(SafeModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "phone"]


class RolesForm(forms.Form):
    """A user's roles in one municipality, their team there, the protected-identity grant and the
    confidential-entry grant."""

    roles = forms.MultipleChoiceField(label=_("Roles"), choices=Role.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False,
                                  empty_label=_("No team"))
    may_see_protected = forms.BooleanField(
        label=_("May see records with protected identity"), required=False,
        help_text=_("Give this only to the few who must work with such youths."))
    may_see_confidential = forms.BooleanField(
        label=_("May read confidential journal entries"), required=False,
        help_text=_("Health and social-services entries of the youths the person works with. Give this only to "
                    "those who need it."))

    def __init__(self, *args: Any, municipality: Municipality, actor: Any = None, subject: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality, self.actor, self.subject = municipality, actor, subject
        self.fields["team"].queryset = Team.objects.filter(municipality=municipality)

    def clean_roles(self) -> list[str]:
        roles = self.cleaned_data["roles"]
        if (self.subject is not None and self.actor is not None and self.subject.pk == self.actor.pk
                and Role.ADMINISTRATOR not in roles):
            raise forms.ValidationError(_("You cannot remove your own administrator role. Ask another "
                                          "administrator to do it."))
        return roles


class StaffCreateForm(StaffForm):
    username = forms.CharField(label=_("Username"), max_length=150,
                               help_text=_("Letters, digits and @ . + - _ only."))
    password = forms.CharField(label=_("First password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("At least 10 characters. Give it to the person in a safe way."))
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none())
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=Role.choices,
                                      widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": _("Choose at least one role.")})
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False,
                                  empty_label=_("No team"))
    may_see_protected = RolesForm.base_fields["may_see_protected"]
    may_see_confidential = RolesForm.base_fields["may_see_confidential"]

    class Meta(StaffForm.Meta):
        fields = ["username", "first_name", "last_name", "email", "phone"]

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["team"].queryset = Team.objects.filter(municipality__in=municipalities)
        if len(municipalities) == 1:
            self.fields["municipality"].initial = municipalities[0].pk
        self.order_fields(["username", "first_name", "last_name", "email", "phone", "password", "municipality",
                           "roles", "team", "may_see_protected", "may_see_confidential"])

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        User.username_validator(username)
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("The username “%(username)s” is taken. Choose another.")
                                        % {"username": username})
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        team, municipality = data.get("team"), data.get("municipality")
        if team and municipality and team.municipality_id != municipality.pk:
            self.add_error("team", _("The team %(team)s belongs to another municipality.") % {"team": team.name})
        password = data.get("password")
        if password:
            try:
                validate_password(password, User(username=data.get("username", ""),
                                                 first_name=data.get("first_name", ""),
                                                 last_name=data.get("last_name", ""), email=data.get("email", "")))
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data
