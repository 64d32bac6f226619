"""Access policy: the one place every view, API endpoint, export and task asks.

Two kinds of question:
- page permissions (``has_perm``): may this user use this function at all? Denied is 403.
- record scope (``visible_youths``, ``youth_or_404``): which youths may this user see?
  A youth outside the scope does not exist for the user: 404, never 403.

Per-record rules (issue 3): a coordinator sees the municipality's youths; a coach, study
counsellor or teacher sees the youths assigned to them or their team; school staff, heads and
administrators see no youth records; a youth with a protected identity is visible only to a user
whose membership in that municipality carries the explicit grant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from .models import Membership, Role

if TYPE_CHECKING:
    from kaa.register.models import Youth


class Perm(StrEnum):
    """Page-level permissions. Roles map to them in ROLE_PERMISSIONS, and nowhere else."""

    YOUTH_VIEW = "youth.view"  # youth lists and records, within the record scope
    REGISTER_VIEW = "register.view"  # the whole register list, its export
    REGISTER_CORRECT = "register.correct"  # manual corrections with a reason
    IMPORTS_RUN = "imports.run"  # upload population and school files, see import runs
    AUDIT_VIEW = "audit.view"  # the audit log pages
    SCHOOL_REPORT = "school_report.submit"  # leaving form and risk reports
    SCHOOL_SIGNALS_VIEW = "school_report.view"  # incoming school reports and early signals
    WORKLIST = "outreach.worklist"  # own worklist, log contacts
    ASSIGN = "outreach.assign"  # assign youths to coaches, the coordinator's overview
    CHAIN_MANAGE = "outreach.chain"  # edit contact chains
    LETTERS_MANAGE = "outreach.letters"  # edit letter templates
    LETTERS_PRINT = "outreach.print"  # print letter batches
    SETTINGS_MANAGE = "settings.manage"  # municipality settings, teams
    REPORTS_VIEW = "reports.view"  # statistics and reports (aggregates)
    STATISTICS_EXPORT = "statistics.export"  # the individual-level SCB file and its pre-submission check
    API_TOKENS = "api.tokens"  # manage one's own API tokens


_CASEWORKER = frozenset({Perm.YOUTH_VIEW, Perm.WORKLIST, Perm.API_TOKENS})

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.COORDINATOR: frozenset(
        {
            Perm.STATISTICS_EXPORT,
            Perm.YOUTH_VIEW, Perm.REGISTER_VIEW, Perm.REGISTER_CORRECT, Perm.IMPORTS_RUN,
            Perm.AUDIT_VIEW, Perm.SCHOOL_REPORT, Perm.SCHOOL_SIGNALS_VIEW, Perm.WORKLIST,
            Perm.ASSIGN, Perm.LETTERS_PRINT, Perm.REPORTS_VIEW, Perm.API_TOKENS,
        }
    ),
    Role.COACH: _CASEWORKER | {Perm.LETTERS_PRINT},
    Role.STUDY_COUNSELLOR: _CASEWORKER,
    Role.TEACHER: _CASEWORKER,
    Role.HEAD: frozenset({Perm.REPORTS_VIEW}),
    Role.SCHOOL_STAFF: frozenset({Perm.SCHOOL_REPORT}),
    Role.ADMINISTRATOR: frozenset(
        {
            Perm.IMPORTS_RUN, Perm.AUDIT_VIEW, Perm.CHAIN_MANAGE, Perm.LETTERS_MANAGE,
            Perm.SETTINGS_MANAGE, Perm.API_TOKENS,
        }
    ),
}

# Roles whose record scope is "assigned to me or my team".
CASEWORKER_ROLES = frozenset({Role.COACH, Role.STUDY_COUNSELLOR, Role.TEACHER})

# Where each role lands after logging in (first matching role wins).
START_PAGE_ORDER = [
    Role.COORDINATOR, Role.COACH, Role.STUDY_COUNSELLOR, Role.TEACHER,
    Role.ADMINISTRATOR, Role.HEAD, Role.SCHOOL_STAFF,
]


def memberships(user: Any) -> list[Membership]:
    """The user's memberships, loaded once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_kaa_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("municipality", "team"))
        user._kaa_memberships = cached
    return cached


def roles(user: Any) -> set[str]:
    return {m.role for m in memberships(user)}


def primary_role(user: Any) -> str | None:
    held = roles(user)
    return next((r for r in START_PAGE_ORDER if r in held), None)


def has_perm(user: Any, perm: Perm, municipality_id: int | None = None) -> bool:
    return any(
        perm in ROLE_PERMISSIONS.get(m.role, ())
        and (municipality_id is None or m.municipality_id == municipality_id)
        for m in memberships(user)
    )


def municipality_ids_with(user: Any, perm: Perm) -> list[int]:
    return sorted({m.municipality_id for m in memberships(user) if perm in ROLE_PERMISSIONS.get(m.role, ())})


def municipalities_with(user: Any, perm: Perm) -> list[Any]:
    seen: dict[int, Any] = {}
    for m in memberships(user):
        if perm in ROLE_PERMISSIONS.get(m.role, ()):
            seen.setdefault(m.municipality_id, m.municipality)
    return sorted(seen.values(), key=lambda mun: mun.name)


def youth_scope(user: Any) -> Q:
    """The Q filter of the youths this user may see. Nothing when the user has no scope."""
    scope = Q(pk__in=[])
    for m in memberships(user):
        base = Q(municipality_id=m.municipality_id)
        if not m.may_see_protected:
            base &= Q(protection="")
        if m.role == Role.COORDINATOR:
            scope |= base
        elif m.role in CASEWORKER_ROLES:
            mine = Q(coach_id=user.pk)
            if m.team_id:
                mine |= Q(team_id=m.team_id)
            scope |= base & mine
    return scope


def visible_youths(user: Any, queryset: QuerySet[Youth] | None = None) -> QuerySet[Youth]:
    from kaa.register.models import Youth

    qs = queryset if queryset is not None else Youth.objects.all()
    if not has_perm(user, Perm.YOUTH_VIEW):
        return qs.none()
    return qs.filter(youth_scope(user))


def can_see_youth(user: Any, youth: Youth) -> bool:
    return visible_youths(user).filter(pk=youth.pk).exists()


def youth_or_404(user: Any, pk: Any, queryset: QuerySet[Youth] | None = None) -> Youth:
    """The youth with this id if the user may see it; otherwise 404 (no existence leak)."""
    try:
        return visible_youths(user, queryset).get(pk=int(pk))
    except (ValueError, TypeError) as exc:
        raise Http404 from exc
    except visible_youths(user).model.DoesNotExist as exc:
        raise Http404 from exc


def require_perm(*perms: Perm) -> Callable:
    """View decorator: anonymous users go to the login page, users without any of perms get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(has_perm(request.user, p) for p in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.kaa_perms = perms  # type: ignore[attr-defined]
        return wrapped

    return decorator


def require_login(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For pages every signed-in user may see (their own settings, the start page)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def perms_of(user: Any) -> set[Perm]:
    return {p for m in memberships(user) for p in ROLE_PERMISSIONS.get(m.role, ())}


def filter_municipalities(user: Any, perm: Perm, ids: Iterable[int]) -> list[int]:
    allowed = set(municipality_ids_with(user, perm))
    return [i for i in ids if i in allowed]


# =================================================================================================
# Case work (issue 12): mapping, action plan, measures, journal, consent, closing (kaa.casework).
# Kept in its own block. Nothing here imports kaa.casework (it sits above accounts): callers pass
# the youth and the ids a rule needs.
#
# - The coach and team working with the youth and the municipality's coordinators (who cover for
#   absent coaches) read and write the whole case.
# - Study counsellors and teachers working with the youth read it, write journal entries, add
#   measures they are responsible for and change those; they correct their own journal entries.
# - Confidential journal entries need the same access plus the membership's grant
#   (``Membership.may_see_confidential``), like protected identity.
# - Heads see aggregates only (REPORTS_VIEW); school staff and administrators no case at all.
# - A youth outside the scope answers 404.
# =================================================================================================


class CasePerm(StrEnum):
    """Case-work permissions (strings, so they sit in ROLE_PERMISSIONS beside ``Perm``)."""

    VIEW = "casework.view"  # read a youth's case, within the record scope
    WRITE = "casework.write"  # write the whole case
    CONTRIBUTE = "casework.contribute"  # journal entries; measures one is responsible for
    ACTIVITIES = "casework.activities"  # keep the municipality's activity bank


CASE_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset({CasePerm.VIEW, CasePerm.WRITE, CasePerm.ACTIVITIES}),
    Role.COACH: frozenset({CasePerm.VIEW, CasePerm.WRITE}),
    Role.STUDY_COUNSELLOR: frozenset({CasePerm.VIEW, CasePerm.CONTRIBUTE}),
    Role.TEACHER: frozenset({CasePerm.VIEW, CasePerm.CONTRIBUTE}),
}
for _role, _extra in CASE_ROLE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _extra  # type: ignore[operator]


def _covers(user: Any, m: Membership, youth: Youth) -> bool:
    """Whether this membership's record scope covers the youth (the rule of ``youth_scope``)."""
    if m.municipality_id != youth.municipality_id or (youth.protection and not m.may_see_protected):
        return False
    if m.role == Role.COORDINATOR:
        return True
    if m.role in CASEWORKER_ROLES:
        return youth.coach_id == user.pk or (m.team_id is not None and youth.team_id == m.team_id)
    return False


def case_memberships(user: Any, youth: Youth) -> list[Membership]:
    """The user's memberships through which they work with this youth's case."""
    return [m for m in memberships(user)
            if _covers(user, m, youth) and CasePerm.VIEW in CASE_ROLE_PERMISSIONS.get(m.role, ())]


def case_perms(user: Any, youth: Youth) -> set[str]:
    return {p for m in case_memberships(user, youth) for p in CASE_ROLE_PERMISSIONS.get(m.role, ())}


def case_may_read(user: Any, youth: Youth) -> bool:
    return CasePerm.VIEW in case_perms(user, youth)


def case_may_write(user: Any, youth: Youth) -> bool:
    """The whole case: mapping, plan, occupation, consent, closing, any measure."""
    return CasePerm.WRITE in case_perms(user, youth)


def case_may_contribute(user: Any, youth: Youth) -> bool:
    """Journal entries, and measures one is responsible for."""
    return bool(case_perms(user, youth) & {CasePerm.WRITE, CasePerm.CONTRIBUTE})


def case_may_edit_measure(user: Any, youth: Youth, responsible_staff_id: int | None) -> bool:
    if case_may_write(user, youth):
        return True
    return case_may_contribute(user, youth) and responsible_staff_id == user.pk


def case_may_correct_journal(user: Any, youth: Youth, author_id: int | None) -> bool:
    if case_may_write(user, youth):
        return True
    return case_may_contribute(user, youth) and author_id == user.pk


def case_may_read_confidential(user: Any, youth: Youth) -> bool:
    """Confidential journal entries: the case access plus the membership's explicit grant."""
    return any(m.may_see_confidential for m in case_memberships(user, youth))


def case_youth_or_404(user: Any, pk: Any, queryset: QuerySet[Youth] | None = None) -> Youth:
    """The youth whose case the user may read; 404 otherwise (no existence leak)."""
    youth = youth_or_404(user, pk, queryset)
    if not case_may_read(user, youth):
        raise Http404
    return youth


def case_municipality_ids(user: Any) -> list[int]:
    """Municipalities where the user reads case work (e.g. to pick from the activity bank)."""
    return municipality_ids_with(user, CasePerm.VIEW)  # type: ignore[arg-type]


def activity_bank_municipality_ids(user: Any) -> list[int]:
    """Municipalities whose activity bank the user keeps (the coordinators')."""
    return municipality_ids_with(user, CasePerm.ACTIVITIES)  # type: ignore[arg-type]


def own_caseload(user: Any, queryset: QuerySet[Youth] | None = None) -> QuerySet[Youth]:
    """The youths the user works with as coach, study counsellor or teacher (assigned or their team),
    for the start page's due items; a coordinator's covering scope is the youth page, not the list."""
    teams = [m.team_id for m in memberships(user) if m.role in CASEWORKER_ROLES and m.team_id]
    mine = Q(coach_id=user.pk) | Q(team_id__in=teams) if teams else Q(coach_id=user.pk)
    return visible_youths(user, queryset).filter(mine)
