"""Outreach pages: the coach's worklist, logging contacts, assignment, the coordinator's overview
and the contact-chain editor. Thin: the rules are in services, selectors and deadlines."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kaa.accounts.policy import Perm, municipalities_with, municipality_ids_with, require_perm, youth_or_404
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_records
from kaa.organisations.models import Municipality

from . import deadlines, labels, selectors, services
from .forms import (
    AssignForm,
    ConcernForm,
    ContactForm,
    FeedbackForm,
    MeetingForm,
    PresetForm,
    QuickCallForm,
    RefusalForm,
    StepForm,
    apply_errors,
)
from .models import ChainStep, ConcernReport, ContactChain

PAGE_SIZE = 50


def _youth_page(youth) -> str:
    return reverse("register:youth_detail", args=[youth.pk])


def _audit_list(user, youths) -> None:
    audit_records(user=user, action=AuditAction.LIST, object_type="youth",
                  youths=[(y.pk, y.municipality_id) for y in youths])


# --- Worklist ----------------------------------------------------------------------------------

@require_perm(Perm.WORKLIST)
def worklist(request: HttpRequest) -> HttpResponse:
    items = selectors.worklist(user=request.user)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_list(request.user, [it.youth for it in page.object_list])
    return render(request, "outreach/worklist.html", {
        "page_obj": page, "counts": selectors.counts(items), "today": timezone.localdate()})


def _work_item(user, youth):
    state = deadlines.state_for(youth)
    return selectors.WorkItem(youth, state, state.bucket(timezone.localdate()))


@require_perm(Perm.WORKLIST)
def log_call_form(request: HttpRequest, pk: int) -> HttpResponse:
    """Click 1 on the worklist: the inline outcome buttons for a call made now."""
    youth = youth_or_404(request.user, pk)
    item = _work_item(request.user, youth)
    return render(request, "outreach/_log_call_form.html", {"it": item, "today": timezone.localdate()})


@require_POST
@require_perm(Perm.WORKLIST)
def log_call(request: HttpRequest, pk: int) -> HttpResponse:
    """Click 2: the outcome button saves the call (time = now; evening follows from it)."""
    youth = youth_or_404(request.user, pk)
    form = QuickCallForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose an outcome."), status=400)
    services.contact_record(youth=youth, user=request.user, channel=form.cleaned_data["channel"],
                            at=timezone.now(), outcome=form.cleaned_data["outcome"],
                            to_guardian=form.cleaned_data["to_guardian"], source="worklist")
    if not request.htmx:
        messages.success(request, _("The call was logged."))
        return redirect("outreach:worklist")
    item = _work_item(request.user, youth)
    return render(request, "outreach/_worklist_row.html", {"it": item, "today": timezone.localdate(), "logged": True})


@require_POST
@require_perm(Perm.WORKLIST)
def reply_handled(request: HttpRequest, pk: int) -> HttpResponse:
    youth = youth_or_404(request.user, pk)
    services.reply_mark_handled(youth=youth, user=request.user)
    messages.success(request, _("The reply was marked as handled."))
    return redirect(_youth_page(youth) if request.POST.get("next") == "youth" else reverse("outreach:worklist"))


@require_POST
@require_perm(Perm.WORKLIST)
def step_done(request: HttpRequest, pk: int) -> HttpResponse:
    youth = youth_or_404(request.user, pk)
    code = request.POST.get("step", "")
    if deadlines.state_for(youth).step(code) is None:
        raise Http404
    services.step_mark_done(youth=youth, user=request.user, step_code=code)
    messages.success(request, _("The step was marked as done."))
    return redirect(_youth_page(youth))


# --- Forms on a youth ----------------------------------------------------------------------------

def _youth_form(request, pk, form_class, title, save, **form_kwargs) -> HttpResponse:
    youth = youth_or_404(request.user, pk)
    extra = form_kwargs.pop("extra", lambda y: {})(youth)
    form = form_class(request.POST or None, **form_kwargs, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            save(youth, form)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(_youth_page(youth))
    return render(request, "outreach/youth_form.html", {"form": form, "youth": youth, "title": title})


@require_perm(Perm.WORKLIST)
def contact_new(request: HttpRequest, pk: int) -> HttpResponse:
    initial = {k: request.GET[k] for k in ("channel",) if k in request.GET}
    if request.GET.get("to_guardian") == "1":
        initial["to_guardian"] = True
    return _youth_form(request, pk, ContactForm, _("Log a contact attempt"), lambda y, f: services.contact_record(
        youth=y, user=request.user, channel=f.cleaned_data["channel"], at=f.when(), outcome=f.cleaned_data["outcome"],
        to_guardian=f.cleaned_data["to_guardian"], note=f.cleaned_data["note"]), initial=initial)


@require_perm(Perm.WORKLIST)
def refusal_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _youth_form(request, pk, RefusalForm, _("Record a refusal"), lambda y, f: services.refusal_record(
        youth=y, user=request.user, at=f.when(), channel=f.cleaned_data["channel"],
        to_guardian=f.cleaned_data["to_guardian"], note=f.cleaned_data["note"]))


@require_perm(Perm.WORKLIST)
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _youth_form(request, pk, MeetingForm, _("Book the first meeting"), lambda y, f: services.first_meeting_book(
        youth=y, user=request.user, at=f.when(), place=f.cleaned_data["place"],
        place_note=f.cleaned_data["place_note"], colleague=f.cleaned_data["colleague"]),
        extra=lambda y: {"colleagues": selectors.colleagues(youth=y, user=request.user)})


@require_perm(Perm.WORKLIST)
def concern_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _youth_form(request, pk, ConcernForm, _("Record a concern report"),
                       lambda y, f: services.concern_report_record(youth=y, user=request.user, **f.cleaned_data),
                       initial={"sent_on": timezone.localdate()})


@require_perm(Perm.WORKLIST)
def concern_feedback(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    youth = youth_or_404(request.user, pk)
    report = get_object_or_404(ConcernReport, pk=report_pk, youth=youth)
    return _youth_form(request, pk, FeedbackForm, _("Feedback from social services"),
                       lambda y, f: services.concern_report_feedback(report=report, user=request.user,
                                                                     **f.cleaned_data),
                       initial={"feedback_on": timezone.localdate(), "feedback": report.feedback,
                                "follow_up_on": report.follow_up_on})


# --- Assignment and overview ---------------------------------------------------------------------

@require_perm(Perm.ASSIGN)
def assign(request: HttpRequest) -> HttpResponse:
    queue = selectors.unassigned(user=request.user)
    coaches = selectors.coaches(user=request.user)
    form = AssignForm(request.POST or None, coaches=coaches, youths=queue)
    if request.method == "POST" and form.is_valid():
        try:
            n = services.youths_assign(youths=list(form.cleaned_data["youth"]), coach=form.cleaned_data["coach"],
                                       user=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, ngettext("%(n)d youth was assigned.", "%(n)d youths were assigned.", n)
                             % {"n": n})
            return redirect("outreach:assign")
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_list(request.user, page.object_list)
    return render(request, "outreach/assign.html", {"form": form, "page_obj": page, "coaches": coaches})


@require_perm(Perm.ASSIGN)
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/overview.html", {"data": selectors.overview(user=request.user)})


# --- Contact chains (administrator) --------------------------------------------------------------

def _chain_or_404(user, pk) -> ContactChain:
    return get_object_or_404(ContactChain.objects.prefetch_related("steps"), pk=pk,
                             municipality_id__in=municipality_ids_with(user, Perm.CHAIN_MANAGE))


@require_perm(Perm.CHAIN_MANAGE)
def chain_list(request: HttpRequest) -> HttpResponse:
    municipalities = municipalities_with(request.user, Perm.CHAIN_MANAGE)
    ids = [m.pk for m in municipalities]
    form = PresetForm(request.POST or None, municipalities=Municipality.objects.filter(pk__in=ids))
    if request.method == "POST" and form.is_valid():
        chain = services.chain_install_preset(municipality=form.cleaned_data["municipality"],
                                              preset=form.cleaned_data["preset"], user=request.user)
        messages.success(request, _("The chain was created and is now in use."))
        return redirect("outreach:chain_detail", pk=chain.pk)
    chains = ContactChain.objects.filter(municipality_id__in=ids).select_related("municipality").annotate(
        n_steps=Count("steps"))
    return render(request, "outreach/chain_list.html", {"chains": chains, "form": form})


@require_perm(Perm.CHAIN_MANAGE)
def chain_detail(request: HttpRequest, pk: int) -> HttpResponse:
    chain = _chain_or_404(request.user, pk)
    steps = list(chain.steps.all())
    names = {s.code: s.name for s in steps}
    for s in steps:  # the editor shows words, never codes
        s.channel_text = labels.channel_labels(s.channels)
        s.letter_text = labels.letter_template_label(s.letter_template)
        s.anchor_step_text = names.get(s.anchor_step, "")
    return render(request, "outreach/chain_detail.html", {"chain": chain, "steps": steps})


@require_POST
@require_perm(Perm.CHAIN_MANAGE)
def chain_activate(request: HttpRequest, pk: int) -> HttpResponse:
    chain = _chain_or_404(request.user, pk)
    services.chain_activate(chain=chain, user=request.user)
    messages.success(request, _("The chain is now in use."))
    return redirect("outreach:chain_detail", pk=chain.pk)


@require_perm(Perm.CHAIN_MANAGE)
def step_edit(request: HttpRequest, pk: int, step_pk: int | None = None) -> HttpResponse:
    chain = _chain_or_404(request.user, pk)
    step = get_object_or_404(ChainStep, pk=step_pk, chain=chain) if step_pk else ChainStep(chain=chain)
    form = StepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        try:
            services.chain_step_save(step=form.save(commit=False), user=request.user, fields=form.changed_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The step was saved. Due dates follow the change."))
            return redirect("outreach:chain_detail", pk=chain.pk)
    return render(request, "outreach/step_form.html", {"form": form, "chain": chain, "step": step})


@require_POST
@require_perm(Perm.CHAIN_MANAGE)
def step_delete(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    chain = _chain_or_404(request.user, pk)
    services.chain_step_delete(step=get_object_or_404(ChainStep, pk=step_pk, chain=chain), user=request.user)
    messages.success(request, _("The step was removed."))
    return redirect("outreach:chain_detail", pk=chain.pk)
