"""Pages of the messaging app: templates, letter printing, SMS/e-mail to a youth, and the
public reply page (no login) at /svar/."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kaa.accounts.policy import Perm, has_perm, municipalities_with, require_perm, youth_or_404
from kaa.audit.decorators import audits_youth_read
from kaa.audit.models import AuditAction
from kaa.audit.services import audit_records
from kaa.core.client_ip import client_ip

from . import bridge, gaps, selectors, services
from .codes import normalize
from .forms import BatchForm, EmailForm, ReplyCodeForm, ReplyForm, SingleLetterForm, SmsForm, TemplateForm
from .models import TemplateCode
from .placeholders import PLACEHOLDERS
from .ratelimit import ReplyAttempts
from .tasks import letter_batch_task

# Above this many letters the batch is rendered by the task worker (about 30 ms a letter).
SYNC_BATCH_LIMIT = 200
CODE_SUBMISSION_LIMIT = 5


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


# --- templates -------------------------------------------------------------------------------

@require_perm(Perm.LETTERS_MANAGE)
@require_http_methods(["GET", "POST"])
def template_list(request: HttpRequest) -> HttpResponse:
    municipalities = municipalities_with(request.user, Perm.LETTERS_MANAGE)
    if request.method == "POST":
        for municipality in municipalities:
            services.template_install_defaults(municipality=municipality, user=request.user)
        messages.success(request, _("The default templates are installed."))
        return redirect("messaging:template_list")
    templates = list(selectors.templates_for(request.user).prefetch_related("versions"))
    for template in templates:
        template.latest = max(template.versions.all(), key=lambda v: v.number, default=None)
    return render(request, "messaging/template_list.html", {"templates": templates,
                                                            "missing": len(templates) < 4 * len(municipalities)})


@require_perm(Perm.LETTERS_MANAGE)
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_or_404(request.user, pk)
    current = template.current_version()
    initial = {f: getattr(current, f) for f in services.TEXT_FIELDS} if current else {}
    form = TemplateForm(request.POST or None, initial=initial, postcard=template.is_postcard)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.template_save(template=template, user=request.user, **{
                f: form.cleaned_data.get(f, "") for f in services.TEXT_FIELDS})
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Saved as version %(number)s.") % {"number": version.number})
            return redirect("messaging:template_edit", pk=template.pk)
    versions = template.versions.select_related("created_by").order_by("-number")[:50]
    return render(request, "messaging/template_edit.html", {
        "template": template, "form": form, "versions": versions, "placeholders": PLACEHOLDERS.items()})


@require_perm(Perm.LETTERS_MANAGE)
def template_preview(request: HttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_or_404(request.user, pk)
    version = template.versions.filter(number=request.GET.get("version") or 0).first() or template.current_version()
    if version is None:
        raise Http404
    pdf = services.template_preview_pdf(version=version, user=request.user)
    return _pdf_response(pdf, f"{template.code}-v{version.number}.pdf")


# --- printing --------------------------------------------------------------------------------

@require_perm(Perm.LETTERS_PRINT)
@require_http_methods(["GET", "POST"])
def print_letters(request: HttpRequest) -> HttpResponse:
    municipalities = municipalities_with(request.user, Perm.LETTERS_PRINT)
    form = BatchForm(request.POST or None, municipalities=municipalities,
                     initial={"municipality": municipalities[0].pk if municipalities else None})
    if request.method == "POST" and form.is_valid():
        municipality = next(m for m in municipalities if m.pk == form.cleaned_data["municipality"])
        due = bridge.youths_due(user=request.user, step_code="letter").filter(municipality=municipality).count()
        if due > SYNC_BATCH_LIMIT:
            letter_batch_task.enqueue(request.user.pk, municipality.pk, form.cleaned_data["template_code"])
            messages.info(request, _("%(count)s letters are being prepared. The batch appears in the list below "
                                     "when it is ready.") % {"count": due})
            return redirect("messaging:print_letters")
        try:
            batch = services.letter_batch_create(user=request.user, municipality=municipality,
                                                 template_code=form.cleaned_data["template_code"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, ngettext("%(count)s letter is ready to print.",
                                               "%(count)s letters are ready to print.",
                                               batch.youth_count) % {"count": batch.youth_count})
            if batch.held_back:
                messages.warning(request, ngettext(
                    "%(count)s letter was held back: it lacks something. See the list below.",
                    "%(count)s letters were held back: each lacks something. See the list below.",
                    len(batch.held_back)) % {"count": len(batch.held_back)})
            return redirect("messaging:batch_detail", pk=batch.pk)
    try:
        due_count = bridge.youths_due(user=request.user, step_code="letter").count()
    except ImportError:
        due_count = None
    page = Paginator(selectors.batches_for(request.user), 50).get_page(request.GET.get("page"))
    code = form.cleaned_data["template_code"] if form.is_bound and form.is_valid() else TemplateCode.LETTER_INTRO
    return render(request, "messaging/print_letters.html", {
        "form": form, "due_count": due_count, "page": page,
        "held_back": _held_back(request, municipalities, code)})


def _held_back(request: HttpRequest, municipalities: list, template_code: str) -> list:
    """The due letters that lack something (shown by name: audited as a list read)."""
    held = []
    for municipality in municipalities:
        version = services.current_version(municipality=municipality, code=template_code)
        held += gaps.held_back(user=request.user, municipality=municipality, version=version)
    if held:
        audit_records(user=request.user, action=AuditAction.LIST, object_type="youth",
                      youths=[(h.youth.pk, h.youth.municipality_id) for h in held], detail="letters_held_back")
    return held


@require_perm(Perm.LETTERS_PRINT)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_or_404(request.user, pk)
    held = _held_back(request, [batch.municipality], batch.template_version.template.code)
    return render(request, "messaging/batch_detail.html", {
        "batch": batch, "held_back": held, "letter_count": selectors.batch_letters(request.user, batch).count()})


@require_perm(Perm.LETTERS_PRINT)
def batch_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_or_404(request.user, pk)
    content, youths = selectors.batch_pdf_for(request.user, batch)
    audit_records(user=request.user, action=AuditAction.EXPORT, object_type="letter", youths=youths,
                  detail=f"batch:{batch.pk}:download")
    response = FileResponse(content, content_type="application/pdf", as_attachment=True,
                            filename=f"brev-{batch.pk}.pdf")
    response["Cache-Control"] = "no-store"
    return response


# --- one youth: letter, SMS, e-mail ----------------------------------------------------------

@require_perm(Perm.WORKLIST)
@require_http_methods(["GET", "POST"])
@audits_youth_read()
def compose(request: HttpRequest, pk: int) -> HttpResponse:
    youth = youth_or_404(request.user, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    sms_form = SmsForm(request.POST if action == "sms" else None, prefix="sms")
    email_form = EmailForm(request.POST if action == "email" else None, prefix="email")
    letter_form = SingleLetterForm(prefix="letter")
    if action == "sms" and sms_form.is_valid():
        try:
            result = services.sms_send(youth=youth, user=request.user, **sms_form.cleaned_data)
        except ValidationError as exc:
            _form_errors(sms_form, exc)
        else:
            if result.ok:
                messages.success(request, _("The SMS was sent and recorded."))
            else:
                messages.error(request, _("The SMS could not be delivered. The failed attempt is recorded."))
            return redirect("messaging:compose", pk=youth.pk)
    if action == "email" and email_form.is_valid():
        try:
            ok = services.email_send(youth=youth, user=request.user, to_guardian=False, **email_form.cleaned_data)
        except ValidationError as exc:
            _form_errors(email_form, exc)
        else:
            if ok:
                messages.success(request, _("The e-mail was sent and recorded."))
            else:
                messages.error(request, _("The e-mail could not be delivered. The failed attempt is recorded."))
            return redirect("messaging:compose", pk=youth.pk)
    return render(request, "messaging/compose.html", {
        "youth": youth, "sms_form": sms_form, "email_form": email_form, "letter_form": letter_form,
        "guardian_phone": any(g.phone for g in youth.guardians.all()),
        "may_print": has_perm(request.user, Perm.LETTERS_PRINT, youth.municipality_id)})


@require_perm(Perm.LETTERS_PRINT)
@require_POST
@audits_youth_read()
def letter_single(request: HttpRequest, pk: int) -> HttpResponse:
    youth = youth_or_404(request.user, pk)
    form = SingleLetterForm(request.POST, prefix="letter")
    if not form.is_valid():
        messages.error(request, _("Choose a letter."))
        return redirect("messaging:compose", pk=youth.pk)
    try:
        letter, pdf = services.letter_print(user=request.user, youth=youth,
                                            template_code=form.cleaned_data["template_code"])
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("messaging:compose", pk=youth.pk)
    return _pdf_response(pdf, f"brev-{letter.pk}.pdf")


# --- the public reply page -------------------------------------------------------------------

def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "messaging/public/too_many.html", status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def reply_start(request: HttpRequest) -> HttpResponse:
    form = ReplyCodeForm(request.POST or None)
    if request.method == "POST":
        attempts = ReplyAttempts(client_ip(request) or "unknown")
        if not attempts.allowed:
            return _too_many(request)
        if form.is_valid():
            reply_code = selectors.reply_code_lookup(form.cleaned_data["code"])
            if reply_code is not None and not attempts.code(reply_code):
                return _too_many(request)
            if reply_code is not None and not reply_code.is_expired:
                attempts.succeeded()
                return redirect("messaging:reply", code=normalize(form.cleaned_data["code"]))
            form.add_error("code", _("The code is not valid or has expired. Check the code on your letter."))
    return render(request, "messaging/public/start.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def reply(request: HttpRequest, code: str) -> HttpResponse:
    attempts = ReplyAttempts(client_ip(request) or "unknown")
    if not attempts.allowed:
        return _too_many(request)
    reply_code = selectors.reply_code_lookup(code)
    if reply_code is None:
        return render(request, "messaging/public/invalid.html", status=404)
    if not attempts.code(reply_code):
        return _too_many(request)
    if reply_code.is_expired:
        return render(request, "messaging/public/invalid.html", status=410)
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():  # a wrong answer: it stays counted
            return render(request, "messaging/public/reply.html", {"form": form})
        attempts.succeeded()
        if selectors.reply_count(reply_code) >= CODE_SUBMISSION_LIMIT:
            return _too_many(request)
        services.reply_submit(reply_code=reply_code, kind=form.cleaned_data["kind"], answers=form.answers())
        return redirect(reverse("messaging:reply_thanks"))
    attempts.succeeded()
    return render(request, "messaging/public/reply.html", {"form": form})


@never_cache
def reply_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "messaging/public/thanks.html")
