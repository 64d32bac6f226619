"""API: the youth's extract (GDPR art. 15), INTERFACES.md "Case work":
``GET /api/v1/youths/{id}/extract`` answers everything the installation holds about the youth as JSON.

404 for a youth outside the caller's scope, 403 for a caller who sees the youth but may not produce the
extract (it is a coordinator's act: ``kaa.accounts.policy.extract_youth_or_404``); audited as an export.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from kaa.accounts.policy import extract_youth_or_404
from kaa.core.api import ErrorOut, YouthId, with_errors

from .extract import extract_produce

router = Router(tags=["case work"])


@router.get("/{youth_id}/extract", response=with_errors({200: dict[str, Any], 403: ErrorOut}),
            operation_id="youth_extract", url_name="youth_extract",
            summary="The youth's extract (GDPR art. 15): everything held about the youth",
            description="Personal data, guardians, schooling, register periods, the timeline, school reports, "
                        "contacts, meetings, concern reports, replies, letters, the case (occupations, mappings, "
                        "plan, measures, evaluations, the whole journal with confidential entries marked "
                        "`confidential: true`, consents), emergency accesses and the audit log of the record. "
                        "Only a coordinator of the youth's municipality; recorded in the audit log.")
def youth_extract(request: HttpRequest, youth_id: YouthId) -> dict[str, Any]:
    youth = extract_youth_or_404(request.user, youth_id)
    return extract_produce(user=request.user, youth=youth, output="json").as_json()
