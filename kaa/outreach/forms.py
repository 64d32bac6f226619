"""Forms of the outreach pages. Dates and times are entered separately, in local time."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.accounts.models import User
from kaa.core.forms import SafeForm, SafeModelForm
from kaa.core.widgets import LongSelect

from .models import Anchor, Applies, ChainStep, Channel, Completion, MeetingPlace, Outcome, Preset


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or on the form when no field matches)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class WhenMixin(SafeForm):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    time = forms.TimeField(label=_("Time"), widget=TimeInput)

    def when(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"]))


def _now_initial() -> dict:
    """Date and time now, in the installation's time zone (Europe/Stockholm)."""
    now = timezone.localtime()
    return {"date": now.date(), "time": now.time().replace(second=0, microsecond=0)}


def _choose(choices, prompt) -> list:
    """A required select that starts on "Choose …": nothing is preset for the user."""
    return [("", prompt), *choices]


class ContactForm(WhenMixin):
    channel = forms.ChoiceField(label=_("Channel"), choices=_choose(Channel.choices, _("Choose the channel")))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=_choose(Outcome.choices, _("Choose the outcome")))
    to_guardian = forms.BooleanField(label=_("To the guardian"), required=False)
    note = forms.CharField(label=_("Short note"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        # The time defaults to now even when the caller presets other fields (the channel).
        kwargs["initial"] = {**_now_initial(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)


class QuickCallForm(SafeForm):
    """The worklist's inline form: the outcome button is the submit, the time is now."""

    channel = forms.ChoiceField(choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.SMS, Channel.SMS.label),
                                         (Channel.HOME_VISIT, Channel.HOME_VISIT.label)])
    outcome = forms.ChoiceField(choices=Outcome.choices)
    to_guardian = forms.BooleanField(required=False)


class RefusalForm(WhenMixin):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    to_guardian = forms.BooleanField(label=_("Said by the guardian"), required=False)
    note = forms.CharField(label=_("Short note"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {**_now_initial(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)


class MeetingForm(WhenMixin):
    place = forms.ChoiceField(label=_("Place the youth chose"), choices=MeetingPlace.choices)
    place_note = forms.CharField(label=_("Place details"), required=False, max_length=200)
    colleague = forms.ModelChoiceField(label=_("Colleague coming along"), queryset=None, required=False,
                                       help_text=_("Required when the meeting is in the youth's home."))

    def __init__(self, *args, colleagues=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"].queryset = colleagues

    def clean(self):
        data = super().clean()
        if data.get("place") == MeetingPlace.HOME and not data.get("colleague"):
            self.add_error("colleague", _("A colleague must come along to a meeting in the youth's home."))
        return data


class ConcernForm(SafeForm):
    sent_on = forms.DateField(label=_("Sent to social services on"), widget=DateInput)
    follow_up_on = forms.DateField(label=_("Follow up on"), required=False, widget=DateInput)
    feedback_on = forms.DateField(label=_("Feedback received on"), required=False, widget=DateInput)
    feedback = forms.CharField(label=_("Feedback from social services"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))


class FeedbackForm(SafeForm):
    feedback_on = forms.DateField(label=_("Feedback received on"), widget=DateInput)
    feedback = forms.CharField(label=_("Feedback from social services"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_on = forms.DateField(label=_("Follow up on"), required=False, widget=DateInput)


class AssignForm(SafeForm):
    coach = forms.ModelChoiceField(label=_("Coach"), queryset=None, widget=LongSelect)
    youth = forms.ModelMultipleChoiceField(label=_("Youths"), queryset=None,
                                           error_messages={"required": _("Choose at least one youth.")})

    def __init__(self, *args, coaches=None, youths=None, **kwargs):
        """``coaches``: the coaches with their load (``selectors.coaches``), each offered as "name (load)"."""
        super().__init__(*args, **kwargs)
        coaches = list(coaches or [])
        field = self.fields["coach"]
        field.queryset = User.objects.filter(pk__in=[c.pk for c in coaches])
        field.widget.choices = [("", field.empty_label), *((c.pk, f"{c.name} ({c.load})") for c in coaches)]
        self.fields["youth"].queryset = youths


class PresetForm(SafeForm):
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=None)
    preset = forms.ChoiceField(label=_("Preset"), choices=[c for c in Preset.choices if c[0] != Preset.CUSTOM])

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities


class LetterTemplateField(forms.ChoiceField):
    """A letter template by name; the presets' own names of letters (almhult_letter, ...) are read as the
    template they stand for."""

    def to_python(self, value):
        from .labels import letter_template_aliases

        value = super().to_python(value)
        return letter_template_aliases().get(value, value)


class StepForm(SafeModelForm):
    """A chain step in words: earlier steps and letter templates by name, the step's code made from its
    name (codes link steps and events; nobody types or reads them)."""

    channels = forms.MultipleChoiceField(label=_("Channels"), choices=Channel.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    anchor_step = forms.ChoiceField(label=_("Earlier step"), required=False,
                                    help_text=_("When counting from a step: which one."))
    letter_template = LetterTemplateField(label=_("Letter template left behind"), required=False)

    class Meta:
        model = ChainStep
        fields = ["order", "name", "channels", "completion", "anchor", "anchor_step", "offset_days",
                  "offset_months", "applies_to", "until_contact", "guardian_if_minor", "repetitions",
                  "min_evening", "letter_template", "instructions"]
        widgets = {"instructions": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        from .labels import letter_template_aliases, letter_template_choices

        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["channels"] = self.instance.channel_list
            self.initial["letter_template"] = letter_template_aliases().get(self.instance.letter_template,
                                                                            self.instance.letter_template)
        self.fields["anchor"].choices = Anchor.choices
        self.fields["applies_to"].choices = Applies.choices
        self.fields["completion"].choices = Completion.choices
        others = self.instance.chain.steps.exclude(pk=self.instance.pk).order_by("order", "pk")
        self.fields["anchor_step"].choices = [("", _("No earlier step")), *others.values_list("code", "name")]
        self.fields["letter_template"].choices = letter_template_choices()

    def clean_channels(self) -> str:
        return " ".join(self.cleaned_data["channels"])

    def clean(self):
        data = super().clean()
        if data.get("completion") == Completion.ATTEMPTS and not data.get("channels"):
            self.add_error("channels", _("Choose at least one channel for a step done by contact attempts."))
        if data.get("anchor") == Anchor.STEP and not data.get("anchor_step"):
            self.add_error("anchor_step", _("Choose the earlier step the due date counts from."))
        if (data.get("min_evening") or 0) > (data.get("repetitions") or 0):
            self.add_error("min_evening", _("Evening attempts cannot be more than the attempts needed."))
        if not self.instance.code and data.get("name"):
            self.instance.code = self._new_code(data["name"])
        return data

    def _new_code(self, name: str) -> str:
        from django.utils.text import slugify

        base = (slugify(name) or "step")[:34]
        taken = set(self.instance.chain.steps.values_list("code", flat=True))
        code, n = base, 1
        while code in taken:
            n += 1
            code = f"{base}-{n}"
        return code
