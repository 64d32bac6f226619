"""Register pages: the coordinator's register list and export, the caseworker's youth list, the youth
page, manual corrections, and school reports (leaving form, early signals)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaa.accounts.policy import (
    Perm,
    emergency_access_for,
    has_perm,
    municipalities_with,
    require_perm,
    visible_youths,
)
from kaa.accounts.services import emergency_access_start
from kaa.audit.decorators import audits_youth_read, youth_resolved
from kaa.audit.exports import audit_log_export
from kaa.audit.forms import EXPORT_FORMATS, AuditQuestionForm
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record, audit_records
from kaa.core.paging import page_of
from kaa.core.tabular import XLSX_CONTENT_TYPE, csv_writer, xlsx_bytes

from . import selectors, services
from .forms import CORRECTION_FORMS, EarlySignalForm, RegisterFilterForm, SchoolReportForm
from .labels import explain_status, reason_label
from .models import EarlySignal, SignalStatus
from .sections import sections_for_youth

PAGE_SIZE = 50
SORT_COLUMNS = {"name": gettext_lazy("Name"), "age": gettext_lazy("Age"), "reason": gettext_lazy("Reason"),
                "since": gettext_lazy("Since"), "coach": gettext_lazy("Coach")}
EXPORT_HEADER = ["personnummer", "name", "age", "status", "reason", "since", "coach", "school"]


def _register_form(request: HttpRequest) -> RegisterFilterForm:
    return RegisterFilterForm(request.GET or None, schools=selectors.school_choices(user=request.user),
                              coaches=selectors.coach_choices(user=request.user))


def _search(request: HttpRequest) -> str:
    # Searches may hold a personnummer, so they are POSTed and never end up in a URL.
    return request.POST.get("q", "").strip() if request.method == "POST" else ""


def _sort_headers(current: str) -> list[dict]:
    """Column headers: the sort parameter a click gives and the aria-sort state."""
    headers = []
    for key, label in SORT_COLUMNS.items():
        active = current.lstrip("-") == key
        descending = current.startswith("-")
        headers.append({"key": key, "label": label, "param": f"-{key}" if active and not descending else key,
                        "aria": ("descending" if descending else "ascending") if active else ""})
    return headers


@require_perm(Perm.REGISTER_VIEW)
def register_list(request: HttpRequest) -> HttpResponse:
    form = _register_form(request)
    search = _search(request)
    filters = form.filters(search)
    page = page_of(selectors.register_list(user=request.user, filters=filters), request.GET.get("page"),
                   per_page=PAGE_SIZE)
    audit_records(user=request.user, action=AuditAction.LIST, object_type="youth",
                  youths=[(y.pk, y.municipality_id) for y in page.object_list], detail="register_list")
    context = {"page_obj": page, "form": form, "q": search, "headers": _sort_headers(filters.sort),
               "today": timezone.localdate()}
    template = "register/_register_rows.html" if request.htmx else "register/register_list.html"
    return render(request, template, context)


def _export_rows(youths: list, today) -> list[list]:
    rows = []
    for y in youths:
        status = _("in the target group") if y.in_target_group else _("not in the target group")
        rows.append([y.personnummer, y.full_name, y.age_on(today), status, reason_label(y.register_reason),
                     y.register_since.isoformat() if y.register_since else "", str(y.coach) if y.coach else "",
                     y.latest_school or ""])
    return rows


@require_POST
@require_perm(Perm.REGISTER_VIEW)
def register_export(request: HttpRequest) -> HttpResponse:
    """The current view of the register list (same filters and search) as CSV or XLSX. No addresses."""
    filters = _register_form(request).filters(_search(request))
    youths = list(selectors.register_list(user=request.user, filters=filters))
    fmt = request.POST.get("format", "csv")
    audit_records(user=request.user, action=AuditAction.EXPORT, object_type="youth",
                  youths=[(y.pk, y.municipality_id) for y in youths], detail=f"register_list:{fmt}")
    today = timezone.localdate()
    rows = _export_rows(youths, today)
    stamp = today.isoformat()
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(rows, header=EXPORT_HEADER, sheet_title=_("Register")),
                                content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="register-{stamp}.xlsx"'
        return response
    buf = io.StringIO()
    writer = csv_writer(buf)
    writer.writerow(EXPORT_HEADER)
    writer.writerows(rows)
    response = HttpResponse("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="register-{stamp}.csv"'
    return response


@require_perm(Perm.YOUTH_VIEW)
def youth_list(request: HttpRequest) -> HttpResponse:
    search = _search(request)
    page = page_of(selectors.youth_list(user=request.user, search=search), request.GET.get("page"),
                   per_page=PAGE_SIZE)
    audit_records(user=request.user, action=AuditAction.LIST, object_type="youth",
                  youths=[(y.pk, y.municipality_id) for y in page.object_list])
    template = "register/_youth_rows.html" if request.htmx else "register/youth_list.html"
    return render(request, template, {"page_obj": page, "q": search,
                                      "perms_emergency": has_perm(request.user, Perm.EMERGENCY_OPEN)})


def _int_param(request: HttpRequest, name: str) -> int:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 7 else 0


@require_perm(Perm.YOUTH_VIEW)
@audits_youth_read()
def youth_detail(request: HttpRequest, pk: int) -> HttpResponse:
    youth = selectors.youth_page(user=request.user, pk=pk)
    youth_resolved(youth)  # found through readable_youths: the read entry needs no second look-up
    emergency = emergency_access_for(request.user, youth)
    if emergency is not None:
        # Read through emergency access: the read entry says so; the page offers no change.
        audit_record(user=request.user, action=AuditAction.VIEW, object_type="youth", object_id=youth.pk,
                     youth_id=youth.pk, municipality_id=youth.municipality_id, detail="emergency_access")
    # The register history pages by "show older" (?timeline=<items shown>): with htmx only the next items,
    # without it the whole page with every item up to there.
    shown = _int_param(request, "timeline")
    if shown and request.htmx:
        return render(request, "register/_timeline_items.html",
                      {"youth": youth, "timeline": selectors.youth_timeline(youth=youth, offset=shown)})
    today = timezone.localdate()
    mun = youth.municipality_id
    writable = emergency is None
    return render(request, "register/youth_detail.html", {
        "emergency": emergency,
        "read_only": not writable,  # sections (kaa.register.sections) offer no action then
        "youth": youth,
        "age": youth.age_on(today),
        "explanation": explain_status(youth),
        "reason_label": reason_label(youth.register_reason),
        "guardians": list(youth.guardians.all()) if youth.age_on(today) < 18 else [],
        "enrolments": selectors.youth_enrolments(youth=youth),
        "timeline": selectors.youth_timeline(youth=youth, limit=shown + selectors.TIMELINE_PAGE),
        "sections": sections_for_youth(request.user, youth),
        "can_audit": has_perm(request.user, Perm.AUDIT_VIEW, mun),
        "can_correct": writable and has_perm(request.user, Perm.REGISTER_CORRECT, mun),
        "can_message": writable and has_perm(request.user, Perm.WORKLIST, mun),
        "corrections": [(kind, label) for kind, (_form, label) in CORRECTION_FORMS.items()],
    })


# --- Emergency access ("break the glass") -----------------------------------------------------------

@require_perm(Perm.EMERGENCY_OPEN)
def emergency(request: HttpRequest) -> HttpResponse:
    """Find a youth of one's own municipality by record id or name (POSTed: never in a URL) and open it
    with emergency access by stating a reason."""
    search = _search(request)
    results = selectors.emergency_search(user=request.user, search=search)
    if results:
        audit_records(user=request.user, action=AuditAction.LIST, object_type="youth",
                      youths=[(y.pk, y.municipality_id) for y, _in_scope in results], detail="emergency_search")
    return render(request, "register/emergency.html", {"q": search, "results": results,
                                                       "searched": bool(search), "errors": {}})


@require_POST
@require_perm(Perm.EMERGENCY_OPEN)
def emergency_open(request: HttpRequest) -> HttpResponse:
    """Start an emergency access (read only, three hours) and show the youth."""
    youth = None
    youth_id = request.POST.get("youth", "")
    if youth_id.isdigit():
        youth = selectors.emergency_candidates_get(user=request.user, pk=int(youth_id))
    if youth is None:
        raise Http404
    if visible_youths(request.user).filter(pk=youth.pk).exists():
        return redirect("register:youth_detail", pk=youth.pk)  # in the user's scope: no emergency needed
    try:
        emergency_access_start(user=request.user, youth=youth, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        results = [(youth, False)]
        audit_records(user=request.user, action=AuditAction.LIST, object_type="youth",
                      youths=[(youth.pk, youth.municipality_id)], detail="emergency_search")
        return render(request, "register/emergency.html", {
            "q": "", "results": results, "searched": True, "reason": request.POST.get("reason", ""),
            "errors": {youth.pk: exc.message_dict.get("reason", [])}})
    return redirect("register:youth_detail", pk=youth.pk)


@require_perm(Perm.AUDIT_VIEW)
@audits_youth_read()
def youth_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has seen or changed this youth (the audit log of one record), filtered by date and action;
    ``?export=csv|xlsx`` gives the same answer as a file (audited as an export)."""
    form = AuditQuestionForm(request.GET)
    youth, entries = selectors.youth_audit_log(user=request.user, pk=pk, **form.filters())
    youth_resolved(youth)  # in the working scope, so readable: the read entry needs no second look-up
    fmt = request.GET.get("export", "")
    if fmt in EXPORT_FORMATS and form.is_valid():
        f = form.filters()
        return audit_log_export(
            user=request.user, entries=entries, fmt=fmt, name=f"audit-youth-{youth.pk}", youth_id=youth.pk,
            municipality_id=youth.municipality_id, object_id=youth.pk,
            what=f"youth_log:{f['date_from']:%Y-%m-%d}..{f['date_to']:%Y-%m-%d}:{f['action'] or 'all'}")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    # The links of the 50 rows, each reversed once here rather than twice a row in the template.
    youth_url, users = reverse("register:youth_log", args=[youth.pk]), {}
    for entry in page:
        if entry.user_id and entry.user_id not in users:
            users[entry.user_id] = reverse("audit:user", args=[entry.user_id])
        entry.user_url = users.get(entry.user_id, "")
        entry.youth_url = youth_url if entry.youth_id == youth.pk else ""
    return render(request, "register/youth_audit_log.html",
                  {"youth": youth, "page_obj": page, "form": form, "youth_links": True})


@require_perm(Perm.REGISTER_CORRECT)
@audits_youth_read()
def youth_correct(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in CORRECTION_FORMS:
        raise Http404
    youth = selectors.youth_detail(user=request.user, pk=pk)
    if not has_perm(request.user, Perm.REGISTER_CORRECT, youth.municipality_id):
        raise Http404
    form_class, title = CORRECTION_FORMS[kind]
    initial = {"municipality_code": youth.municipality.code} if kind == "moved_in" else None
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if kind == "equivalent_education":
                services.correction_equivalent_education(youth=youth, user=request.user, **data)
            elif kind == "moved_in":
                services.correction_moved_in(youth=youth, user=request.user, **data)
            elif kind == "degree_checked":
                services.correction_degree_checked(youth=youth, user=request.user, **data)
            else:
                services.correction_enrolment_add(youth=youth, user=request.user, **data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The correction is saved and the register is updated."))
            return redirect("register:youth_detail", pk=youth.pk)
    return render(request, "register/correct.html", {"youth": youth, "form": form, "title": title, "kind": kind})


# --- School staff: the leaving form and early signals ---------------------------------------------

def _reporter_municipalities(request: HttpRequest) -> list:
    return municipalities_with(request.user, Perm.SCHOOL_REPORT)


@require_perm(Perm.SCHOOL_REPORT)
def school_home(request: HttpRequest) -> HttpResponse:
    """The school's page: the two forms and the reporter's own recent reports (no other people's)."""
    return render(request, "register/school_home.html", {
        "reports": list(selectors.own_school_reports(user=request.user)[:50]),
        "signals": list(selectors.own_early_signals(user=request.user)[:50]),
    })


def _municipality_id(request: HttpRequest) -> int | None:
    value = request.POST.get("municipality", "")
    return int(value) if value.isdigit() else None


@require_perm(Perm.SCHOOL_REPORT)
def school_report_new(request: HttpRequest) -> HttpResponse:
    form = SchoolReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.school_report_create(user=request.user, municipality_id=_municipality_id(request),
                                      **form.cleaned_data)
        messages.success(request, _("Thank you. The leaving report has been sent to KAA."))
        return redirect("register:school_home")
    return render(request, "register/school_report_form.html", {
        "form": form, "municipalities": _reporter_municipalities(request)})


@require_perm(Perm.SCHOOL_REPORT)
def early_signal_new(request: HttpRequest) -> HttpResponse:
    form = EarlySignalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.early_signal_create(user=request.user, municipality_id=_municipality_id(request),
                                         **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("consent", exc.message_dict.get("consent"))
        else:
            messages.success(request, _("Thank you. KAA will contact the pupil."))
            return redirect("register:school_home")
    return render(request, "register/early_signal_form.html", {
        "form": form, "municipalities": _reporter_municipalities(request)})


# --- Coordinator: incoming school reports and early signals ----------------------------------------

def _audit_rows(request: HttpRequest, object_type: str, rows: list[tuple[int, int | None, int]],
                detail: str) -> None:
    """One LIST entry per row shown: (row id, youth id or None, municipality id). Bounded by the page size."""
    with transaction.atomic():
        for pk, youth_id, municipality_id in rows:
            audit_record(user=request.user, action=AuditAction.LIST, object_type=object_type, object_id=pk,
                         youth_id=youth_id, municipality_id=municipality_id, detail=detail)


@require_perm(Perm.SCHOOL_SIGNALS_VIEW)
def school_reports(request: HttpRequest) -> HttpResponse:
    """Leaving reports. One about a pupil with a protected identity is, without the grant, only a count."""
    show = request.GET.get("show", "open")
    handled = None if show == "all" else False
    qs = selectors.school_reports(user=request.user, handled=handled)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    reports = list(page.object_list)
    visible = set(visible_youths(request.user).filter(
        pk__in=[r.youth_id for r in reports if r.youth_id]).values_list("pk", flat=True))
    for r in reports:
        r.youth_visible = r.youth_id in visible
    _audit_rows(request, "school_report", [(r.pk, r.youth_id, r.municipality_id) for r in reports],
                "school_reports")
    return render(request, "register/school_reports.html", {
        "page_obj": page, "reports": reports, "show": show,
        "withheld": selectors.school_reports_withheld(user=request.user, handled=handled)})


@require_POST
@require_perm(Perm.SCHOOL_SIGNALS_VIEW)
def school_report_action(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(selectors.school_reports(user=request.user), pk=pk)
    if request.POST.get("action") == "resolve":
        services.school_report_resolve(report=report, user=request.user)
        if report.youth_id:
            messages.success(request, _("The pupil was found in the register and the report was applied."))
        else:
            messages.warning(request, _("The pupil is still unknown to the register."))
    else:
        services.school_report_handle(report=report, user=request.user)
        messages.success(request, _("The report is marked as handled."))
    return redirect(reverse("register:school_reports"))


@require_perm(Perm.SCHOOL_SIGNALS_VIEW)
def early_signals(request: HttpRequest) -> HttpResponse:
    """Early signals. One about a pupil with a protected identity is, without the grant, only a count:
    the coordinator learns that a signal waits for a colleague with the grant, never whom it is about."""
    status = request.GET.get("status", "")
    page = Paginator(selectors.early_signals(user=request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page"))
    _audit_rows(request, "early_signal", [(s.pk, s.youth_pk, s.municipality_id) for s in page.object_list],
                "early_signals")
    return render(request, "register/early_signals.html", {
        "page_obj": page, "status": status, "statuses": SignalStatus.choices,
        "withheld": selectors.early_signals_withheld(user=request.user, status=status)})


@require_POST
@require_perm(Perm.SCHOOL_SIGNALS_VIEW)
def early_signal_status(request: HttpRequest, pk: int) -> HttpResponse:
    signal = get_object_or_404(EarlySignal.objects.filter(
        pk__in=selectors.early_signals(user=request.user).values("pk")), pk=pk)
    try:
        services.early_signal_set_status(signal=signal, user=request.user, status=request.POST.get("status", ""))
    except ValidationError:
        messages.error(request, _("Status: choose a status from the list."))
    return redirect("register:early_signals")

