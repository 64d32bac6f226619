"""The one way a page about a youth is audited: ``@audits_youth_read()`` on the view.

A view whose URL names a youth (``youths/<int:pk>/...``) renders that youth's personal data, so every
successful render (status 200, whatever the method: a form shown again with its errors shows the name
too) writes one read entry for the youth. A request that already audited the youth (a service wrote
its change, a list its rows) gets no second entry; a refusal (403/404) or a redirect after a saved
form gets none. tests/audit/test_youth_reads.py walks every URL that takes a youth id and checks it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from kaa.accounts.policy import readable_youths

from .services import audit_youth_read, tracking_audited_youths

View = Callable[..., HttpResponse]

# The youths the decorated view has already read through the access policy, with their municipality:
# the decorator then records the read without asking the policy again (one query fewer a page).
_resolved: contextvars.ContextVar[dict[int, int | None] | None] = contextvars.ContextVar("audit_resolved",
                                                                                        default=None)


def youth_resolved(youth: Any) -> None:
    """Tell ``audits_youth_read`` that the view found this youth through ``readable_youths`` or the working
    scope within it (the rule the decorator would ask): its read entry takes the municipality from here."""
    known = _resolved.get()
    if known is not None:
        known[youth.pk] = youth.municipality_id


def audits_youth_read(kwarg: str = "pk") -> Callable[[View], View]:
    """Decorate a view taking the youth's id as the URL keyword ``kwarg``."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            known: dict[int, int | None] = {}
            token = _resolved.set(known)
            try:
                with tracking_audited_youths() as audited:
                    response = view(request, *args, **kwargs)
            finally:
                _resolved.reset(token)
            youth_id = _as_id(kwargs.get(kwarg))
            if response.status_code == 200 and youth_id is not None and youth_id not in audited:
                if youth_id in known:
                    municipality_id = known[youth_id]
                else:
                    municipality_id = (readable_youths(request.user).filter(pk=youth_id)
                                       .values_list("municipality_id", flat=True).first())
                audit_youth_read(user=request.user, youth_id=youth_id, municipality_id=municipality_id)
            return response

        wrapped.audits_youth = kwarg  # type: ignore[attr-defined]
        return wrapped

    return decorator


def _as_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
