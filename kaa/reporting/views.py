"""Reports pages: the SCB file with its pre-submission check, the code table, resource planning. Thin."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaa.accounts.policy import Perm, has_perm, municipalities_with, require_perm
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record
from kaa.casework.models import Code
from kaa.core import tabular

from . import followup_output, pdf, scb, selectors, services
from .forms import CodeForm, CodeNewForm, FollowUpForm, FollowUpGoalsForm, PlanningSettingsForm, WhatIfForm
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


def _follow_up_range(request: HttpRequest) -> tuple[FollowUpForm, datetime.date, datetime.date]:
    """The range asked for (``start``, ``end``); from 1 January to today by default or when invalid."""
    form = FollowUpForm(request.GET if "start" in request.GET else None)
    today = timezone.localdate()
    start, end = today.replace(month=1, day=1), today
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    elif not form.is_bound:
        form = FollowUpForm(initial={"start": start, "end": end})
    return form, start, end


def _follow_up(request: HttpRequest, action: str = AuditAction.LIST) -> dict:
    municipality = selectors.municipality_for(user=request.user, perm=Perm.REPORTS_VIEW,
                                              code=request.GET.get("municipality"))
    form, start, end = _follow_up_range(request)
    return {
        "form": form, "municipality": municipality, "start": start, "end": end,
        "report": selectors.follow_up_report(user=request.user, municipality=municipality, start=start, end=end,
                                             action=action),
        "exact": has_perm(request.user, Perm.STATISTICS_EXPORT, municipality.pk),
        "goals": selectors.follow_up_goals(municipality=municipality, year=end.year),
    }


def _document(found: dict) -> followup_output.FollowUpDocument:
    return followup_output.document(report=found["report"], municipality=found["municipality"],
                                    start=found["start"], end=found["end"], exact=found["exact"],
                                    goals=found["goals"])


@require_perm(Perm.REPORTS_VIEW)
def follow_up(request: HttpRequest) -> HttpResponse:
    found = _follow_up(request)
    doc = _document(found)
    query = urlencode({"municipality": doc.municipality.code, "start": doc.start.isoformat(),
                       "end": doc.end.isoformat()})
    return render(request, "reporting/follow_up.html", {
        "doc": doc, "form": found["form"], "query": query,
        "municipalities": municipalities_with(request.user, Perm.REPORTS_VIEW),
        "may_edit_goals": has_perm(request.user, Perm.STATISTICS_EXPORT, doc.municipality.pk),
    })


@require_perm(Perm.REPORTS_VIEW)
def follow_up_pdf(request: HttpRequest) -> HttpResponse:
    found = _follow_up(request, AuditAction.EXPORT)
    doc, content = pdf.follow_up_pdf(report=found["report"], municipality=found["municipality"],
                                     start=found["start"], end=found["end"], exact=found["exact"],
                                     goals=found["goals"])
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{followup_output.filename(doc, "pdf")}"'
    return response


@require_perm(Perm.REPORTS_VIEW)
def follow_up_xlsx(request: HttpRequest) -> HttpResponse:
    found = _follow_up(request, AuditAction.EXPORT)
    with translation.override("sv"):
        doc = _document(found)
        content = followup_output.xlsx(doc)
    response = HttpResponse(content, content_type=tabular.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{followup_output.filename(doc, "xlsx")}"'
    return response


# The goals are the coordinator's: the grant of the individual-level statistics is the coordinator's alone.
@require_perm(Perm.STATISTICS_EXPORT)
def follow_up_goals(request: HttpRequest, year: int) -> HttpResponse:
    municipality = selectors.municipality_for(user=request.user, perm=Perm.STATISTICS_EXPORT,
                                              code=request.GET.get("municipality"))
    if not 2000 <= year <= 2099:
        raise Http404
    goals = selectors.follow_up_goals(municipality=municipality, year=year)
    initial = {"goals_text": goals.goals_text, "work_text": goals.work_text} if goals else None
    form = FollowUpGoalsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.follow_up_goals_save(municipality=municipality, year=year, user=request.user, **form.cleaned_data)
        messages.success(request, _("The goals are saved."))
        back = urlencode({"municipality": municipality.code, "start": f"{year}-01-01", "end": f"{year}-06-30"})
        return redirect(f"{reverse('reporting:follow_up')}?{back}")
    return render(request, "reporting/follow_up_goals.html", {
        "form": form, "municipality": municipality, "year": year, "goals": goals,
    })
