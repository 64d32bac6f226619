"""Hand-over pages: the fraktsedel (from the youth page), transfers between municipalities (the
coordinators'). Thin: the rules are in services, selectors and the access policy."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaa.accounts.policy import (
    CasePerm,
    HandoverPerm,
    case_may_write,
    case_owner_id,
    require_perm,
    transfer_youth_or_404,
)
from kaa.audit.decorators import audits_youth_read
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_records, audit_youth_read
from kaa.casework.forms import apply_errors
from kaa.casework.selectors import case_youth

from . import pdf, selectors, services
from .forms import FraktsedelForm, RejectForm, TransferForm
from .models import FraktsedelSection, TransferStatus

PAGE_SIZE = 50
VIEW, TRANSFER = CasePerm.VIEW, HandoverPerm.TRANSFER


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- The fraktsedel ---------------------------------------------------------------------------------------


@require_perm(VIEW)
@audits_youth_read()
def fraktsedel_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose, with the youth, the sections to pass on; record to whom, and the consent."""
    youth = case_youth(user=request.user, pk=pk)
    _require(case_may_write(request.user, youth))
    form = FraktsedelForm(request.POST or None, consents=selectors.fraktsedel_consents(youth=youth))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            doc = services.fraktsedel_give(
                youth=youth,
                user=request.user,
                sections=data["sections"],
                transition=data["transition"],
                recipient_organisation=data["recipient_organisation"],
                recipient_name=data["recipient_name"],
                consent=data["consent"],
                given_by=data["given_by"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The fraktsedel is recorded. Print it for the youth and the receiver."))
            return redirect("handover:fraktsedel_detail", pk=youth.pk, fraktsedel_pk=doc.pk)
    preview = selectors.fraktsedel_content(youth=youth, sections=list(FraktsedelSection.values))
    return render(request, "handover/fraktsedel_form.html", {"youth": youth, "form": form, "preview": preview})


@require_perm(VIEW)
@audits_youth_read()
def fraktsedel_detail(request: HttpRequest, pk: int, fraktsedel_pk: int) -> HttpResponse:
    youth = case_youth(user=request.user, pk=pk)
    doc = selectors.fraktsedel_or_404(youth=youth, pk=fraktsedel_pk)
    return render(request, "handover/fraktsedel_detail.html", {"youth": youth, "doc": doc})


@require_perm(VIEW)
@audits_youth_read()
def fraktsedel_pdf(request: HttpRequest, pk: int, fraktsedel_pk: int) -> HttpResponse:
    """The fraktsedel as given, in plain Swedish, to print or send."""
    youth = case_youth(user=request.user, pk=pk)
    doc = selectors.fraktsedel_or_404(youth=youth, pk=fraktsedel_pk)
    data = pdf.render_fraktsedel_pdf(fraktsedel=doc)
    services.fraktsedel_pdf_audit(fraktsedel=doc, user=request.user)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fraktsedel-{doc.given_on.isoformat()}.pdf"'
    return response


# --- Transfers between municipalities -----------------------------------------------------------------------


@require_perm(TRANSFER)
@audits_youth_read()
def transfer_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator of the municipality holding the case offers it to another municipality."""
    youth = transfer_youth_or_404(request.user, pk)
    municipalities = selectors.receiving_municipalities(youth=youth, owner_id=case_owner_id(youth))
    form = TransferForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.transfer_offer(youth=youth, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The transfer is offered. You keep responsibility until it is accepted."))
            return redirect("handover:transfer_detail", transfer_pk=transfer.pk)
    return render(request, "handover/transfer_form.html", {"youth": youth, "form": form})


@require_perm(TRANSFER)
def transfer_list(request: HttpRequest) -> HttpResponse:
    direction = request.GET.get("direction", "incoming")
    direction = direction if direction in ("incoming", "outgoing") else "incoming"
    status = request.GET.get("status", "")
    status = status if status in TransferStatus.values else ""
    qs = selectors.transfers_for(user=request.user, direction=direction, status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_records(
        user=request.user,
        action=AuditAction.LIST,
        object_type="transfer",
        youths=[
            (t.youth_id, t.to_municipality_id if direction == "incoming" else t.from_municipality_id)
            for t in page.object_list
        ],
        detail=f"transfers:{direction}",
    )
    moved_away = selectors.moved_away_cases(request.user) if direction == "outgoing" else []
    return render(
        request,
        "handover/transfer_list.html",
        {
            "page": page,
            "direction": direction,
            "status": status,
            "statuses": TransferStatus.choices,
            "moved_away": moved_away,
        },
    )


@require_perm(TRANSFER)
def transfer_detail(request: HttpRequest, transfer_pk: int) -> HttpResponse:
    transfer = selectors.transfer_or_404(user=request.user, pk=transfer_pk)
    audit_youth_read(
        user=request.user,
        youth_id=transfer.youth_id,
        municipality_id=transfer.youth.municipality_id,
        detail="handover:transfer",
    )
    return render(
        request,
        "handover/transfer_detail.html",
        {"transfer": transfer, "reject_form": RejectForm(), **selectors.transfer_actions(request.user, transfer)},
    )


def _answer(request: HttpRequest, transfer_pk: int, act: str) -> HttpResponse:
    transfer = selectors.transfer_or_404(user=request.user, pk=transfer_pk)
    try:
        if act == "accept":
            services.transfer_accept(transfer=transfer, user=request.user)
        elif act == "revoke":
            services.transfer_revoke(transfer=transfer, user=request.user)
        else:
            form = RejectForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.get("reason") or _("Say why the transfer is rejected."))
            services.transfer_reject(transfer=transfer, user=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("handover:transfer_detail", transfer_pk=transfer.pk)
    done = {
        "accept": _("The transfer is accepted: the youth is now your municipality's."),
        "reject": _("The transfer is rejected. The sender reads your reason."),
        "revoke": _("The transfer is revoked."),
    }[act]
    messages.success(request, done)
    if act == "accept":
        return redirect(reverse("register:youth_detail", args=[transfer.youth_id]))
    return redirect("handover:transfer_detail", transfer_pk=transfer.pk)


@require_POST
@require_perm(TRANSFER)
def transfer_accept(request: HttpRequest, transfer_pk: int) -> HttpResponse:
    return _answer(request, transfer_pk, "accept")


@require_POST
@require_perm(TRANSFER)
def transfer_reject(request: HttpRequest, transfer_pk: int) -> HttpResponse:
    return _answer(request, transfer_pk, "reject")


@require_POST
@require_perm(TRANSFER)
def transfer_revoke(request: HttpRequest, transfer_pk: int) -> HttpResponse:
    return _answer(request, transfer_pk, "revoke")
