"""Forms of the messaging pages (thin: rules live in services and placeholders)."""

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kaa.core.forms import SafeForm
from kaa.outreach import replies

from .models import TemplateCode
from .placeholders import PLACEHOLDERS, template_errors


def _placeholder_help() -> str:
    return ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)


class TemplateForm(SafeForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text (Swedish)"), widget=forms.Textarea(attrs={"rows": 16}))
    body_en = forms.CharField(label=_("Text (English)"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    body_ar = forms.CharField(label=_("Text (Arabic)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 8, "dir": "rtl", "lang": "ar"}))

    def __init__(self, *args, postcard: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _("Placeholders you may use: %(list)s") % {"list": _placeholder_help()}
        if not postcard:
            del self.fields["body_en"]
            del self.fields["body_ar"]

    def clean(self) -> dict:
        data = super().clean()
        for name, value in list(data.items()):
            for error in template_errors(value or ""):
                self.add_error(name, error)
        return data


class BatchForm(SafeForm):
    municipality = forms.TypedChoiceField(label=_("Municipality"), coerce=int)
    template_code = forms.ChoiceField(
        label=_("Template"),
        choices=[(TemplateCode.LETTER_INTRO, TemplateCode.LETTER_INTRO.label),
                 (TemplateCode.POSTCARD, TemplateCode.POSTCARD.label)])

    def __init__(self, *args, municipalities=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [(m.pk, m.name) for m in municipalities]


class SingleLetterForm(SafeForm):
    template_code = forms.ChoiceField(label=_("Letter"), choices=TemplateCode.choices)


class SmsForm(SafeForm):
    to_guardian = forms.BooleanField(label=_("Send to the guardian"), required=False)
    text = forms.CharField(label=_("Message"), max_length=640, widget=forms.Textarea(attrs={"rows": 4}))


class EmailForm(SafeForm):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))


class ReplyCodeForm(SafeForm):
    code = forms.CharField(label=_("Your code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false"}))


class ReplyForm(SafeForm):
    KIND_CHOICES = replies.KIND_CHOICES
    RESPONDENT_CHOICES = [("youth", _("I got the letter myself")), ("guardian", _("I am a parent or guardian"))]
    OCCUPATION_CHOICES = replies.OCCUPATION_CHOICES

    respondent = forms.ChoiceField(label=_("Who is answering?"), choices=RESPONDENT_CHOICES,
                                   widget=forms.RadioSelect, initial="youth")
    kind = forms.ChoiceField(label=_("What would you like?"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    phone = forms.CharField(label=_("Phone number"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail address"), max_length=200, required=False)
    best_time = forms.CharField(label=_("When is it best to reach you?"), max_length=200, required=False)
    meeting_when = forms.CharField(label=_("When would you like to meet?"), max_length=200, required=False)
    meeting_where = forms.CharField(label=_("Where would you like to meet?"), max_length=200, required=False)
    occupation = forms.ChoiceField(label=_("What are you doing now?"), choices=OCCUPATION_CHOICES, required=False)
    occupation_detail = forms.CharField(label=_("Tell us more (school, workplace)"), max_length=200,
                                        required=False)
    message = forms.CharField(label=_("Anything else?"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    # The reply page is in Swedish (or English) with Arabic beside every text, like /svar/ and the postcard.
    ARABIC = {
        "respondent": "من يجيب؟",
        "kind": "ماذا تريد؟",
        "phone": "رقم الهاتف",
        "email": "البريد الإلكتروني",
        "best_time": "ما هو أفضل وقت للتواصل معك؟",
        "meeting_when": "متى تود أن نلتقي؟",
        "meeting_where": "أين تود أن نلتقي؟",
        "occupation": "ماذا تفعل الآن؟",
        "occupation_detail": "أخبرنا المزيد (المدرسة، مكان العمل)",
        "message": "هل هناك شيء آخر؟",
    }
    ARABIC_CHOICES = {
        "youth": "أنا من استلم الرسالة",
        "guardian": "أنا أحد الوالدين أو ولي الأمر",
        "contact": "تواصلوا معي",
        "meeting": "أود أن نلتقي",
        "occupation": "لدي بالفعل عمل أو دراسة أو نشاط آخر",
        "": "اختر",
        "work": "عمل",
        "studies": "دراسة في مدرسة أخرى",
        "other": "شيء آخر",
    }
    ARABIC_ERRORS = {
        "phone": "أدخل رقم هاتف أو بريدًا إلكترونيًا.",
        "meeting_when": "أخبرنا متى أو أين تود أن نلتقي.",
        "occupation": "اختر ماذا تفعل الآن.",
        "required": "يجب ملء هذا الحقل.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.arabic = self.ARABIC[name]
            if isinstance(field.widget, forms.RadioSelect):
                field.choices = [(value, format_html('{} <span lang="ar" dir="rtl">{}</span>', label,
                                                     self.ARABIC_CHOICES[value])) for value, label in field.choices]
            elif isinstance(field, forms.ChoiceField):
                field.choices = [(value, f"{label} / {self.ARABIC_CHOICES[value]}") for value, label in field.choices]

    def arabic_error(self, name: str) -> str:
        return self.ARABIC_ERRORS.get(name, self.ARABIC_ERRORS["required"])

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if kind == "contact" and not (data.get("phone") or data.get("email")):
            self.add_error("phone", _("Give a phone number or an e-mail address."))
        if kind == "meeting" and not (data.get("meeting_when") or data.get("meeting_where")):
            self.add_error("meeting_when", _("Tell us when or where you would like to meet."))
        if kind == "occupation" and not data.get("occupation"):
            self.add_error("occupation", _("Choose what you are doing now."))
        return data

    def answers(self) -> dict[str, str]:
        keys = ("respondent", "phone", "email", "best_time", "meeting_when", "meeting_where", "occupation",
                "occupation_detail", "message")
        return {key: str(self.cleaned_data.get(key) or "").strip() for key in keys}
