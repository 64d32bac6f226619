"""Reads of the register, always scoped by the user's access (kaa.accounts.policy)."""

from typing import Any

from django.db.models import QuerySet

from kaa.accounts.policy import visible_youths, youth_or_404

from .identity import normalise_personnummer
from .models import Youth


def youth_list(*, user: Any, search: str = "") -> QuerySet[Youth]:
    qs = visible_youths(user).select_related("municipality", "coach")
    search = search.strip()
    if search:
        pnr = normalise_personnummer(search)
        if pnr:
            qs = qs.filter(personnummer=pnr)
        else:
            for word in search.split():
                qs = qs.filter(given_name__icontains=word) | qs.filter(family_name__icontains=word)
    return qs.order_by("family_name", "given_name", "pk")


def youth_detail(*, user: Any, pk: Any) -> Youth:
    qs = Youth.objects.select_related("municipality", "coach", "team")
    return youth_or_404(user, pk, qs)
