"""Reports pages: the SCB file with its pre-submission check, the code table, resource planning. Thin."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaa.accounts.policy import Perm, has_perm, municipalities_with, require_perm
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record
from kaa.casework.codes import CodeTable
from kaa.casework.models import Code, CodeKind
from kaa.outreach.models import Channel

from . import followup, scb, selectors, services
from .forms import CodeForm, CodeNewForm, FollowUpForm, PlanningSettingsForm, WhatIfForm
from .labels import problem_label, severity_label
from .periods import HalfYear


def _period(request: HttpRequest) -> HalfYear:
    try:
        return HalfYear.parse(request.GET.get("period") or request.POST.get("period") or "")
    except ValueError:
        return HalfYear.containing(timezone.localdate()).previous()


@require_perm(Perm.REPORTS_VIEW)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "reporting/index.html", {
        "may_export": has_perm(request.user, Perm.STATISTICS_EXPORT),
    })


@require_perm(Perm.STATISTICS_EXPORT)
def statistics(request: HttpRequest) -> HttpResponse:
    municipality = selectors.municipality_for(user=request.user, perm=Perm.STATISTICS_EXPORT,
                                              code=request.GET.get("municipality"))
    period = _period(request)
    result = scb.compute(municipality=municipality, period=period)
    problems = [{"youth_id": p.youth_id, "severity": p.severity, "severity_label": severity_label(p.severity),
                 "label": problem_label(p.kind), "detail": p.detail} for p in result.problems]
    audit_record(user=request.user, action=AuditAction.LIST, object_type="statistics_check",
                 municipality_id=municipality.pk, detail=str(period))
    shares = result.shares()
    percent = {key: round(100 * n / shares["youths"]) if shares["youths"] else 0 for key, n in shares.items()}
    current = HalfYear.containing(timezone.localdate())
    periods = [current, current.previous(), current.previous().previous(), current.previous().previous().previous()]
    return render(request, "reporting/statistics.html", {
        "municipality": municipality, "period": period, "periods": [str(p) for p in periods],
        "municipalities": municipalities_with(request.user, Perm.STATISTICS_EXPORT),
        "problems": problems, "errors": len(result.errors), "warnings": len(result.warnings),
        "shares": shares, "percent": percent, "rows": len(result.rows),
        "files": selectors.statistics_files(municipality=municipality),
    })


@require_POST
@require_perm(Perm.STATISTICS_EXPORT)
def statistics_download(request: HttpRequest) -> HttpResponse:
    municipality = selectors.municipality_for(user=request.user, perm=Perm.STATISTICS_EXPORT,
                                              code=request.POST.get("municipality"))
    file_format = request.POST.get("format") if request.POST.get("format") in services.FORMATS else "csv"
    produced = services.statistics_file_produce(municipality=municipality, period=_period(request),
                                                user=request.user, file_format=file_format, via="web")
    response = HttpResponse(produced.content, content_type=produced.content_type)
    response["Content-Disposition"] = f'attachment; filename="{produced.filename}"'
    return response


@require_perm(Perm.SETTINGS_MANAGE)
def code_list(request: HttpRequest) -> HttpResponse:
    return render(request, "reporting/code_list.html", {"codes": selectors.code_table()})


@require_perm(Perm.SETTINGS_MANAGE)
def code_new(request: HttpRequest) -> HttpResponse:
    form = CodeNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.code_save(form=form, user=request.user)
        messages.success(request, _("The code is saved."))
        return redirect("reporting:code_list")
    return render(request, "reporting/code_form.html", {"form": form, "code": None})


@require_perm(Perm.SETTINGS_MANAGE)
def code_edit(request: HttpRequest, code_pk: int) -> HttpResponse:
    code = get_object_or_404(Code, pk=code_pk)
    form = CodeForm(request.POST or None, instance=code)
    if request.method == "POST" and form.is_valid():
        services.code_save(form=form, user=request.user)
        messages.success(request, _("The code is saved."))
        return redirect("reporting:code_list")
    return render(request, "reporting/code_form.html", {"form": form, "code": code})


@require_perm(Perm.REPORTS_VIEW, Perm.SETTINGS_MANAGE)
def resource_plan(request: HttpRequest) -> HttpResponse:
    perm = Perm.REPORTS_VIEW if has_perm(request.user, Perm.REPORTS_VIEW) else Perm.SETTINGS_MANAGE
    municipality = selectors.municipality_for(user=request.user, perm=perm, code=request.GET.get("municipality"))
    current = selectors.youths_in_register(municipality=municipality)
    what_if = WhatIfForm(request.GET if "youths" in request.GET else None)
    manage = has_perm(request.user, Perm.SETTINGS_MANAGE, municipality.pk)
    form = None
    if manage:
        form = PlanningSettingsForm(request.POST or None, instance=services.planning_settings_for(municipality))
        if request.method == "POST" and form.is_valid():
            services.planning_settings_save(municipality=municipality, user=request.user, **form.cleaned_data)
            messages.success(request, _("The planning figures are saved."))
            return redirect(f"{reverse('reporting:resource_plan')}?municipality={municipality.code}")
    return render(request, "reporting/resource_plan.html", {
        "municipality": municipality, "municipalities": municipalities_with(request.user, perm),
        "current": selectors.resource_plan(municipality=municipality, youths=current),
        "what_if": what_if,
        "what_if_plan": (selectors.resource_plan(municipality=municipality, youths=what_if.cleaned_data["youths"])
                         if what_if.is_bound and what_if.is_valid() else None),
        "table": [selectors.resource_plan(municipality=municipality, youths=n) for n in selectors.SEED_TABLE],
        "form": form,
    })


SMALL = 5  # cells under this are shown as "<5" to heads and boards (no youth can be singled out)


def _cell(n: Any, exact: bool) -> str:
    if isinstance(n, int) and not exact and 0 < n < SMALL:
        return f"<{SMALL}"
    return str(n)


def _table(counts: dict[str, int], label: Any, exact: bool) -> list[dict]:
    return [{"label": label(key), "n": _cell(n, exact)} for key, n in counts.items()]


@require_perm(Perm.REPORTS_VIEW)
def follow_up(request: HttpRequest) -> HttpResponse:
    municipality = selectors.municipality_for(user=request.user, perm=Perm.REPORTS_VIEW,
                                              code=request.GET.get("municipality"))
    form = FollowUpForm(request.GET if "start" in request.GET else None)
    today = timezone.localdate()
    start, end = today.replace(month=1, day=1), today
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    elif not form.is_bound:
        form = FollowUpForm(initial={"start": start, "end": end})
    figures = selectors.follow_up(user=request.user, municipality=municipality, start=start, end=end)
    exact = has_perm(request.user, Perm.STATISTICS_EXPORT, municipality.pk)
    codes = CodeTable.load()
    channels = {**dict(Channel.choices), followup.PUBLIC_PAGE: _("Reply on the public page"),
                followup.MEETING: _("Meeting")}
    sections = [
        (_("Reason for registration"), _table(figures["by_reason"],
                                              lambda c: codes.label(CodeKind.REGISTRATION_REASON, c), exact)),
        (_("How contact was made"), _table(figures["by_channel"], lambda c: str(channels.get(c, c)), exact)),
        (_("Occupation at first contact"), _table(figures["occupation_at_contact"],
                                                  lambda c: codes.label(CodeKind.OCCUPATION, c), exact)),
        (_("Measures"), _table(figures["measures"], lambda c: codes.label(CodeKind.MEASURE, c), exact)),
        (_("What they do now"), _table(figures["occupation_now"],
                                       lambda c: codes.label(CodeKind.OCCUPATION, c), exact)),
        (_("Left the register"), _table(figures["left"], lambda c: codes.label(CodeKind.DEREGISTRATION, c),
                                        exact)),
    ]
    summary = [
        (_("Youths in the register during the range"), _cell(figures["in_register"], exact)),
        (_("Registered for the first time"), _cell(figures["first_time"], exact)),
        (_("Contacted"), _cell(figures["contacted"], exact)),
        (_("In a measure"), _cell(figures["youths_in_measure"], exact)),
        (_("Declined their first measure"), _cell(figures["declined_first_measure"], exact)),
        (_("Median days in the register"), figures["median_days_in_register"]),
        (_("Median days to the first contact attempt"), figures["median_days_to_first_attempt"]),
        (_("Median days to contact"), figures["median_days_to_contact"]),
    ]
    return render(request, "reporting/follow_up.html", {
        "municipality": municipality, "municipalities": municipalities_with(request.user, Perm.REPORTS_VIEW),
        "form": form, "start": start, "end": end, "summary": summary, "sections": sections, "exact": exact,
    })
