"""Outreach pages: the coach's worklist, logging contacts, assignment, the coordinator's overview
and the contact-chain editor. Thin: the rules are in services, selectors and deadlines."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kaa.accounts.policy import (
    Perm,
    municipalities_with,
    municipality_ids_with,
    perms_of,
    require_perm,
    youth_or_404,
)
from kaa.audit.decorators import audits_youth_read
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_records
from kaa.core.paging import page_of
from kaa.core.registry import sections_for
from kaa.organisations.models import Municipality

from . import labels, selectors, services
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
from .models import ChainStep, Channel, ConcernReport, ContactChain

PAGE_SIZE = 50
# The worklist shows its rows with their full state (computed for the rows shown): a phone screen's worth.
WORKLIST_PAGE_SIZE = 25


def _youth_page(youth) -> str:
    return reverse("register:youth_detail", args=[youth.pk])


def _audit_list(user, youths) -> None:
    audit_records(user=user, action=AuditAction.LIST, object_type="youth",
                  youths=[(y.pk, y.municipality_id) for y in youths])


# --- Worklist ----------------------------------------------------------------------------------

def _show_items(user, items) -> None:
    """Load what the rows show (the guardians to call) and audit the replies they show."""
    prefetch_related_objects([it.youth for it in items], "guardians")
    selectors.audit_replies_read(user, [it.youth for it in items if it.state.reply_waiting], "worklist")


@require_perm(Perm.WORKLIST)
def worklist(request: HttpRequest) -> HttpResponse:
    work = selectors.worklist_of(user=request.user)
    items = work.items
    page = Paginator(items, WORKLIST_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_states(page.object_list, work.specs)
    _audit_list(request.user, [it.youth for it in page.object_list])
    _show_items(request.user, page.object_list)
    return render(request, "outreach/worklist.html", {
        "page_obj": page, "counts": selectors.counts(items), "today": timezone.localdate(),
        "sections": sections_for(request.user, perms_of(request.user), "worklist_sections")})


def _work_item(user, youth):
    state = selectors.state_for(youth)
    return selectors.WorkItem(youth, state, state.bucket(timezone.localdate()))


QUICK_CHANNELS = (Channel.PHONE, Channel.HOME_VISIT)


@require_perm(Perm.WORKLIST)
@audits_youth_read()
def log_call_form(request: HttpRequest, pk: int) -> HttpResponse:
    """Tap 1 on the worklist: the outcome buttons for a call (or, ``?channel=home_visit``, a home
    visit) made now. Inline with htmx; a page of its own without."""
    youth = youth_or_404(request.user, pk)
    item = _work_item(request.user, youth)
    channel = request.GET.get("channel", Channel.PHONE)
    if channel not in QUICK_CHANNELS:
        channel = Channel.PHONE
    context = {"it": item, "channel": channel, "today": timezone.localdate(),
               "next": "youth" if request.GET.get("next") == "youth" else ""}
    if request.htmx:
        return render(request, "outreach/_log_call_form.html", context)
    return render(request, "outreach/quick_contact.html", context)


@require_POST
@require_perm(Perm.WORKLIST)
@audits_youth_read()
def log_call(request: HttpRequest, pk: int) -> HttpResponse:
    """Tap 2: the outcome button saves the call or visit (time = now; evening follows from it). The row
    comes back with a confirmation, and the worklist's counters with it (out of band)."""
    youth = youth_or_404(request.user, pk)
    form = QuickCallForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose an outcome."), status=400)
    channel = form.cleaned_data["channel"]
    services.contact_record(youth=youth, user=request.user, channel=channel, at=timezone.now(),
                            outcome=form.cleaned_data["outcome"], to_guardian=form.cleaned_data["to_guardian"],
                            source="worklist")
    if not request.htmx:
        messages.success(request, _("The home visit was logged.") if channel == Channel.HOME_VISIT
                         else _("The call was logged."))
        return _back(request, youth)
    item = _work_item(request.user, youth)
    _show_items(request.user, [item])
    return render(request, "outreach/_worklist_row.html", {
        "it": item, "today": timezone.localdate(), "logged": channel,
        "counts": selectors.worklist_counts(request.user), "oob_counts": True})


def _back(request: HttpRequest, youth) -> HttpResponse:
    """After a POST: back to the youth page when it came from there, else to the worklist."""
    return redirect(_youth_page(youth) if request.POST.get("next") == "youth" else reverse("outreach:worklist"))


def _parse_until(value: str) -> datetime.datetime | None:
    try:
        until = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return until if timezone.is_aware(until) else None


@require_POST
@require_perm(Perm.WORKLIST)
@audits_youth_read()
def reply_handled(request: HttpRequest, pk: int) -> HttpResponse:
    youth = youth_or_404(request.user, pk)
    services.reply_mark_handled(youth=youth, user=request.user, until=_parse_until(request.POST.get("until", "")))
    messages.success(request, _("The reply was marked as handled."))
    return _back(request, youth)


@require_POST
@require_perm(Perm.WORKLIST)
@audits_youth_read()
def reply_phone(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: the youth's phone number becomes the one given in their waiting reply."""
    youth = youth_or_404(request.user, pk)
    offered = selectors.new_phone(youth, selectors.replies_of(selectors.state_for(youth)))
    if not offered or request.POST.get("phone", "") != offered:
        messages.error(request, _("The reply no longer offers that phone number."))
        return _back(request, youth)
    try:
        services.youth_phone_update(youth=youth, user=request.user, phone=offered, source="reply")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The phone number was updated."))
    return _back(request, youth)


@require_POST
@require_perm(Perm.WORKLIST)
@audits_youth_read()
def step_done(request: HttpRequest, pk: int) -> HttpResponse:
    youth = youth_or_404(request.user, pk)
    code = request.POST.get("step", "")
    if selectors.state_for(youth).step(code) is None:
        raise Http404
    services.step_mark_done(youth=youth, user=request.user, step_code=code)
    messages.success(request, _("The step was marked as done."))
    return redirect(_youth_page(youth))


# --- Forms on a youth ----------------------------------------------------------------------------

def _youth_form(request, pk, form_class, title, save, *, prepare=None, **form_kwargs) -> HttpResponse:
    """A form on one youth. ``prepare(youth)`` returns more form kwargs and more page context."""
    youth = youth_or_404(request.user, pk)
    extra, page = prepare(youth) if prepare else ({}, {})
    form = form_class(request.POST or None, **form_kwargs, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            save(youth, form)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(_youth_page(youth))
    return render(request, "outreach/youth_form.html", {"form": form, "youth": youth, "title": title, **page})


@require_perm(Perm.WORKLIST)
@audits_youth_read()
def contact_new(request: HttpRequest, pk: int) -> HttpResponse:
    initial = {k: request.GET[k] for k in ("channel",) if k in request.GET}
    if request.GET.get("to_guardian") == "1":
        initial["to_guardian"] = True
    return _youth_form(request, pk, ContactForm, _("Log a contact attempt"), lambda y, f: services.contact_record(
        youth=y, user=request.user, channel=f.cleaned_data["channel"], at=f.when(), outcome=f.cleaned_data["outcome"],
        to_guardian=f.cleaned_data["to_guardian"], note=f.cleaned_data["note"]), initial=initial)


@require_perm(Perm.WORKLIST)
@audits_youth_read()
def refusal_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _youth_form(request, pk, RefusalForm, _("Record a refusal"), lambda y, f: services.refusal_record(
        youth=y, user=request.user, at=f.when(), channel=f.cleaned_data["channel"],
        to_guardian=f.cleaned_data["to_guardian"], note=f.cleaned_data["note"]))


@require_perm(Perm.WORKLIST)
@audits_youth_read()
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Book the first meeting. When a waiting reply asked for one, the youth's wish is shown beside the
    form with the place prefilled, and booking the meeting handles that reply."""

    def prepare(youth) -> tuple[dict, dict]:
        wish = next((r for r in selectors.replies_of(selectors.state_for(youth)) if r.asks_for_meeting), None)
        kwargs: dict = {"colleagues": selectors.colleagues(youth=youth, user=request.user)}
        if wish is not None:
            selectors.audit_replies_read(request.user, [youth], "meeting_form")
            if wish.meeting_where:
                kwargs["initial"] = {"place_note": wish.meeting_where[:200]}
        return kwargs, {"wish": wish}

    return _youth_form(request, pk, MeetingForm, _("Book the first meeting"), lambda y, f: services.first_meeting_book(
        youth=y, user=request.user, at=f.when(), place=f.cleaned_data["place"],
        place_note=f.cleaned_data["place_note"], colleague=f.cleaned_data["colleague"]), prepare=prepare)


@require_perm(Perm.WORKLIST)
@audits_youth_read()
def concern_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _youth_form(request, pk, ConcernForm, _("Record a concern report"),
                       lambda y, f: services.concern_report_record(youth=y, user=request.user, **f.cleaned_data),
                       initial={"sent_on": timezone.localdate()})


@require_perm(Perm.WORKLIST)
@audits_youth_read()
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
    page = page_of(queue, request.GET.get("page"), per_page=PAGE_SIZE)
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
