from django import forms

from kaa.core.forms import SafeModelForm

from .models import RetentionRule
from .services import RULE_FIELDS, allowed_counted_from


class RuleForm(SafeModelForm):
    class Meta:
        model = RetentionRule
        fields = RULE_FIELDS

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        allowed = allowed_counted_from(self.instance.kind)
        field = self.fields["counted_from"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(value, label) for value, label in field.choices if value in allowed]
