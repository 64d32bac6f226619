"""Meetings pages: the team's case review and its minutes, network meetings and the steering group.
Thin: the rules are in services and selectors, access in kaa.accounts.policy."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaa.accounts.policy import MeetingPerm, case_may_contribute, meeting_municipality_ids, require_perm, youth_or_404
from kaa.audit.decorators import audits_youth_read
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_records
from kaa.casework.codes import CodeTable
from kaa.organisations.models import Municipality

from . import pdf, selectors, services
from .forms import DecisionForm, FollowUpForm, MeetingDecisionForm, MeetingForm, PresentForm, apply_errors
from .models import FollowUp, Meeting, MeetingKind, MeetingYouth

REVIEW, NETWORK = MeetingPerm.REVIEW, MeetingPerm.NETWORK
PAGE_SIZE = 25


def _audit_list(request: HttpRequest, youths: list, detail: str) -> None:
    """A page naming youths is a list read, audited like every list of youths."""
    if youths:
        audit_records(
            user=request.user,
            action=AuditAction.LIST,
            object_type="youth",
            detail=detail,
            youths=[(y.pk, y.municipality_id) for y in youths],
        )


# --- The team's case review ------------------------------------------------------------------------------


@require_perm(REVIEW)
def review_list(request: HttpRequest) -> HttpResponse:
    """The teams whose Friday review the user takes part in, and the reviews held (the minutes)."""
    teams = list(selectors.teams(user=request.user))
    page = Paginator(selectors.reviews(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "meetings/review_list.html", {"teams": teams, "page_obj": page})


@require_perm(REVIEW)
def review_team(request: HttpRequest, team_id: int) -> HttpResponse:
    """This week's review of a team: the youths to discuss, each with why, and the decisions taken."""
    today = timezone.localdate()
    team = selectors.team_or_404(user=request.user, pk=team_id, review_on=today)
    proposals = selectors.review_proposals(user=request.user, team=team, on=today, review_id=team.review_pk)
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    _audit_list(request, [p.youth for p in page], "case_review")
    return render(
        request,
        "meetings/review_team.html",
        {
            "team": team,
            "today": today,
            "review_pk": team.review_pk,
            "page_obj": page,
            "total": len(proposals),
            "decided": sum(1 for p in proposals if p.decision is not None),
            # Read only when a row names a measure (a reason of the case's measures).
            "codes": SimpleLazyObject(CodeTable.load),
        },
    )


@require_perm(REVIEW)
@audits_youth_read()
def review_decide(request: HttpRequest, team_id: int, pk: int) -> HttpResponse:
    """The team's decision on one youth at today's review."""
    team = selectors.team_or_404(user=request.user, pk=team_id)
    youth = youth_or_404(request.user, pk, selectors.review_youth_queryset(request.user, team))
    if not case_may_contribute(request.user, youth):
        raise PermissionDenied
    today = timezone.localdate()
    review = selectors.review_for(team=team, on=today)
    found = selectors.review_proposals(user=request.user, team=team, on=today, review=review, youth_id=youth.pk)
    proposal = found[0] if found else None
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_open(team=team, user=request.user, on=today)
            services.review_decide(
                review=review,
                youth=youth,
                user=request.user,
                text=form.cleaned_data["text"],
                next_step=form.cleaned_data["next_step"],
                next_step_on=form.cleaned_data["next_step_on"],
                reasons=proposal.codes if proposal else (),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The decision is recorded in %(name)s's journal.") % {"name": youth.full_name})
            return redirect(reverse("meetings:review_team", args=[team.pk]) + f"#youth-{youth.pk}")
    return render(
        request,
        "meetings/review_decide.html",
        {"team": team, "youth": youth, "form": form, "proposal": proposal, "review": review, "codes": CodeTable.load()},
    )


def _review_context(request: HttpRequest, review_pk: int) -> dict:
    review = selectors.review_or_404(user=request.user, pk=review_pk)
    decisions = selectors.review_decisions(user=request.user, review=review)
    _audit_list(request, [d.youth for d in decisions], "case_review_minutes")
    return {"review": review, "decisions": decisions, "present": list(review.present.all()), "codes": CodeTable.load()}


@require_perm(REVIEW)
def review_detail(request: HttpRequest, review_pk: int) -> HttpResponse:
    """The review's minutes: date, who was present, the youths discussed and the decisions."""
    context = _review_context(request, review_pk)
    review = context["review"]
    form = PresentForm(
        request.POST or None,
        staff=selectors.team_staff(team=review.team),
        initial={"present": context["present"], "others": review.present_others},
    )
    if request.method == "POST" and form.is_valid():
        services.review_present_set(
            review=review, user=request.user, present=form.cleaned_data["present"], others=form.cleaned_data["others"]
        )
        messages.success(request, _("Saved."))
        return redirect("meetings:review_detail", review_pk=review.pk)
    return render(request, "meetings/review_detail.html", {**context, "form": form})


@require_perm(REVIEW)
def review_print(request: HttpRequest, review_pk: int) -> HttpResponse:
    """The minutes to print (the browser's print or save as PDF)."""
    return render(request, "meetings/review_print.html", _review_context(request, review_pk))


def _pdf_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_perm(REVIEW)
def review_pdf(request: HttpRequest, review_pk: int) -> HttpResponse:
    """The minutes as a PDF (the names in it are audited as a list read, like the page)."""
    context = _review_context(request, review_pk)
    data = pdf.render_pdf("meetings/review_print.html", context)
    return _pdf_response(data, f"elevgenomgang-{context['review'].held_on.isoformat()}.pdf")


# --- Network meetings and the steering group ------------------------------------------------------------------


@require_perm(NETWORK)
def meeting_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    page = Paginator(selectors.meetings(user=request.user, kind=kind), PAGE_SIZE).get_page(request.GET.get("page"))
    proposals = []
    for municipality in Municipality.objects.filter(pk__in=meeting_municipality_ids(request.user)).order_by("name"):
        held, least = selectors.steering_term(municipality_id=municipality.pk)
        proposals.append(
            {
                "municipality": municipality,
                "network": selectors.next_meeting_on(meeting_kind=MeetingKind.NETWORK, municipality_id=municipality.pk),
                "steering": selectors.next_meeting_on(
                    meeting_kind=MeetingKind.STEERING, municipality_id=municipality.pk
                ),
                "steering_held": held,
                "steering_least": least,
            }
        )
    return render(
        request,
        "meetings/meeting_list.html",
        {"page_obj": page, "kind": kind, "proposals": proposals, "kinds": MeetingKind.choices},
    )


def _municipality_for_new(request: HttpRequest) -> Municipality:
    ids = meeting_municipality_ids(request.user)
    wanted = request.GET.get("municipality") or request.POST.get("municipality_id")
    if wanted:
        try:
            if int(wanted) in ids:
                return Municipality.objects.get(pk=int(wanted))
        except (ValueError, Municipality.DoesNotExist):
            pass
        raise Http404
    municipality = Municipality.objects.filter(pk__in=ids).order_by("name").first()
    if municipality is None:
        raise Http404
    return municipality


@require_perm(NETWORK)
def meeting_edit(request: HttpRequest, meeting_pk: int | None = None) -> HttpResponse:
    """A new meeting (dated on the cycle) or a change to one: kind, date, partners, people, agenda, minutes."""
    if meeting_pk is None:
        municipality = _municipality_for_new(request)
        kind = request.GET.get("kind") if request.GET.get("kind") in MeetingKind.values else MeetingKind.NETWORK
        meeting = Meeting(
            municipality=municipality,
            kind=kind,
            held_on=selectors.next_meeting_on(meeting_kind=kind, municipality_id=municipality.pk),
        )
    else:
        meeting = selectors.meeting_or_404(user=request.user, pk=meeting_pk)
    form = MeetingForm(
        request.POST or None,
        instance=meeting,
        partner_choices=selectors.partner_choices(municipality_id=meeting.municipality_id),
        initial={"partners": list(meeting.partners.all()) if meeting.pk else []},
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.meeting_save(
                meeting=form.save(commit=False),
                user=request.user,
                partners=list(form.cleaned_data["partners"]),
                fields=form.changed_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("meetings:meeting_detail", meeting_pk=saved.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


def _meeting_context(request: HttpRequest, meeting: Meeting) -> dict:
    items = selectors.meeting_youths(user=request.user, meeting=meeting)
    _audit_list(request, [i.youth for i in items], "meeting")
    context = {
        "meeting": meeting,
        "items": items,
        "partners": list(meeting.partners.all()),
        "follow_ups": selectors.follow_ups(meeting=meeting),
        "today": timezone.localdate(),
        "next_on": selectors.next_meeting_on(meeting_kind=meeting.kind, municipality_id=meeting.municipality_id),
    }
    if meeting.kind == MeetingKind.STEERING:
        context["figures"] = selectors.steering_figures(meeting=meeting)
    return context


@require_perm(NETWORK)
def meeting_detail(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """The meeting: agenda, who took part, youths discussed (with consent), decisions and follow-ups."""
    meeting = selectors.meeting_or_404(user=request.user, pk=meeting_pk)
    query = request.GET.get("q", "").strip()[:100]
    found = selectors.candidates(user=request.user, meeting=meeting, query=query, limit=10) if query else []
    _audit_list(request, [c.youth for c in found], "meeting_search")
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            **_meeting_context(request, meeting),
            "query": query,
            "found": found,
            "follow_up_form": FollowUpForm(),
            "decision_form": MeetingDecisionForm(),
        },
    )


@require_perm(NETWORK)
def meeting_print(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = selectors.meeting_or_404(user=request.user, pk=meeting_pk)
    return render(request, "meetings/meeting_print.html", _meeting_context(request, meeting))


@require_perm(NETWORK)
def meeting_pdf(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = selectors.meeting_or_404(user=request.user, pk=meeting_pk)
    data = pdf.render_pdf("meetings/meeting_print.html", _meeting_context(request, meeting))
    return _pdf_response(data, f"protokoll-{meeting.held_on.isoformat()}.pdf")


@require_POST
@require_perm(NETWORK)
@audits_youth_read()
def meeting_youth_add(request: HttpRequest, meeting_pk: int, pk: int) -> HttpResponse:
    """Put a youth on the agenda: refused without a valid consent naming every partner taking part."""
    meeting = selectors.meeting_or_404(user=request.user, pk=meeting_pk)
    youth = youth_or_404(request.user, pk)
    try:
        services.meeting_youth_add(meeting=meeting, youth=youth, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s is on the agenda.") % {"name": youth.full_name})
    return redirect("meetings:meeting_detail", meeting_pk=meeting.pk)


@require_POST
@require_perm(NETWORK)
@audits_youth_read()
def meeting_youth_decide(request: HttpRequest, meeting_pk: int, pk: int) -> HttpResponse:
    """What the meeting decided about a youth on its agenda: written in the youth's journal."""
    meeting = selectors.meeting_or_404(user=request.user, pk=meeting_pk)
    youth = youth_or_404(request.user, pk)
    try:
        item = MeetingYouth.objects.select_related("meeting", "youth").get(meeting=meeting, youth=youth)
    except MeetingYouth.DoesNotExist as exc:
        raise Http404 from exc
    form = MeetingDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_youth_decide(item=item, user=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The decision is recorded in %(name)s's journal.") % {"name": youth.full_name})
    else:
        messages.error(request, _("Write the decision."))
    return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + f"#item-{item.pk}")


@require_POST
@require_perm(NETWORK)
def follow_up_add(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = selectors.meeting_or_404(user=request.user, pk=meeting_pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_add(meeting=meeting, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Follow-up added."))
    else:
        messages.error(request, _("Give what is to be done, who is responsible and by when."))
    return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#follow-ups")


@require_POST
@require_perm(NETWORK)
def follow_up_done(request: HttpRequest, meeting_pk: int, follow_up_pk: int) -> HttpResponse:
    meeting = selectors.meeting_or_404(user=request.user, pk=meeting_pk)
    try:
        follow_up = FollowUp.objects.select_related("meeting").get(pk=follow_up_pk, meeting=meeting)
    except FollowUp.DoesNotExist as exc:
        raise Http404 from exc
    services.follow_up_done(follow_up=follow_up, user=request.user)
    messages.success(request, _("Marked as done."))
    return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#follow-ups")
