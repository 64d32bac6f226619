"""Case-work pages: the acts on a youth's case (forms), the journal, the plan PDF, and the activity
bank. Thin: the rules are in services, selectors, due and the access policy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaa.accounts.policy import (
    CasePerm,
    activity_bank_municipality_ids,
    case_may_correct_journal,
    case_may_edit_measure,
    case_may_refer,
    partner_municipality_ids,
    require_perm,
)
from kaa.audit.decorators import audits_youth_read
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_records, audit_youth_view
from kaa.organisations.models import Municipality
from kaa.register.models import Youth

from . import pdf, selectors, services
from .codes import CodeTable
from .forms import (
    ActivityForm,
    CloseForm,
    ConsentForm,
    EvaluationForm,
    JournalForm,
    MappingForm,
    MeasureEditForm,
    MeasureForm,
    OccupationForm,
    PartnerForm,
    PlanAcceptForm,
    PlanForm,
    ReferralAnswerForm,
    ReferralForm,
    apply_errors,
)
from .labels import JOURNAL_TEMPLATES
from .models import (
    MAPPING_FIELDS,
    ActionPlan,
    Activity,
    Consent,
    EvaluationKind,
    JournalEntry,
    JournalKind,
    Mapping,
    Partner,
    ReferralStatus,
)

PAGE_SIZE = 50
VIEW, ACTIVITIES = CasePerm.VIEW, CasePerm.ACTIVITIES


def _youth_page(youth: Youth, anchor: str = "") -> str:
    return reverse("register:youth_detail", args=[youth.pk]) + (f"#{anchor}" if anchor else "")


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _form_page(request: HttpRequest, youth: Youth, form: Any, title: str, save: Callable[[], Any], *,
               anchor: str = "", done: str = "", template: str = "casework/form.html",
               aliases: dict[str, str] | None = None, extra: dict | None = None) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ValidationError as exc:
            apply_errors(form, exc, aliases)
        else:
            messages.success(request, done or _("Saved."))
            return redirect(_youth_page(youth, anchor))
    if request.method == "GET":  # the form shows the record as it is: a read, audited like the youth page
        audit_youth_view(user=request.user, youth=youth, detail=f"casework:{request.resolver_match.url_name}")
    return render(request, template, {"form": form, "youth": youth, "title": title, "anchor": anchor,
                                      **(extra or {})})


# --- Occupation --------------------------------------------------------------------------------------

@require_perm(VIEW)
@audits_youth_read()
def occupation_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the youth's occupation from a date (from the summary: one click, today)."""
    youth = selectors.case_youth(user=request.user, pk=pk)
    view = selectors.youth_case(request.user, youth)
    _require(view.may_write)
    table = view.codes
    current = view.current_occupation
    form = OccupationForm(request.POST or None, table=table,
                          initial={"start": timezone.localdate(), "code": current.code if current else ""})
    return _form_page(request, youth, form, _("Record occupation"), lambda: services.occupation_record(
        youth=youth, user=request.user, code=form.cleaned_data["code"], start=form.cleaned_data["start"],
        table=table), anchor="case-summary", done=_("The occupation is recorded."), aliases={"from": "start"},
        extra={"history": view.occupations, "codes": table})


# --- Mapping ----------------------------------------------------------------------------------------

@require_perm(VIEW)
@audits_youth_read()
def mapping_edit(request: HttpRequest, pk: int) -> HttpResponse:
    youth = selectors.case_youth(user=request.user, pk=pk)
    view = selectors.youth_case(request.user, youth)
    _require(view.may_write)
    initial = {name: getattr(view.mapping, name) for name in MAPPING_FIELDS} if view.mapping else {}
    initial["held_on"] = timezone.localdate()
    form = MappingForm(request.POST or None, initial=initial)
    title = _("Revise the mapping") if view.mapping else _("Mapping conversation")
    return _form_page(request, youth, form, title, lambda: services.mapping_save(
        youth=youth, user=request.user, **form.cleaned_data), anchor="case-mapping",
        done=_("The mapping is saved as a new version."), template="casework/mapping_form.html")


@require_perm(VIEW)
@audits_youth_read()
def mapping_history(request: HttpRequest, pk: int) -> HttpResponse:
    youth = selectors.case_youth(user=request.user, pk=pk)
    audit_youth_view(user=request.user, youth=youth, detail="mapping_history")
    return render(request, "casework/mapping_history.html", {
        "youth": youth, "versions": selectors.mapping_versions(youth=youth),
        "fields": [Mapping._meta.get_field(name) for name in MAPPING_FIELDS]})


# --- Plan ---------------------------------------------------------------------------------------------

@require_perm(VIEW)
@audits_youth_read()
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    youth = selectors.case_youth(user=request.user, pk=pk)
    view = selectors.youth_case(request.user, youth)
    _require(view.may_write)
    plan = view.plan
    form = PlanForm(request.POST or None, initial={"goal": plan.goal if plan else "",
                                                   "review_on": plan.review_on if plan else None})
    return _form_page(request, youth, form, _("The youth's goal"), lambda: services.plan_save(
        youth=youth, user=request.user, goal=form.cleaned_data["goal"], review_on=form.cleaned_data["review_on"]),
        anchor="case-plan", done=_("The plan is saved."))


@require_POST
@require_perm(VIEW)
@audits_youth_read()
def plan_accept(request: HttpRequest, pk: int) -> HttpResponse:
    youth = selectors.case_youth(user=request.user, pk=pk)
    form = PlanAcceptForm(request.POST)
    if form.is_valid():
        try:
            services.plan_accept(youth=youth, user=request.user, how=form.cleaned_data["how"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The youth's acceptance of the plan is recorded."))
    return redirect(_youth_page(youth, "case-plan"))


@require_perm(VIEW)
@audits_youth_read()
def plan_history(request: HttpRequest, pk: int) -> HttpResponse:
    youth = selectors.case_youth(user=request.user, pk=pk)
    audit_youth_view(user=request.user, youth=youth, detail="plan_history")
    return render(request, "casework/plan_history.html", {
        "youth": youth, "revisions": selectors.plan_revisions(youth=youth), "codes": CodeTable.load()})


@require_perm(VIEW)
@audits_youth_read()
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan in plain Swedish, for the youth to take home (and sign)."""
    youth = selectors.case_youth(user=request.user, pk=pk)
    # Before a plan is written the PDF says so: the goal and the measures are made together.
    plan = ActionPlan.objects.filter(youth=youth).first() or ActionPlan(youth=youth, revision=0)
    data = pdf.render_plan_pdf(youth=youth, plan=plan)
    services.plan_pdf_audit(youth=youth, user=request.user)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="handlingsplan-{timezone.localdate().isoformat()}.pdf"'
    return response


# --- Measures -----------------------------------------------------------------------------------------

@require_perm(VIEW)
@audits_youth_read()
def measure_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a measure, from the activity bank or described here."""
    youth = selectors.case_youth(user=request.user, pk=pk)
    view = selectors.youth_case(request.user, youth)
    _require(view.may_contribute)
    choices = selectors.activity_choices(youth=youth)
    initial: dict = {"start": timezone.localdate()}
    chosen = choices.filter(pk=request.GET.get("activity")).first() if request.GET.get(
        "activity", "").isdigit() else None
    if chosen is not None:
        initial.update(activity=chosen.pk, start=max(chosen.next_start or timezone.localdate(),
                                                     timezone.localdate()))
    form = MeasureForm(request.POST or None, table=view.codes, activities=choices, initial=initial)

    def save() -> Any:
        data = dict(form.cleaned_data)
        return services.measure_add(youth=youth, user=request.user, table=view.codes, **data)

    return _form_page(request, youth, form, _("Add a measure to the plan"), save, anchor="case-plan",
                      done=_("The measure is added and the plan revised."),
                      extra={"activities": list(choices)})


@require_perm(VIEW)
@audits_youth_read()
def measure_edit(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    youth = selectors.case_youth(user=request.user, pk=pk)
    measure = selectors.measure_or_404(youth=youth, pk=measure_pk)
    _require(case_may_edit_measure(request.user, youth, measure.responsible_staff_id))
    table = CodeTable.load()
    fields = ("code", "other_which", "goal", "place", "start", "end", "responsible", "responsible_other",
              "follow_up_on", "evaluate_on", "end_reason", "declined")
    form = MeasureEditForm(request.POST or None, table=table, keep_code=measure.code,
                           initial={name: getattr(measure, name) for name in fields})

    def save() -> Any:
        changes = {name: form.cleaned_data[name] for name in fields}
        changes["end_reason"] = changes["end_reason"] or ""
        return services.measure_update(measure=measure, user=request.user, table=table, **changes)

    return _form_page(request, youth, form, _("Change the measure"), save, anchor=f"measure-{measure.pk}",
                      done=_("The measure is changed and the plan revised."), extra={"measure": measure})


@require_perm(VIEW)
@audits_youth_read()
def measure_evaluate(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    youth = selectors.case_youth(user=request.user, pk=pk)
    measure = selectors.measure_or_404(youth=youth, pk=measure_pk)
    _require(case_may_edit_measure(request.user, youth, measure.responsible_staff_id))
    today = timezone.localdate()
    kind = request.GET.get("kind") if request.GET.get("kind") in EvaluationKind.values else (
        EvaluationKind.AFTER if measure.has_ended(today) else EvaluationKind.DURING)
    form = EvaluationForm(request.POST or None, initial={"kind": kind, "on": today})
    return _form_page(request, youth, form, _("Follow up or evaluate the measure"), lambda: services.measure_evaluate(
        measure=measure, user=request.user, **form.cleaned_data), anchor=f"measure-{measure.pk}",
        done=_("The evaluation is saved."), extra={"measure": measure, "codes": CodeTable.load()})


@require_POST
@require_perm(VIEW)
@audits_youth_read()
def measure_give_place(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    youth = selectors.case_youth(user=request.user, pk=pk)
    measure = selectors.measure_or_404(youth=youth, pk=measure_pk)
    try:
        services.measure_give_place(measure=measure, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The youth has a place on the activity."))
    return redirect(_youth_page(youth, f"measure-{measure.pk}"))


# --- Journal ------------------------------------------------------------------------------------------

def _journal_form_page(request: HttpRequest, youth: Youth, title: str, corrects: Any = None) -> HttpResponse:
    kind = request.GET.get("kind", "")
    initial: dict = {"occurred_on": timezone.localdate(), "kind": kind if kind in JournalKind.values else "note"}
    if kind in JOURNAL_TEMPLATES:
        initial["text"] = str(JOURNAL_TEMPLATES[kind])
    if corrects is not None:
        initial.update(kind=corrects.kind, occurred_on=corrects.occurred_on, text=corrects.text,
                       confidential=corrects.confidential)
    warn = request.method == "POST" and services.has_personnummer(request.POST.get("text", ""))
    form = JournalForm(request.POST or None, initial=initial, warn=warn)
    if corrects is not None and corrects.confidential:
        form.fields["confidential"].disabled = True
    return _form_page(request, youth, form, title, lambda: services.journal_add(
        youth=youth, user=request.user, text=form.cleaned_data["text"], kind=form.cleaned_data["kind"],
        occurred_on=form.cleaned_data["occurred_on"], confidential=form.cleaned_data["confidential"],
        corrects=corrects, allow_personnummer=form.cleaned_data["confirm_no_personnummer"]),
        anchor="case-journal", done=_("The journal entry is saved."), template="casework/journal_form.html",
        extra={"corrects": corrects, "templates": [(k, JournalKind(k).label) for k in JOURNAL_TEMPLATES],
               "warn": warn})


@require_perm(VIEW)
@audits_youth_read()
def journal_new(request: HttpRequest, pk: int) -> HttpResponse:
    youth = selectors.case_youth(user=request.user, pk=pk)
    _require(selectors.youth_case(request.user, youth).may_contribute)
    return _journal_form_page(request, youth, _("Write a journal entry"))


@require_perm(VIEW)
@audits_youth_read()
def journal_correct(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    youth = selectors.case_youth(user=request.user, pk=pk)
    corrects = selectors.journal_for(user=request.user, youth=youth).filter(pk=entry_pk).first()
    if corrects is None:
        raise Http404
    _require(case_may_correct_journal(request.user, youth, corrects.author_id))
    return _journal_form_page(request, youth, _("Correct a journal entry"), corrects=corrects)


@require_perm(VIEW)
@audits_youth_read()
def journal_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole journal of one youth (the youth page shows the latest entries)."""
    youth = selectors.case_youth(user=request.user, pk=pk)
    page = Paginator(selectors.journal_for(user=request.user, youth=youth), PAGE_SIZE).get_page(
        request.GET.get("page"))
    confidential = any(e.confidential for e in page.object_list)
    audit_youth_view(user=request.user, youth=youth, detail="journal+confidential" if confidential else "journal")
    return render(request, "casework/journal_list.html", {
        "youth": youth, "page_obj": page, "view": selectors.youth_case(request.user, youth),
        "corrected": set(JournalEntry.objects.filter(corrects__in=page.object_list).values_list(
            "corrects_id", flat=True))})


# --- Consent ------------------------------------------------------------------------------------------

@require_perm(VIEW)
@audits_youth_read()
def consent_new(request: HttpRequest, pk: int) -> HttpResponse:
    youth = selectors.case_youth(user=request.user, pk=pk)
    _require(selectors.youth_case(request.user, youth).may_write)
    choices = selectors.partner_choices(youth=youth)
    initial: dict = {"valid_from": timezone.localdate()}
    if request.GET.get("partner", "").isdigit():  # from a refused referral: the partner it needs
        initial["partner_org"] = choices.filter(pk=request.GET["partner"]).values_list("pk", flat=True).first()
    form = ConsentForm(request.POST or None, initial=initial, partners=choices)
    return _form_page(request, youth, form, _("Record a consent"), lambda: services.consent_record(
        youth=youth, user=request.user, **form.cleaned_data), anchor="case-consents",
        done=_("The consent is recorded."), aliases={"until": "valid_until"})


@require_POST
@require_perm(VIEW)
@audits_youth_read()
def consent_withdraw(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    youth = selectors.case_youth(user=request.user, pk=pk)
    consent = Consent.objects.filter(youth=youth, pk=consent_pk).first()
    if consent is None:
        raise Http404
    services.consent_withdraw(consent=consent, user=request.user)
    messages.success(request, _("The consent is withdrawn."))
    return redirect(_youth_page(youth, "case-consents"))


# --- Referrals ----------------------------------------------------------------------------------------

@require_perm(VIEW)
@audits_youth_read()
def referral_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Refer the youth to a partner; refused, naming the missing consent, without a valid consent."""
    youth = selectors.case_youth(user=request.user, pk=pk)
    _require(case_may_refer(request.user, youth))
    choices = selectors.partner_choices(youth=youth)
    form = ReferralForm(request.POST or None, partners=choices, initial={"referred_on": timezone.localdate()})
    consent_url = ""
    if request.method == "POST" and form.is_valid() and form.cleaned_data["partner"] is not None:
        consent_url = reverse("casework:consent_new", args=[youth.pk]) + f"?partner={form.cleaned_data['partner'].pk}"
    return _form_page(request, youth, form, _("New referral"), lambda: services.referral_add(
        youth=youth, user=request.user, **form.cleaned_data), anchor="case-referrals",
        done=_("The referral is recorded. The case stays with the coach."),
        template="casework/referral_form.html", extra={"consent_url": consent_url})


@require_perm(VIEW)
@audits_youth_read()
def referral_answer(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    youth = selectors.case_youth(user=request.user, pk=pk)
    referral = selectors.referral_or_404(youth=youth, pk=referral_pk)
    _require(case_may_refer(request.user, youth))
    initial = {"answered_on": referral.answered_on or timezone.localdate(), "note": referral.answer_note,
               "status": referral.status if referral.status != ReferralStatus.SENT else ""}
    form = ReferralAnswerForm(request.POST or None, initial=initial)
    return _form_page(request, youth, form, _("The partner's answer"), lambda: services.referral_answer(
        referral=referral, user=request.user, **form.cleaned_data), anchor="case-referrals",
        done=_("The answer is recorded."), aliases={"answer_note": "note"}, extra={"referral": referral})


# --- Closing ------------------------------------------------------------------------------------------

@require_perm(VIEW)
@audits_youth_read()
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the case; a proposal from the register fills in the reason, which the coach confirms."""
    youth = selectors.case_youth(user=request.user, pk=pk)
    view = selectors.youth_case(request.user, youth)
    _require(view.may_write)
    proposal = view.proposal if view.proposal and not view.proposal.ukaa else None
    initial = {"on": timezone.localdate(), "reason": view.proposal_reason if proposal else ""}
    form = CloseForm(request.POST or None, table=view.codes, initial=initial)

    def save() -> Any:
        reason = form.cleaned_data["reason"]
        from_proposal = proposal is not None and reason == view.proposal_reason
        return services.case_close(youth=youth, user=request.user, reason=reason, on=form.cleaned_data["on"],
                                   recontact_on=form.cleaned_data["recontact_on"], from_proposal=from_proposal,
                                   register_reason=proposal.register_reason if from_proposal else "",
                                   table=view.codes)

    return _form_page(request, youth, form, _("Close the case"), save, anchor="case-summary",
                      done=_("The case is updated."), template="casework/close_form.html",
                      extra={"proposal": proposal, "view": view})


@require_POST
@require_perm(VIEW)
@audits_youth_read()
def case_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    youth = selectors.case_youth(user=request.user, pk=pk)
    try:
        services.case_reopen(youth=youth, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The case is open again."))
    return redirect(_youth_page(youth, "case-summary"))


# --- The activity bank --------------------------------------------------------------------------------

def _bank_municipalities(request: HttpRequest):
    return Municipality.objects.filter(pk__in=activity_bank_municipality_ids(request.user))


@require_perm(VIEW)
def activity_list(request: HttpRequest) -> HttpResponse:
    """The municipality's offers: places, waiting lists, what is used and what has been unused for a year."""
    manage = bool(activity_bank_municipality_ids(request.user))
    show = request.GET.get("show", "active")
    qs = selectors.activities(user=request.user, active_only=show == "active")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for activity in page.object_list:
        activity.taken = activity.taken_kaa + activity.places_taken_other
        activity.full = activity.capacity is not None and activity.taken >= activity.capacity
        activity.unused = selectors.activity_is_unused(activity, today)
    return render(request, "casework/activity_list.html", {
        "page_obj": page, "manage": manage, "show": show, "codes": CodeTable.load()})


@require_perm(ACTIVITIES)
def activity_edit(request: HttpRequest, activity_pk: int | None = None) -> HttpResponse:
    activity = selectors.activity_or_404(user=request.user, pk=activity_pk, manage=True) if activity_pk else Activity()
    table = CodeTable.load()
    form = ActivityForm(request.POST or None, instance=activity, table=table,
                        municipalities=_bank_municipalities(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_save(activity=form.save(commit=False), user=request.user, fields=form.changed_data,
                                   table=table)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The activity is saved."))
            return redirect("casework:activity_list")
    return render(request, "casework/activity_form.html", {"form": form, "activity": activity})


@require_perm(VIEW)
def activity_detail(request: HttpRequest, activity_pk: int) -> HttpResponse:
    activity = selectors.activity_or_404(user=request.user, pk=activity_pk)
    manage = activity.municipality_id in activity_bank_municipality_ids(request.user)
    waiting = selectors.activity_waiting_list(user=request.user, activity=activity) if manage else []
    audit_records(user=request.user, action=AuditAction.LIST, object_type="youth",
                  youths=[(m.youth_id, m.youth.municipality_id) for m in waiting], detail="activity_waiting_list")
    activity.taken = activity.taken_kaa + activity.places_taken_other
    return render(request, "casework/activity_detail.html", {
        "activity": activity, "manage": manage, "waiting": waiting, "codes": CodeTable.load(),
        "unused": selectors.activity_is_unused(activity)})


# --- Partners --------------------------------------------------------------------------------------------

@require_perm(VIEW)
def partner_list(request: HttpRequest) -> HttpResponse:
    """The municipality's partners, kept by the coordinator; referrals and consents name them."""
    manage = bool(partner_municipality_ids(request.user))
    show = request.GET.get("show", "active")
    qs = selectors.partners(user=request.user, active_only=show == "active")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "casework/partner_list.html", {
        "page_obj": page, "manage": manage, "show": show,
        "managed": set(partner_municipality_ids(request.user))})


@require_perm(ACTIVITIES)
def partner_edit(request: HttpRequest, partner_pk: int | None = None) -> HttpResponse:
    partner = selectors.partner_or_404(user=request.user, pk=partner_pk, manage=True) if partner_pk else Partner()
    form = PartnerForm(request.POST or None, instance=partner,
                       municipalities=Municipality.objects.filter(pk__in=partner_municipality_ids(request.user)))
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_save(partner=form.save(commit=False), user=request.user, fields=form.changed_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The partner is saved."))
            return redirect("casework:partner_list")
    return render(request, "casework/partner_form.html", {"form": form, "partner": partner})
