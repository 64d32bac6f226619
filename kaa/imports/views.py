"""Import pages: upload a file, see the result with every error, list earlier runs."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from kaa.accounts.policy import Perm, municipalities_with, require_perm
from kaa.register.compute import register_compute
from kaa.register.tasks import register_compute_in_workers

from . import selectors
from .forms import ImportForm
from .models import ImportKind, ImportTrigger
from .services import population_import, school_import
from .uploads import UploadLimit

log = logging.getLogger(__name__)
PAGE_SIZE = 50
ERRORS_PAGE_SIZE = 200
COMPUTE_BY_ID_LIMIT = 5000


def _compute(request: HttpRequest, youth_ids: list[int]) -> None:
    """Show the coordinator the new register at once; a large import is computed by the task workers."""
    if not youth_ids:
        return
    if len(youth_ids) > COMPUTE_BY_ID_LIMIT:
        # The import flagged them all with needs_evaluation: the workers select them by that flag.
        register_compute_in_workers(on=timezone.localdate())
        messages.info(request, _("The register is being updated by the background worker; "
                                 "it is complete in a few minutes."))
    else:
        register_compute(youth_ids=youth_ids)


# The CSRF check runs in _upload, once the size limit is the first upload handler (Django's documented
# pattern: the middleware's check would read the upload before the view could limit it).
@csrf_exempt
@require_perm(Perm.IMPORTS_RUN)
def upload(request: HttpRequest) -> HttpResponse:
    limit = UploadLimit(request, limit=settings.KAA_MAX_UPLOAD_BYTES)
    request.upload_handlers.insert(0, limit)
    return _upload(request, limit)


@csrf_protect
def _upload(request: HttpRequest, limit: UploadLimit) -> HttpResponse:
    municipalities = municipalities_with(request.user, Perm.IMPORTS_RUN)
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None,
                      municipalities=municipalities, too_large=limit.exceeded)
    if posted and form.is_valid():
        data = form.cleaned_data
        common = {"path_or_file": data["file"], "municipality_code": data["municipality"], "as_of": data["as_of"],
                  "user": request.user, "trigger": ImportTrigger.WEB, "language": request.LANGUAGE_CODE}
        if data["kind"] == ImportKind.POPULATION:
            run = population_import(full=data["full"], force=data["force"], **common)
        else:
            run = school_import(**common)
        if run.ok:
            _compute(request, getattr(run, "changed_youth_ids", []))
        return redirect("imports:run_detail", pk=run.pk)
    return render(request, "imports/upload.html", {"form": form})


@require_perm(Perm.IMPORTS_RUN)
def runs(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.runs_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/runs.html", {"page_obj": page})


@require_perm(Perm.IMPORTS_RUN)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_or_404(user=request.user, pk=pk)
    page = Paginator(run.errors, ERRORS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/run_detail.html", {"run": run, "page_obj": page})
