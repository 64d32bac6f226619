"""Reads of preventive work, always scoped by the access policy (``kaa.accounts.policy``):
``preventive_case_scope`` for cases (only the people working with the pupil), the preventive municipalities
and ``prevention_signals_withheld`` for signals (a protected person without the grant: a count only)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from kaa.accounts.models import Membership
from kaa.accounts.policy import (
    PREVENTION_ROLE_PERMISSIONS,
    PreventionPerm,
    municipalities_with,
    prevention_municipality_ids,
    prevention_signals_withheld,
    preventive_case_scope,
)
from kaa.register.models import EarlySignal, SignalStatus, Youth

from .models import (
    AttendanceImport,
    AttendanceSignal,
    CaseWorker,
    PreventiveCase,
    PreventiveMapping,
    PreventiveStatus,
    SignalState,
)


def _about_protected() -> Exists:
    """Whether a youth with the row's personnummer (any municipality) has a protected identity."""
    return Exists(Youth.objects.filter(personnummer=OuterRef("personnummer")).exclude(protection=""))


def _open_case() -> Exists:
    return Exists(
        PreventiveCase.objects.filter(
            municipality_id=OuterRef("municipality_id"),
            personnummer=OuterRef("personnummer"),
            status=PreventiveStatus.OPEN,
        )
    )


# --- Signals ------------------------------------------------------------------------------------------


def _attendance_all(user: Any, status: str) -> QuerySet[AttendanceSignal]:
    qs = AttendanceSignal.objects.filter(municipality_id__in=prevention_municipality_ids(user)).annotate(
        about_protected=_about_protected()
    )
    return qs.filter(status=status if status in SignalState.values else SignalState.NEW)


def attendance_signals(*, user: Any, status: str = "") -> QuerySet[AttendanceSignal]:
    """Attendance signals the user may read in full, with the pupil's name when the register knows them."""
    youth = Youth.objects.filter(personnummer=OuterRef("personnummer"))
    return (
        _attendance_all(user, status)
        .exclude(prevention_signals_withheld(user))
        .select_related("municipality")
        .annotate(
            given_name=Subquery(youth.values("given_name")[:1]), family_name=Subquery(youth.values("family_name")[:1])
        )
        .order_by("-average_unexcused", "pk")
    )


def attendance_signals_withheld(*, user: Any, status: str = "") -> int:
    return _attendance_all(user, status).filter(prevention_signals_withheld(user)).count()


def _early_all(user: Any) -> QuerySet[EarlySignal]:
    return (
        EarlySignal.objects.filter(municipality_id__in=prevention_municipality_ids(user))
        .exclude(status=SignalStatus.CLOSED)
        .annotate(about_protected=_about_protected(), has_case=_open_case())
        .filter(has_case=False)
    )


def early_signals(*, user: Any) -> QuerySet[EarlySignal]:
    """The schools' early signals (consent-based) without an open preventive case, for opening one."""
    return _early_all(user).exclude(prevention_signals_withheld(user)).order_by("-created_at", "-pk")


def early_signals_withheld(*, user: Any) -> int:
    return _early_all(user).filter(prevention_signals_withheld(user)).count()


def early_signal_or_404(*, user: Any, pk: Any) -> EarlySignal:
    found = early_signals(user=user).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise Http404
    return found


def attendance_signal_or_404(*, user: Any, pk: Any) -> AttendanceSignal:
    found = attendance_signals(user=user, status=SignalState.NEW).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise Http404
    return found


# --- Preventive cases ---------------------------------------------------------------------------------


def preventive_cases(*, user: Any, status: str = "") -> QuerySet[PreventiveCase]:
    """The cases of the pupils the user works with (named on the case)."""
    qs = PreventiveCase.objects.filter(preventive_case_scope(user)).select_related("municipality")
    if status in PreventiveStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("family_name", "given_name", "pk")


def preventive_case_or_404(*, user: Any, pk: Any) -> PreventiveCase:
    """The case if the user works with the pupil; 404 otherwise (its existence does not leak)."""
    try:
        return preventive_cases(user=user).select_related("opened_by").get(pk=int(pk))
    except (ValueError, TypeError, PreventiveCase.DoesNotExist) as exc:
        raise Http404 from exc


def case_page(*, case: PreventiveCase) -> dict:
    mappings = list(case.mappings.select_related("created_by"))
    return {
        "workers": list(case.workers.select_related("user")),
        "meetings": list(case.meetings.select_related("recorded_by")),
        "mapping": mappings[0] if mappings else None,
        "mapping_versions": len(mappings),
    }


def latest_mapping(case: PreventiveCase) -> PreventiveMapping | None:
    return case.mappings.order_by("-version").first()


def colleague_choices(*, case: PreventiveCase) -> list[tuple[int, str]]:
    """Staff of the case's municipality who do preventive work and are not yet on the case."""
    roles = [r for r, perms in PREVENTION_ROLE_PERMISSIONS.items() if PreventionPerm.WORK in perms]
    memberships = Membership.objects.filter(municipality_id=case.municipality_id, role__in=roles, user__is_active=True)
    if case.protected:
        memberships = memberships.filter(may_see_protected=True)
    taken = CaseWorker.objects.filter(case=case).values("user_id")
    users = {m.user_id: m.user for m in memberships.exclude(user_id__in=taken).select_related("user")}
    return sorted(((pk, u.get_full_name() or u.get_username()) for pk, u in users.items()), key=lambda c: c[1])


def prevention_municipalities(user: Any) -> list:
    return municipalities_with(user, PreventionPerm.WORK)  # type: ignore[arg-type]


def imports_for(*, user: Any, municipality_ids: list[int]) -> QuerySet[AttendanceImport]:
    return AttendanceImport.objects.filter(municipality_id__in=municipality_ids).select_related("started_by")


def dashboard(user: Any) -> dict:
    """Start-page section: new signals and the user's open preventive cases (counts, no names)."""
    ids = prevention_municipality_ids(user)
    return {
        "attendance": AttendanceSignal.objects.filter(municipality_id__in=ids, status=SignalState.NEW).count(),
        "early": EarlySignal.objects.filter(municipality_id__in=ids, status=SignalStatus.NEW).count(),
        "cases": PreventiveCase.objects.filter(preventive_case_scope(user), status=PreventiveStatus.OPEN).count(),
        "follow_ups": PreventiveCase.objects.filter(preventive_case_scope(user), status=PreventiveStatus.OPEN)
        .filter(Q(follow_up_on__isnull=False))
        .count(),
    }
