"""Reads of import runs, scoped to the municipalities where the user may run imports."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from kaa.accounts.policy import Perm, municipality_ids_with

from .models import ImportRun


def runs_for(*, user: Any) -> QuerySet[ImportRun]:
    """Runs of the user's municipalities, plus school runs (they span municipalities) and the user's own."""
    ids = municipality_ids_with(user, Perm.IMPORTS_RUN)
    if not ids:
        return ImportRun.objects.none()
    return (ImportRun.objects.filter(Q(municipality_id__in=ids) | Q(municipality__isnull=True) | Q(user=user))
            .select_related("municipality").defer("errors", "warnings"))  # the list shows no user


def run_or_404(*, user: Any, pk: Any) -> ImportRun:
    try:
        return runs_for(user=user).select_related("user").defer(None).get(pk=int(pk))
    except (ValueError, TypeError, ImportRun.DoesNotExist) as exc:
        raise Http404 from exc


def dashboard_context(user: Any) -> dict:
    return {"runs": list(runs_for(user=user)[:5])}
