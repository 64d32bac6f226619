"""Reads of the messaging app, scoped by the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from kaa.accounts.policy import Perm, municipality_ids_with
from kaa.register.models import YouthEvent

from .codes import hash_code, looks_valid, normalize
from .models import LetterBatch, LetterTemplate, ReplyCode
from .services import REPLY_EVENT


def templates_for(user: Any) -> QuerySet[LetterTemplate]:
    return (LetterTemplate.objects.filter(municipality_id__in=municipality_ids_with(user, Perm.LETTERS_MANAGE))
            .select_related("municipality").order_by("municipality__name", "code"))


def template_or_404(user: Any, pk: Any) -> LetterTemplate:
    template = templates_for(user).filter(pk=pk).first()
    if template is None:
        raise Http404
    return template


def batches_for(user: Any) -> QuerySet[LetterBatch]:
    return (LetterBatch.objects.filter(municipality_id__in=municipality_ids_with(user, Perm.LETTERS_PRINT))
            .select_related("municipality", "created_by", "template_version__template"))


def batch_or_404(user: Any, pk: Any) -> LetterBatch:
    batch = batches_for(user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def reply_code_lookup(raw: str) -> ReplyCode | None:
    """The reply code typed on the public page, or None. Expired codes are returned (the page says so)."""
    code = normalize(raw)
    if not looks_valid(code):
        return None
    return ReplyCode.objects.select_related("youth").filter(code_hash=hash_code(code)).first()


def reply_count(reply_code: ReplyCode) -> int:
    return YouthEvent.objects.filter(kind=REPLY_EVENT, youth_id=reply_code.youth_id,
                                     data__code_id=reply_code.pk).count()
