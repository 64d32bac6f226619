"""Reads of the messaging app, scoped by the access policy."""

from __future__ import annotations

import io
from typing import IO, Any

from django.db.models import QuerySet
from django.http import Http404

from kaa.accounts.policy import Perm, letter_batch_scope, municipality_ids_with, visible_youths
from kaa.register.models import YouthEvent

from .codes import hash_code, looks_valid, normalize
from .models import Letter, LetterBatch, LetterTemplate, ReplyCode
from .pdf import select_pages
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
    """The batches the user printed, and those of the municipalities they coordinate (the policy's rule)."""
    return (LetterBatch.objects.filter(letter_batch_scope(user))
            .select_related("municipality", "created_by", "template_version__template"))


def batch_or_404(user: Any, pk: Any) -> LetterBatch:
    batch = batches_for(user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def batch_letters(user: Any, batch: LetterBatch) -> QuerySet[Letter]:
    """The batch's letters to youths the user may see now, in the order of the batch's PDF."""
    return batch.letters.filter(youth__in=visible_youths(user)).order_by("first_page", "pk")


def batch_pdf_for(user: Any, batch: LetterBatch) -> tuple[IO[bytes], list[tuple[int, int]]]:
    """The batch's PDF as this user may read it, and the (youth id, municipality id) of its letters.

    A reader who may not see every youth of the batch (a coordinator without the protected-identity
    grant, a printer whose scope shrank) gets only the pages of the letters they may see. 404 when
    there is no letter they may see, or the batch's pages are unknown (printed before pages were kept).
    """
    if not batch.pdf:
        raise Http404
    letters = list(batch_letters(user, batch).values_list("youth_id", "youth__municipality_id", "first_page",
                                                          "page_count"))
    if not letters:
        raise Http404
    youths = [(youth_id, municipality_id) for youth_id, municipality_id, _first, _count in letters]
    # Every letter printed is one the reader may see (a deleted youth lowers the count: pages are then selected).
    if len(letters) == batch.youth_count:
        return batch.pdf.open("rb"), youths
    if any(first is None or count is None for _y, _m, first, count in letters):
        raise Http404
    with batch.pdf.open("rb") as stored:
        content = select_pages(stored.read(), [(first, count) for _y, _m, first, count in letters])
    return io.BytesIO(content), youths


def reply_code_lookup(raw: str) -> ReplyCode | None:
    """The reply code typed on the public page, or None. Expired codes are returned (the page says so)."""
    code = normalize(raw)
    if not looks_valid(code):
        return None
    return ReplyCode.objects.select_related("youth").filter(code_hash=hash_code(code)).first()


def reply_count(reply_code: ReplyCode) -> int:
    return YouthEvent.objects.filter(kind=REPLY_EVENT, youth_id=reply_code.youth_id,
                                     data__code_id=reply_code.pk).count()
