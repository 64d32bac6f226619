"""Organisation pages for administrators: municipality settings, teams, staff and their roles."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaa.accounts.policy import Perm, has_perm, may_decide_access_request, require_perm
from kaa.accounts.services import api_token_revoke

from . import selectors, services
from .forms import MunicipalitySettingsForm, RolesForm, StaffCreateForm, StaffForm, TeamForm

PAGE_SIZE = 50
_WAITS = gettext_lazy("The change gives access to youth data or the right to approve it, so it takes effect when "
                      "another administrator or coordinator of the municipality approves it.")


@require_perm(Perm.SETTINGS_MANAGE)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/index.html",
                  {"municipalities": selectors.managed_municipalities(request.user)})


@require_perm(Perm.SETTINGS_MANAGE)
def municipality_edit(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = selectors.municipality_or_404(request.user, pk)
    form = MunicipalitySettingsForm(request.POST or None, instance=municipality)
    if request.method == "POST" and form.is_valid():
        # The form has already copied the values onto the instance; compare against the stored row.
        stored = selectors.municipality_or_404(request.user, pk)
        changed = services.municipality_update(actor=request.user, municipality=stored, values=form.cleaned_data)
        messages.success(request, _("The settings were saved.") if changed else _("Nothing was changed."))
        return redirect("organisations:index")
    return render(request, "organisations/municipality_form.html", {"form": form, "municipality": municipality})


@require_perm(Perm.SETTINGS_MANAGE)
def team_list(request: HttpRequest) -> HttpResponse:
    municipalities = list(selectors.managed_municipalities(request.user))
    form = TeamForm(request.POST or None, municipalities=selectors.managed_municipalities(request.user))
    if request.method == "POST" and form.is_valid():
        team = services.team_create(actor=request.user, municipality=form.cleaned_data["municipality"],
                                    name=form.cleaned_data["name"])
        messages.success(request, _("The team %(name)s was created.") % {"name": team.name})
        return redirect("organisations:team_list")
    page = Paginator(selectors.team_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "organisations/team_list.html", {
        "form": form, "page_obj": page, "several": len(municipalities) > 1})


@require_perm(Perm.SETTINGS_MANAGE)
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_or_404(request.user, pk)
    form = TeamForm(request.POST or None, municipalities=selectors.managed_municipalities(request.user), team=team)
    if request.method == "POST" and form.is_valid():
        services.team_rename(actor=request.user, team=team, name=form.cleaned_data["name"])
        messages.success(request, _("The team was renamed."))
        return redirect("organisations:team_list")
    return render(request, "organisations/team_form.html", {"form": form, "team": team})


@require_perm(Perm.SETTINGS_MANAGE)
def staff_list(request: HttpRequest) -> HttpResponse:
    inactive = request.GET.get("inactive") == "1"
    page = Paginator(selectors.staff_list(request.user, include_inactive=inactive), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "organisations/staff_list.html", {"page_obj": page, "inactive": inactive})


@require_perm(Perm.SETTINGS_MANAGE)
def staff_create(request: HttpRequest) -> HttpResponse:
    form = StaffCreateForm(request.POST or None, municipalities=selectors.managed_municipalities(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user, change = services.staff_create(
            actor=request.user, username=data["username"], password=data["password"],
            municipality=data["municipality"], roles=data["roles"], team=data["team"],
            may_see_protected=data["may_see_protected"], may_see_confidential=data["may_see_confidential"],
            first_name=data["first_name"],
            last_name=data["last_name"], email=data["email"], phone=data["phone"])
        messages.success(request, _("The account %(username)s was created.") % {"username": user.username})
        if change.request is not None:
            messages.info(request, _WAITS)
        return redirect("organisations:staff_detail", pk=user.pk)
    return render(request, "organisations/staff_create.html", {"form": form})


def _roles_forms(request: HttpRequest, subject, bound: RolesForm | None = None) -> list[RolesForm]:
    """One roles form per municipality; where a change waits for approval, the form shows it (saving it
    again keeps the request) and carries the request for the template."""
    forms = []
    held = {}
    for m in subject.managed_memberships:
        held.setdefault(m.municipality_id, []).append(m)
    pending = selectors.pending_requests_of(request.user, subject)
    for municipality in selectors.managed_municipalities(request.user):
        if bound is not None and bound.municipality.pk == municipality.pk:
            form = bound
        else:
            mine = held.get(municipality.pk, [])
            initial = {"roles": [m.role for m in mine], "team": mine[0].team_id if mine else None,
                       "may_see_protected": any(m.may_see_protected for m in mine),
                       "may_see_confidential": any(m.may_see_confidential for m in mine)}
            waiting = pending.get(municipality.pk)
            if waiting is not None:
                initial = {"roles": waiting.roles, "team": waiting.team_id,
                           "may_see_protected": waiting.may_see_protected,
                           "may_see_confidential": waiting.may_see_confidential}
            form = RolesForm(initial=initial, municipality=municipality, prefix=f"m{municipality.pk}")
        form.pending = pending.get(municipality.pk)
        form.held = held.get(municipality.pk, [])
        form.can_decide = form.pending is not None and may_decide_access_request(request.user, form.pending)
        forms.append(form)
    return forms


def _staff_page(request: HttpRequest, subject, *, profile: StaffForm | None = None,
                roles: RolesForm | None = None, status: int = 200) -> HttpResponse:
    return render(request, "organisations/staff_detail.html", {
        "subject": subject,
        "profile_form": profile or StaffForm(instance=subject),
        "roles_forms": _roles_forms(request, subject, roles),
    }, status=status)


@require_perm(Perm.SETTINGS_MANAGE)
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subject = selectors.staff_or_404(request.user, pk)
    if request.method == "POST":
        form = StaffForm(request.POST, instance=selectors.staff_or_404(request.user, pk))
        if form.is_valid():
            changed = services.staff_update(actor=request.user, user=subject, values=form.cleaned_data)
            messages.success(request, _("The details were saved.") if changed else _("Nothing was changed."))
            return redirect("organisations:staff_detail", pk=subject.pk)
        return _staff_page(request, subject, profile=form, status=400)
    return _staff_page(request, subject)


@require_POST
@require_perm(Perm.SETTINGS_MANAGE)
def staff_roles(request: HttpRequest, pk: int, municipality_pk: int) -> HttpResponse:
    subject = selectors.staff_or_404(request.user, pk)
    municipality = selectors.municipality_or_404(request.user, municipality_pk)
    form = RolesForm(request.POST, municipality=municipality, actor=request.user, subject=subject,
                     prefix=f"m{municipality.pk}")
    if not form.is_valid():
        return _staff_page(request, subject, roles=form, status=400)
    data = form.cleaned_data
    change = services.membership_change(actor=request.user, user=subject, municipality=municipality,
                                        roles=data["roles"], team=data["team"],
                                        may_see_protected=data["may_see_protected"],
                                        may_see_confidential=data["may_see_confidential"])
    if change.request is not None:
        messages.info(request, _WAITS)
    else:
        messages.success(request, _("The roles were saved.") if change.changed else _("Nothing was changed."))
    return redirect("organisations:staff_detail", pk=subject.pk)


@require_POST
@require_perm(Perm.SETTINGS_MANAGE)
def staff_active(request: HttpRequest, pk: int) -> HttpResponse:
    subject = selectors.staff_or_404(request.user, pk)
    if request.POST.get("active") == "1":
        services.staff_reactivate(actor=request.user, user=subject)
        messages.success(request, _("The account can log in again."))
    elif subject.pk == request.user.pk:
        messages.error(request, _("You cannot deactivate your own account."))
    else:
        services.staff_deactivate(actor=request.user, user=subject)
        messages.success(request, _("The account was deactivated. Its history is kept."))
    return redirect("organisations:staff_detail", pk=subject.pk)


# --- Access requests: the second person -------------------------------------------------------------

@require_perm(Perm.ACCESS_APPROVE)
def access_requests(request: HttpRequest) -> HttpResponse:
    """Changes that give access to youth data and wait for a second person (administrators and coordinators)."""
    page = Paginator(selectors.access_requests_open(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page.object_list:
        item.can_decide = may_decide_access_request(request.user, item)
    return render(request, "organisations/access_requests.html", {
        "page_obj": page, "perms_settings": has_perm(request.user, Perm.SETTINGS_MANAGE)})


@require_POST
@require_perm(Perm.ACCESS_APPROVE)
def access_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_request_or_404(request.user, pk)
    action = request.POST.get("action")
    try:
        if action == "approve":
            services.access_request_approve(actor=request.user, request=item)
            messages.success(request, _("The access was approved and applies now."))
        elif action == "reject":
            services.access_request_reject(actor=request.user, request=item)
            messages.success(request, _("The request was rejected. Nothing was changed."))
        elif action == "withdraw":
            services.access_request_withdraw(actor=request.user, request=item)
            messages.success(request, _("The request was withdrawn."))
        else:
            messages.error(request, _("Choose approve or reject."))
    except PermissionDenied:
        messages.error(request, _("Another administrator or coordinator of the municipality must decide: not "
                                  "the person who asked, nor the person who gets the access."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("organisations:access_requests")


# --- API tokens of the municipality's staff -------------------------------------------------------------

@require_perm(Perm.SETTINGS_MANAGE)
def token_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.staff_tokens(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "organisations/token_list.html", {"page_obj": page})


@require_POST
@require_perm(Perm.SETTINGS_MANAGE)
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.staff_token_or_404(request.user, pk)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("organisations:token_list")
