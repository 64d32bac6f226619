"""Pages of preventive work: the signals, opening a preventive case with consent, the case (meetings,
mapping, the people working with the pupil), the attendance import and the municipality's settings."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from kaa.accounts.models import User
from kaa.accounts.policy import Perm, PreventionPerm, municipalities_with, require_perm
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record
from kaa.casework.models import MAPPING_FIELDS
from kaa.imports.uploads import UploadLimit

from . import selectors, services
from .forms import (
    AttendanceImportForm,
    MeetingForm,
    OpenCaseForm,
    PreventiveMappingForm,
    SettingsForm,
    WorkerForm,
    apply_errors,
)
from .models import PreventiveCase, PreventiveStatus, SignalState

PAGE_SIZE = 50
WORK = PreventionPerm.WORK


def _audit_list(request: HttpRequest, object_type: str, rows: list[tuple[int, int]], detail: str) -> None:
    """One LIST entry per row shown (row id, municipality). No youth id: a signal is not the register."""
    with transaction.atomic():
        for pk, municipality_id in rows:
            audit_record(
                user=request.user,
                action=AuditAction.LIST,
                object_type=object_type,
                object_id=pk,
                municipality_id=municipality_id,
                detail=detail,
            )


def _audit_case(request: HttpRequest, case: PreventiveCase, detail: str = "") -> None:
    audit_record(
        user=request.user,
        action=AuditAction.VIEW,
        object_type="preventive_case",
        object_id=case.pk,
        youth_id=case.youth_id,
        municipality_id=case.municipality_id,
        detail=detail,
    )


# --- Signals ------------------------------------------------------------------------------------------


@require_perm(WORK)
def signals(request: HttpRequest) -> HttpResponse:
    """Pupils to act on: attendance signals and the schools' early signals. Nothing is opened by itself."""
    kind = "early" if request.GET.get("kind") == "early" else "attendance"
    status = request.GET.get("status", SignalState.NEW)
    if kind == "early":
        qs, withheld = selectors.early_signals(user=request.user), selectors.early_signals_withheld(user=request.user)
    else:
        qs = selectors.attendance_signals(user=request.user, status=status)
        withheld = selectors.attendance_signals_withheld(user=request.user, status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_list(request, f"{kind}_signal", [(s.pk, s.municipality_id) for s in page.object_list], "prevention_signals")
    return render(
        request,
        "prevention/signals.html",
        {"page_obj": page, "kind": kind, "status": status, "statuses": SignalState.choices, "withheld": withheld},
    )


@require_POST
@require_perm(WORK)
def signal_dismiss(request: HttpRequest, signal_pk: int) -> HttpResponse:
    signal = selectors.attendance_signal_or_404(user=request.user, pk=signal_pk)
    services.attendance_signal_dismiss(signal=signal, user=request.user)
    messages.success(request, _("The signal is marked: no action for now."))
    return redirect("prevention:signals")


def _open(
    request: HttpRequest,
    *,
    initial: dict,
    signal_kwargs: dict,
    municipality_id: int,
    personnummer: str,
    protected: bool,
    template_context: dict,
) -> HttpResponse:
    form = OpenCaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.preventive_case_open(
                user=request.user,
                municipality_id=municipality_id,
                personnummer=personnummer,
                protected=protected,
                **signal_kwargs,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("The preventive case is opened. Only the people working with the pupil see it.")
            )
            return redirect("prevention:case_detail", case_pk=case.pk)
    return render(request, "prevention/open.html", {"form": form, **template_context})


@require_perm(WORK)
def open_from_early_signal(request: HttpRequest, signal_pk: int) -> HttpResponse:
    signal = selectors.early_signal_or_404(user=request.user, pk=signal_pk)
    audit_record(
        user=request.user,
        action=AuditAction.VIEW,
        object_type="early_signal",
        object_id=signal.pk,
        municipality_id=signal.municipality_id,
        detail="open_preventive_case",
    )
    initial = {
        "given_name": signal.given_name,
        "family_name": signal.family_name,
        "school_unit_name": signal.school_unit_name,
        "consent_by": signal.consent_by,
    }
    return _open(
        request,
        initial=initial,
        signal_kwargs={"early_signal": signal},
        municipality_id=signal.municipality_id,
        personnummer=signal.personnummer,
        protected=signal.protected,
        template_context={"early_signal": signal},
    )


@require_perm(WORK)
def open_from_attendance(request: HttpRequest, signal_pk: int) -> HttpResponse:
    signal = selectors.attendance_signal_or_404(user=request.user, pk=signal_pk)
    audit_record(
        user=request.user,
        action=AuditAction.VIEW,
        object_type="attendance_signal",
        object_id=signal.pk,
        municipality_id=signal.municipality_id,
        detail="open_preventive_case",
    )
    initial = {"given_name": signal.given_name or "", "family_name": signal.family_name or ""}
    return _open(
        request,
        initial=initial,
        signal_kwargs={"attendance_signal": signal},
        municipality_id=signal.municipality_id,
        personnummer=signal.personnummer,
        protected=signal.protected,
        template_context={"attendance_signal": signal},
    )


# --- Preventive cases ---------------------------------------------------------------------------------


@require_perm(WORK)
def cases(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", PreventiveStatus.OPEN)
    page = Paginator(selectors.preventive_cases(user=request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _audit_list(request, "preventive_case", [(c.pk, c.municipality_id) for c in page.object_list], "preventive_cases")
    return render(
        request, "prevention/cases.html", {"page_obj": page, "status": status, "statuses": PreventiveStatus.choices}
    )


@require_perm(WORK)
def case_detail(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = selectors.preventive_case_or_404(user=request.user, pk=case_pk)
    _audit_case(request, case)
    worker_form = WorkerForm(choices=selectors.colleague_choices(case=case))
    return render(
        request,
        "prevention/case_detail.html",
        {
            "case": case,
            "worker_form": worker_form,
            "may_write": case.status != PreventiveStatus.CARRIED,
            **selectors.case_page(case=case),
        },
    )


@require_perm(WORK)
def meeting_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = selectors.preventive_case_or_404(user=request.user, pk=case_pk)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.preventive_meeting_record(case=case, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The meeting is recorded."))
            return redirect("prevention:case_detail", case_pk=case.pk)
    _audit_case(request, case, "meeting_form")
    return render(request, "prevention/meeting_form.html", {"case": case, "form": form})


@require_perm(WORK)
def mapping_edit(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = selectors.preventive_case_or_404(user=request.user, pk=case_pk)
    latest = selectors.latest_mapping(case)
    initial = {name: getattr(latest, name) for name in MAPPING_FIELDS} if latest else {}
    form = PreventiveMappingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.preventive_mapping_save(case=case, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The mapping is saved."))
            return redirect("prevention:case_detail", case_pk=case.pk)
    _audit_case(request, case, "mapping_form")
    return render(request, "prevention/mapping_form.html", {"case": case, "form": form, "latest": latest})


@require_POST
@require_perm(WORK)
def worker_add(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = selectors.preventive_case_or_404(user=request.user, pk=case_pk)
    form = WorkerForm(request.POST, choices=selectors.colleague_choices(case=case))
    if form.is_valid():
        colleague = User.objects.get(pk=form.cleaned_data["colleague"])
        try:
            services.preventive_worker_add(case=case, user=request.user, colleague=colleague)
        except ValidationError:
            messages.error(request, _("The colleague does not do preventive work in the municipality."))
        else:
            messages.success(request, _("The colleague now works with the pupil and sees the case."))
    else:
        messages.error(request, _("Choose a colleague from the list."))
    return redirect("prevention:case_detail", case_pk=case.pk)


@require_POST
@require_perm(WORK)
def case_close(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = selectors.preventive_case_or_404(user=request.user, pk=case_pk)
    services.preventive_case_close(case=case, user=request.user)
    messages.success(request, _("The preventive case is closed."))
    return redirect("prevention:case_detail", case_pk=case.pk)


# --- Attendance import and settings -------------------------------------------------------------------


@csrf_exempt
@require_perm(Perm.IMPORTS_RUN)
def attendance_upload(request: HttpRequest) -> HttpResponse:
    limit = UploadLimit(request, limit=settings.KAA_MAX_UPLOAD_BYTES)
    request.upload_handlers.insert(0, limit)
    return _attendance_upload(request, limit)


@csrf_protect
def _attendance_upload(request: HttpRequest, limit: UploadLimit) -> HttpResponse:
    municipalities = municipalities_with(request.user, Perm.IMPORTS_RUN)
    posted = request.method == "POST"
    form = AttendanceImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        municipalities=municipalities,
        too_large=limit.exceeded,
    )
    run = None
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        run = services.attendance_import(
            source=upload, municipality=form.cleaned_data["municipality"], user=request.user, filename=upload.name
        )
        form = AttendanceImportForm(municipalities=municipalities)
    recent = Paginator(
        selectors.imports_for(user=request.user, municipality_ids=[m.pk for m in municipalities]), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "prevention/import.html", {"form": form, "run": run, "page_obj": recent})


@require_perm(Perm.SETTINGS_MANAGE)
def attendance_settings(request: HttpRequest) -> HttpResponse:
    municipalities = municipalities_with(request.user, Perm.SETTINGS_MANAGE)
    code = request.GET.get("municipality") or (municipalities[0].code if municipalities else "")
    municipality = next((m for m in municipalities if m.code == code), None)
    if municipality is None:
        raise Http404
    cfg = services.attendance_settings_for(municipality)
    initial = {n: getattr(cfg, n) for n in ("threshold_percent", "weeks", "keep_weeks", "thinning_months")}
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_settings_save(municipality=municipality, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The settings are saved and the signals are updated."))
            return redirect(f"{request.path}?municipality={municipality.code}")
    return render(
        request,
        "prevention/settings.html",
        {"form": form, "municipality": municipality, "municipalities": municipalities},
    )
