"""The youth's extract (GDPR art. 15) from the youth page: the PDF in plain Swedish and the same as JSON.
Thin: who may is ``kaa.accounts.policy.extract_youth_or_404``, the data ``kaa.casework.extract``."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from kaa.accounts.policy import Perm, extract_youth_or_404, may_produce_extract, require_perm
from kaa.audit.decorators import audits_youth_read

from .extract import extract_produce, render_extract_pdf


def _filename(suffix: str) -> str:
    return f"registerutdrag-{timezone.localdate().isoformat()}.{suffix}"


@require_perm(Perm.YOUTH_EXTRACT)
@audits_youth_read()
def extract_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    youth = extract_youth_or_404(request.user, pk)
    extract = extract_produce(user=request.user, youth=youth, output="pdf")
    response = HttpResponse(render_extract_pdf(extract, youth=youth), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename("pdf")}"'
    response["Cache-Control"] = "no-store"
    return response


@require_perm(Perm.YOUTH_EXTRACT)
@audits_youth_read()
def extract_json(request: HttpRequest, pk: int) -> HttpResponse:
    youth = extract_youth_or_404(request.user, pk)
    extract = extract_produce(user=request.user, youth=youth, output="json")
    body = json.dumps(extract.as_json(), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("json")}"'
    response["Cache-Control"] = "no-store"
    return response


def extract_section_context(user: Any, youth: Any) -> dict:
    """The youth page's extract section: the buttons, for the coordinator who may produce it."""
    return {"may_produce": may_produce_extract(user, youth)}
