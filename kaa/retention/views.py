"""The administrator's thinning page: the rules of each municipality they administer, what a run
would remove today (counts per kind, never names), the last runs; and a rule's form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kaa.accounts.policy import Perm, require_perm

from . import selectors
from .forms import RuleForm
from .services import retention_rule_save


@require_perm(Perm.SETTINGS_MANAGE)
def index(request: HttpRequest) -> HttpResponse:
    """One municipality at a time (``?municipality=``): its preview counts every table of every kind."""
    municipalities = list(selectors.managed_municipalities(request.user))
    chosen = next(
        (m for m in municipalities if str(m.pk) == request.GET.get("municipality")),
        municipalities[0] if municipalities else None,
    )
    return render(
        request,
        "retention/index.html",
        {
            "municipalities": municipalities,
            "municipality": chosen,
            "preview": selectors.preview(chosen) if chosen else [],
            "runs": selectors.last_runs(chosen) if chosen else [],
        },
    )


@require_perm(Perm.SETTINGS_MANAGE)
def rule_edit(request: HttpRequest, municipality_id: int, kind: str) -> HttpResponse:
    rule = selectors.rule_or_404(request.user, municipality_id, kind)
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            retention_rule_save(user=request.user, rule=rule, values=form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The rule was saved."))
            return redirect("retention:index")
    return render(request, "retention/rule_form.html", {"form": form, "rule": rule})


def _add_errors(form: RuleForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)
