"""Reads of the hand-over, always scoped by the access policy (kaa.accounts.policy).

The fraktsedel's text is made here from the case (mapping, plan, measures, occupation), in plain
Swedish whatever the staff member's language: it is given to the youth and the receiving organisation.
The journal is never in it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation

from kaa.accounts.policy import (
    case_may_read,
    case_may_write,
    may_answer_transfer,
    may_offer_transfer,
    may_revoke_transfer,
    transfer_municipality_ids,
)
from kaa.casework.codes import CodeTable
from kaa.casework.models import ActionPlan, CodeKind, Consent, Mapping, Measure, Occupation
from kaa.casework.selectors import consent_valid, occupation_spans
from kaa.organisations.models import Municipality
from kaa.register.models import Youth

from .models import CaseOwnership, Fraktsedel, FraktsedelSection, Transfer, TransferStatus

ON_SECTION = 10
ON_DASHBOARD = 10
ON_MOVED_AWAY = 50

# The fraktsedel speaks to the youth and the receiver in plain Swedish.
SECTION_TITLES_SV = {
    FraktsedelSection.ABOUT_ME: "Om mig",
    FraktsedelSection.SCHOOL: "Skolan",
    FraktsedelSection.SUPPORT: "Stöd som hjälper mig",
    FraktsedelSection.PLAN: "Mitt mål och min plan",
    FraktsedelSection.HISTORY: "Det här har jag gjort",
}
MAPPING_LABELS_SV = {
    FraktsedelSection.ABOUT_ME: (
        ("interests", "Mina intressen"),
        ("wishes", "Det här vill jag"),
        ("strengths", "Det här är jag bra på"),
    ),
    FraktsedelSection.SCHOOL: (
        ("school_worked", "Det här fungerade i skolan"),
        ("school_not_worked", "Det här fungerade inte i skolan"),
    ),
    FraktsedelSection.SUPPORT: (("support_needs", "Stöd som hjälper mig"), ("obstacles", "Praktiska hinder")),
}
NOTHING_SV = "Inget skrivet ännu."


def _items(pairs: list[tuple[str, str]]) -> list[dict]:
    return [{"label": label, "text": text} for label, text in pairs if text]


def _mapping_items(mapping: Mapping | None, section: str) -> list[dict]:
    if mapping is None:
        return []
    return _items([(label, getattr(mapping, name)) for name, label in MAPPING_LABELS_SV[section]])


def _plan_items(youth: Youth, table: CodeTable) -> list[dict]:
    plan = ActionPlan.objects.filter(youth=youth).first()
    pairs = [("Mitt mål", plan.goal if plan else "")]
    for m in Measure.objects.filter(youth=youth, declined=False, end_reason="").order_by("start", "pk"):
        if m.end is not None and m.end < m.start:
            continue
        what = table.label(CodeKind.MEASURE, m.code) + (f": {m.other_which}" if m.other_which else "")
        when = f"från {m.start:%Y-%m-%d}" + (f" till {m.end:%Y-%m-%d}" if m.end else "")
        pairs.append((what, ", ".join(p for p in (m.place, when) if p)))
    return _items(pairs)


def _history_items(youth: Youth, table: CodeTable) -> list[dict]:
    pairs = []
    for m in Measure.objects.filter(youth=youth, declined=False).exclude(end_reason="").order_by("start", "pk"):
        what = table.label(CodeKind.MEASURE, m.code)
        ended = table.label(CodeKind.END_REASON, m.end_reason)
        pairs.append(
            (what, f"{m.start:%Y-%m-%d} – {m.end:%Y-%m-%d}" if m.end else f"från {m.start:%Y-%m-%d}")
            if not ended
            else (what, f"från {m.start:%Y-%m-%d}, avslutad: {ended.lower()}")
        )
    for span in occupation_spans(list(Occupation.objects.filter(youth=youth))):
        label = table.label(CodeKind.OCCUPATION, span.code)
        pairs.append(
            (
                "Sysselsättning",
                f"{label}, från {span.start:%Y-%m-%d}" + (f" till {span.to:%Y-%m-%d}" if span.to else ""),
            )
        )
    return _items(pairs)


def fraktsedel_content(*, youth: Youth, sections: list[str]) -> list[dict]:
    """The chosen sections' text, in Swedish: ``[{"key", "title", "items": [{"label", "text"}]}]``."""
    with translation.override("sv"):
        table = CodeTable.load()
        mapping = Mapping.objects.filter(youth=youth).order_by("-version").first()
        out = []
        for key in sections:
            if key in MAPPING_LABELS_SV:
                items = _mapping_items(mapping, key)
            elif key == FraktsedelSection.PLAN:
                items = _plan_items(youth, table)
            else:
                items = _history_items(youth, table)
            out.append(
                {"key": key, "title": SECTION_TITLES_SV[key], "items": items or [{"label": "", "text": NOTHING_SV}]}
            )
    return out


def fraktsedel_consents(*, youth: Youth) -> QuerySet[Consent]:
    """The consents valid today to choose from when giving a fraktsedel."""
    today = timezone.localdate()
    return (
        Consent.objects.filter(youth=youth, valid_from__lte=today)
        .exclude(valid_until__lt=today)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
        .order_by("-valid_from", "-pk")
    )


def fraktsedlar_of(*, youth: Youth) -> QuerySet[Fraktsedel]:
    return (
        Fraktsedel.objects.filter(youth=youth).select_related("created_by", "municipality").order_by("-given_on", "-pk")
    )


def fraktsedel_or_404(*, youth: Youth, pk: Any) -> Fraktsedel:
    """A fraktsedel of this youth (whose case the caller has been allowed to read)."""
    try:
        return fraktsedlar_of(youth=youth).select_related("consent", "youth").get(pk=int(pk))
    except (Fraktsedel.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def fraktsedel_section_context(user: Any, youth: Youth) -> dict:
    """The youth page's section: the fraktsedlar given and the button to give one."""
    if not case_may_read(user, youth):
        return {"show": False}
    items = list(fraktsedlar_of(youth=youth)[: ON_SECTION + 1])
    return {
        "show": True,
        "items": items[:ON_SECTION],
        "more": len(items) > ON_SECTION,
        "may_write": case_may_write(user, youth),
    }


# --- Transfers ---------------------------------------------------------------------------------------------


def transfer_consent(*, youth: Youth, municipality: Municipality) -> Consent | None:
    """A consent valid today naming the receiving municipality, by its SCB code or its name."""
    return consent_valid(youth=youth, partner=municipality.code) or consent_valid(
        youth=youth, partner=municipality.name
    )


def _transfers() -> QuerySet[Transfer]:
    return Transfer.objects.select_related("youth", "from_municipality", "to_municipality", "created_by", "decided_by")


def transfers_for(*, user: Any, direction: str = "", status: str = "") -> QuerySet[Transfer]:
    """The transfers of the municipalities the user coordinates: ``incoming``, ``outgoing`` or both."""
    ids = transfer_municipality_ids(user)
    scope = {"incoming": Q(to_municipality_id__in=ids), "outgoing": Q(from_municipality_id__in=ids)}.get(
        direction, Q(to_municipality_id__in=ids) | Q(from_municipality_id__in=ids)
    )
    qs = _transfers().filter(scope)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def transfer_or_404(*, user: Any, pk: Any) -> Transfer:
    try:
        return transfers_for(user=user).get(pk=int(pk))
    except (Transfer.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def transfer_actions(user: Any, transfer: Transfer) -> dict:
    """What the user may do with the transfer now."""
    open_ = transfer.status == TransferStatus.IN_PROGRESS
    return {
        "may_answer": open_ and may_answer_transfer(user, transfer.to_municipality_id),
        "may_revoke": open_ and may_revoke_transfer(user, transfer.from_municipality_id),
    }


def transfer_dashboard(user: Any) -> dict:
    """The start page: transfers waiting for an answer, to and from the user's municipalities."""
    ids = set(transfer_municipality_ids(user))
    waiting = list(transfers_for(user=user, status=TransferStatus.IN_PROGRESS)[: ON_DASHBOARD + 1])
    return {
        "incoming": [t for t in waiting[:ON_DASHBOARD] if t.to_municipality_id in ids],
        "outgoing": [t for t in waiting[:ON_DASHBOARD] if t.from_municipality_id in ids],
        "more": len(waiting) > ON_DASHBOARD,
    }


def ownership_history(*, youth: Youth) -> list[CaseOwnership]:
    return list(CaseOwnership.objects.filter(youth=youth).select_related("municipality").order_by("since", "pk"))


def transfer_section_context(user: Any, youth: Youth) -> dict:
    """The youth page's section for coordinators: the transfers of the youth and the offer button."""
    if not case_may_read(user, youth):
        return {"show": False}
    transfers = list(_transfers().filter(youth=youth).order_by("-created_at", "-pk")[:ON_SECTION])
    return {
        "show": True,
        "transfers": transfers,
        "owners": ownership_history(youth=youth),
        "may_offer": may_offer_transfer(user, youth)
        and not any(t.status == TransferStatus.IN_PROGRESS for t in transfers),
    }


def receiving_municipalities(*, youth: Youth, owner_id: int) -> QuerySet[Municipality]:
    """The other municipalities of the installation a case may be offered to."""
    return Municipality.objects.exclude(pk=owner_id).order_by("name")


def moved_away_cases(user: Any) -> list[Youth]:
    """Youths whose case the user's municipalities hold while the population data has moved them
    elsewhere, with no transfer waiting: the coordinator offers each case from here (the youth page is
    the new municipality's now). Bounded; the owner is set on each youth so the policy asks no more."""
    rows = (
        CaseOwnership.objects.filter(until__isnull=True, municipality_id__in=transfer_municipality_ids(user))
        .exclude(youth__municipality_id=F("municipality_id"))
        .exclude(youth__transfers__status=TransferStatus.IN_PROGRESS)
        .select_related("youth__municipality")
        .order_by("youth__family_name", "youth_id")[:ON_MOVED_AWAY]
    )
    out = []
    for row in rows:
        row.youth._kaa_case_owner = (row.municipality_id, row.since if row.transfer_id else None)
        if may_offer_transfer(user, row.youth):
            out.append(row.youth)
    return out
