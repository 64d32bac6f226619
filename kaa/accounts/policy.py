"""Access policy: the one place every view, API endpoint, export and task asks.

Two kinds of question:
- page permissions (``has_perm``): may this user use this function at all? Denied is 403.
- record scope (``visible_youths``, ``youth_or_404``): which youths may this user see and work on?
  A youth outside the scope does not exist for the user: 404, never 403.
- emergency access (``readable_youths``, ``youth_for_read_or_404``): the record scope plus the youths
  the user opened with emergency access (*nödåtkomst*, ``may_open_in_emergency``) in the last three
  hours. Those are for reading only: every write path asks ``youth_or_404`` / ``visible_youths``
  (the working scope, ``youth_for_write_or_404`` is the same function), which never includes them.

Per-record rules (issue 3): a coordinator sees the municipality's youths; a coach, study
counsellor or teacher sees the youths assigned to them or their team; school staff, heads and
administrators see no youth records; a youth with a protected identity is visible only to a user
whose membership in that municipality carries the explicit grant.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from .models import AccessRequest, AccessRequestStatus, EmergencyAccess, Membership, Role

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
    ACCESS_APPROVE = "access.approve"  # approve another person's access to youth data (second person)
    EMERGENCY_OPEN = "youth.emergency"  # open a youth outside one's scope with emergency access
    EMERGENCY_REVIEW = "youth.emergency_review"  # review the municipality's emergency accesses
    YOUTH_EXTRACT = "youth.extract"  # the youth's extract (GDPR art. 15), confidential entries included


_CASEWORKER = frozenset({Perm.YOUTH_VIEW, Perm.WORKLIST, Perm.API_TOKENS, Perm.EMERGENCY_OPEN})

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.COORDINATOR: frozenset(
        {
            Perm.STATISTICS_EXPORT,
            Perm.YOUTH_VIEW, Perm.REGISTER_VIEW, Perm.REGISTER_CORRECT, Perm.IMPORTS_RUN,
            Perm.AUDIT_VIEW, Perm.SCHOOL_REPORT, Perm.SCHOOL_SIGNALS_VIEW, Perm.WORKLIST,
            Perm.ASSIGN, Perm.LETTERS_PRINT, Perm.REPORTS_VIEW, Perm.API_TOKENS, Perm.ACCESS_APPROVE,
            Perm.EMERGENCY_REVIEW, Perm.YOUTH_EXTRACT,
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
            Perm.SETTINGS_MANAGE, Perm.API_TOKENS, Perm.ACCESS_APPROVE,
        }
    ),
}

# Roles that see youth records. Giving one, or the protected-identity grant, needs a second person.
YOUTH_ACCESS_ROLES = frozenset(role for role, perms in ROLE_PERMISSIONS.items() if Perm.YOUTH_VIEW in perms)
# ... and so does a role that may approve such access: otherwise an administrator could make a second
# administrator account and approve their own request with it.
APPROVAL_NEEDED_ROLES = YOUTH_ACCESS_ROLES | frozenset(
    role for role, perms in ROLE_PERMISSIONS.items() if Perm.ACCESS_APPROVE in perms)

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


def holds_protected_grant(user: Any, municipality_id: int) -> bool:
    """The user's membership in this municipality carries the protected-identity grant.

    Besides seeing protected youths (``youth_scope``), only such a user may lower a youth's protection
    level through an import (``kaa.imports.services``).
    """
    return any(m.municipality_id == municipality_id and m.may_see_protected for m in memberships(user))


def protected_grant_municipality_ids(user: Any, perm: Perm | None = None) -> set[int]:
    """Municipalities where the user holds the explicit protected-identity grant (on a membership
    whose role has ``perm``, when given). Without it, anything about a person with a protected
    identity (the record, a school report, an early signal) shows no details."""
    return {m.municipality_id for m in memberships(user)
            if m.may_see_protected and (perm is None or perm in ROLE_PERMISSIONS.get(m.role, ()))}


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


# The working scope: reading and writing. Every write path asks this one (or ``visible_youths``).
youth_for_write_or_404 = youth_or_404


# --- Emergency access ("break the glass") ----------------------------------------------------------

EMERGENCY_ACCESS_DURATION = datetime.timedelta(hours=3)


def active_emergency_accesses(user: Any) -> list[EmergencyAccess]:
    """The user's emergency accesses that have not expired, loaded once per request object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    now = timezone.now()
    cached = getattr(user, "_kaa_emergency", None)
    if cached is None or cached[0] > now:
        cached = (now, list(EmergencyAccess.objects.filter(user=user, started_at__lte=now, expires_at__gt=now)))
        user._kaa_emergency = cached
    return [g for g in cached[1] if g.expires_at > now]


def forget_emergency_accesses(user: Any) -> None:
    if hasattr(user, "_kaa_emergency"):
        del user._kaa_emergency


def _emergency_membership(user: Any, municipality_id: int) -> Membership | None:
    """The caseworker membership in the municipality that allows emergency access (one with the
    protected-identity grant first)."""
    found = [m for m in memberships(user) if m.municipality_id == municipality_id
             and Perm.EMERGENCY_OPEN in ROLE_PERMISSIONS.get(m.role, ())]
    return max(found, key=lambda m: m.may_see_protected, default=None)


def emergency_scope(user: Any) -> Q:
    """The Q filter of the youths the user may read through an active emergency access: only in a
    municipality where they still hold a caseworker role, and a protected identity only with the grant."""
    scope = Q(pk__in=[])
    for grant in active_emergency_accesses(user):
        m = _emergency_membership(user, grant.municipality_id)
        if m is None:
            continue
        here = Q(pk=grant.youth_id, municipality_id=grant.municipality_id)
        if not m.may_see_protected:
            here &= Q(protection="")
        scope |= here
    return scope


def readable_youths(user: Any, queryset: QuerySet[Youth] | None = None) -> QuerySet[Youth]:
    """The youths the user may read: the record scope and their active emergency accesses. For pages that
    only show a youth; never for a write (``visible_youths``)."""
    from kaa.register.models import Youth

    qs = queryset if queryset is not None else Youth.objects.all()
    if not has_perm(user, Perm.YOUTH_VIEW):
        return qs.none()
    if not active_emergency_accesses(user):
        return qs.filter(youth_scope(user))
    return qs.filter(youth_scope(user) | emergency_scope(user))


def youth_for_read_or_404(user: Any, pk: Any, queryset: QuerySet[Youth] | None = None) -> Youth:
    """The youth with this id if the user may read it (emergency access included); otherwise 404."""
    try:
        return readable_youths(user, queryset).get(pk=int(pk))
    except (ValueError, TypeError) as exc:
        raise Http404 from exc
    except readable_youths(user).model.DoesNotExist as exc:
        raise Http404 from exc


def emergency_access_for(user: Any, youth: Youth) -> EmergencyAccess | None:
    """The active emergency access through which the user reads this youth, when the youth is outside
    their record scope (None when they see the youth anyway)."""
    grants = [g for g in active_emergency_accesses(user) if g.youth_id == youth.pk]
    if not grants or visible_youths(user).filter(pk=youth.pk).exists():
        return None
    return max(grants, key=lambda g: g.expires_at)


def may_open_in_emergency(user: Any, youth: Youth) -> bool:
    """A coach, study counsellor or teacher may open a youth of their own municipality outside their
    scope; a protected identity only with the explicit grant on that membership."""
    m = _emergency_membership(user, youth.municipality_id)
    if m is None or (youth.protection and not m.may_see_protected):
        return False
    return not visible_youths(user).filter(pk=youth.pk).exists()


def emergency_municipality_ids(user: Any) -> list[int]:
    return municipality_ids_with(user, Perm.EMERGENCY_OPEN)


def emergency_candidates(user: Any, queryset: QuerySet[Youth] | None = None) -> QuerySet[Youth]:
    """The youths the user may look up to open in emergency: their caseworker municipalities, protected
    identities only where they hold the grant (a protected youth is never even listed otherwise)."""
    from kaa.register.models import Youth

    qs = queryset if queryset is not None else Youth.objects.all()
    scope = Q(pk__in=[])
    for mun_id in emergency_municipality_ids(user):
        m = _emergency_membership(user, mun_id)
        here = Q(municipality_id=mun_id)
        if m is None or not m.may_see_protected:
            here &= Q(protection="")
        scope |= here
    return qs.filter(scope)


def letter_batch_scope(user: Any) -> Q:
    """The Q filter of the letter batches (*brevutskick*) this user may open, where they may print letters:
    the batches they printed themselves, and every batch of a municipality they coordinate. Anyone else
    gets 404. Even then a batch's letters are only those of youths in ``visible_youths`` (messaging's
    selectors filter them), so a PDF never holds a letter the reader may not see."""
    scope = Q(pk__in=[])
    for m in memberships(user):
        if Perm.LETTERS_PRINT not in ROLE_PERMISSIONS.get(m.role, ()):
            continue
        here = Q(municipality_id=m.municipality_id)
        scope |= here if m.role == Role.COORDINATOR else here & Q(created_by_id=user.pk)
    return scope


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


# --- Granting access: the second person, the second factor ---------------------------------------

def grants_youth_access(current: Iterable[Membership], *, roles: Iterable[str], team_id: int | None,
                        may_see_protected: bool, may_see_confidential: bool = False) -> bool:
    """Whether making a user's roles in one municipality ``roles`` (with this team and grants) widens
    their access to youth data: a new role that sees youth records or may approve such access, the
    protected-identity grant or the confidential-entry grant turned on, or another team for a role whose
    scope is its team."""
    held = {m.role: m for m in current}
    wanted = set(roles)
    if any(role in APPROVAL_NEEDED_ROLES and role not in held for role in wanted):
        return True
    for grant, on in (("may_see_protected", may_see_protected), ("may_see_confidential", may_see_confidential)):
        if on and any(not getattr(m, grant) for role, m in held.items() if role in wanted):
            return True
        if on and wanted - set(held):
            return True
    return any(role in CASEWORKER_ROLES and m.team_id != team_id and team_id is not None
               for role, m in held.items() if role in wanted)


def may_decide_access_request(user: Any, request: AccessRequest) -> bool:
    """A second person decides: an administrator or coordinator of the municipality who neither asked
    for the change nor gets it."""
    return (request.status == AccessRequestStatus.PENDING
            and getattr(user, "pk", None) not in (request.requested_by_id, request.user_id)
            and has_perm(user, Perm.ACCESS_APPROVE, request.municipality_id))


def second_factor_required(user: Any) -> bool:
    """Whether the settings require this user to have verified a second factor (TOTP) in the session."""
    return bool(settings.KAA_REQUIRE_ADMIN_OTP) and Role.ADMINISTRATOR in roles(user)


def second_factor_missing(user: Any) -> bool:
    verified = getattr(user, "is_verified", None)
    return second_factor_required(user) and not (callable(verified) and verified())


def require_second_factor(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For pages that hand out credentials (API tokens): a user the settings require a second factor of
    is sent to verify it first, and comes back here."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and second_factor_missing(request.user):
            return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapped


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
    # The case records are the owning municipality's (hand-over, below): a youth whose register moved
    # to this municipality brings no case records until a transfer with the case is accepted.
    if m.municipality_id != case_owner_id(youth):
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


# --- The youth's extract (GDPR art. 15) -------------------------------------------------------------
# Everything the installation holds about a youth, confidential journal entries included (the law gives
# the youth the right to them), so producing it is the coordinator's act: a coordinator of the youth's
# municipality whose membership covers the record (a protected identity only with the grant). Nobody
# else: a caseworker asks the coordinator. Emergency access never reaches it (the working scope).


def may_produce_extract(user: Any, youth: Youth) -> bool:
    return any(m.role == Role.COORDINATOR and Perm.YOUTH_EXTRACT in ROLE_PERMISSIONS.get(m.role, ())
               and _covers(user, m, youth) for m in memberships(user))


def extract_youth_or_404(user: Any, pk: Any) -> Youth:
    """The youth whose extract the user may produce: 404 outside the record scope (no existence leak),
    403 (PermissionDenied) for a youth the user sees but may not produce the extract of."""
    youth = youth_or_404(user, pk)
    if not may_produce_extract(user, youth):
        raise PermissionDenied
    return youth


def case_may_refer(user: Any, youth: Youth) -> bool:
    """Referrals to partners, like measures: the coach, team and coordinators write them; study
    counsellors and teachers working with the youth read them."""
    return case_may_write(user, youth)


def partner_municipality_ids(user: Any) -> list[int]:
    """Municipalities whose list of partners the user keeps (the coordinators', like the activity bank)."""
    return municipality_ids_with(user, CasePerm.ACTIVITIES)  # type: ignore[arg-type]


# =================================================================================================
# Meetings (issue 14, kaa.meetings): the team's weekly case review, network meetings, the steering group.
# - A team's case review (*elevgenomgång*): the municipality's coordinators (they lead it, seed 002)
#   and the team's own caseworkers (coach, study counsellor, teacher whose membership names the team).
#   It proposes the team's youths the user sees (``visible_youths``); a decision is a journal entry, so
#   recording one needs the case-work contribution right on that youth (``case_may_contribute``).
# - Network meetings and the steering group: the coordinator convenes and keeps them (seed 002, 004).
#   A youth is discussed there only with a valid consent naming every partner present (the service).
# - Partners are not users: they are names on the meeting, never logins.
# =================================================================================================


class MeetingPerm(StrEnum):
    """Meeting permissions (strings, so they sit in ROLE_PERMISSIONS beside ``Perm``)."""

    REVIEW = "meetings.review"  # a team's weekly case review and its minutes
    NETWORK = "meetings.network"  # network meetings and the steering group, their minutes


MEETING_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset({MeetingPerm.REVIEW, MeetingPerm.NETWORK}),
    Role.COACH: frozenset({MeetingPerm.REVIEW}),
    Role.STUDY_COUNSELLOR: frozenset({MeetingPerm.REVIEW}),
    Role.TEACHER: frozenset({MeetingPerm.REVIEW}),
}
for _role, _extra in MEETING_ROLE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _extra  # type: ignore[operator]


def review_team_scope(user: Any) -> Q:
    """The teams whose case review the user takes part in (a Q on ``organisations.Team``)."""
    scope = Q(pk__in=[])
    for m in memberships(user):
        if MeetingPerm.REVIEW not in ROLE_PERMISSIONS.get(m.role, ()):
            continue
        if m.role == Role.COORDINATOR:
            scope |= Q(municipality_id=m.municipality_id)
        elif m.role in CASEWORKER_ROLES and m.team_id:
            scope |= Q(pk=m.team_id)
    return scope


def review_teams(user: Any, queryset: QuerySet) -> QuerySet:
    """The teams (of ``queryset``, a Team queryset) whose case review the user takes part in."""
    if not has_perm(user, MeetingPerm.REVIEW):  # type: ignore[arg-type]
        return queryset.none()
    return queryset.filter(review_team_scope(user))


def review_team_or_404(user: Any, pk: Any, queryset: QuerySet) -> Any:
    """The team whose case review the user takes part in; 404 otherwise (no existence leak)."""
    try:
        return review_teams(user, queryset).get(pk=int(pk))
    except (ValueError, TypeError) as exc:
        raise Http404 from exc
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def review_youths(user: Any, team: Any, queryset: QuerySet[Youth] | None = None) -> QuerySet[Youth]:
    """The team's youths the user sees: what its case review may propose and decide on."""
    return visible_youths(user, queryset).filter(team_id=team.pk)


def meeting_municipality_ids(user: Any) -> list[int]:
    """Municipalities whose network meetings and steering group the user keeps (the coordinators')."""
    return municipality_ids_with(user, MeetingPerm.NETWORK)  # type: ignore[arg-type]
# Hand-over (issue 14): case ownership and transfers between municipalities (kaa.handover).
# Nothing here imports kaa.handover (it sits above accounts): the ownership rows are read by their
# model label at run time.
#
# - A youth's case records (mapping, plan, measures, journal, consents, fraktsedlar) belong to one
#   municipality: the open ``handover.CaseOwnership`` row's, or the youth's own municipality when there
#   is none. ``_covers`` above asks for both: a case is read through a role in the municipality that
#   holds the youth's register record AND owns the case. So a population file that moves a youth
#   never hands the new municipality the old one's case, and after a transfer with the case is
#   accepted, the sending municipality reads none of it (the youth is no longer in its register).
# - Confidential journal entries never move: after a transfer the new owner reads only those written
#   since it took the case over (``case_confidential_since``; casework's ``journal_for`` applies it).
# - A transfer is offered by a coordinator of the owning municipality (``may_offer_transfer``),
#   answered by a coordinator of the receiving one and revoked by one of the sending one.
# - A user who is a member of several municipalities (a regional coordinator) reads each
#   municipality's cases only through their role there: every rule here is per membership.
# =================================================================================================


class HandoverPerm(StrEnum):
    TRANSFER = "handover.transfer"  # offer, answer and list transfers between municipalities


ROLE_PERMISSIONS[Role.COORDINATOR] = ROLE_PERMISSIONS[Role.COORDINATOR] | {HandoverPerm.TRANSFER}  # type: ignore[operator]


def _case_owner(youth: Youth) -> tuple[int, datetime.datetime | None]:
    """(owning municipality id, since when if it came through a transfer), loaded once per youth object."""
    cached = getattr(youth, "_kaa_case_owner", None)
    if cached is None:
        from django.apps import apps

        cached = (youth.municipality_id, None)
        if apps.is_installed("kaa.handover"):
            row = (apps.get_model("handover", "CaseOwnership").objects
                   .filter(youth_id=youth.pk, until__isnull=True)
                   .values_list("municipality_id", "since", "transfer_id").first())
            if row is not None:
                cached = (row[0], row[1] if row[2] else None)
        youth._kaa_case_owner = cached
    return cached


def case_owner_id(youth: Youth) -> int:
    """The municipality that holds the youth's case records."""
    return _case_owner(youth)[0]


def forget_case_owner(youth: Youth) -> None:
    """After a change of ownership: the next question reads it again."""
    if hasattr(youth, "_kaa_case_owner"):
        del youth._kaa_case_owner


def case_confidential_since(youth: Youth) -> datetime.datetime | None:
    """Confidential journal entries written before this moment are another municipality's (they never
    move with a transfer); None when the owner has held the case from the start."""
    return _case_owner(youth)[1]


def transfer_municipality_ids(user: Any) -> list[int]:
    """Municipalities whose transfers the user sees and answers (where they are coordinator)."""
    return municipality_ids_with(user, HandoverPerm.TRANSFER)  # type: ignore[arg-type]


def may_offer_transfer(user: Any, youth: Youth) -> bool:
    """A coordinator of the municipality that owns the case (a protected identity only with the grant),
    also when a population file has already moved the youth's register record elsewhere."""
    owner = case_owner_id(youth)
    return any(m.municipality_id == owner and HandoverPerm.TRANSFER in ROLE_PERMISSIONS.get(m.role, ())
               and (not youth.protection or m.may_see_protected) for m in memberships(user))


def transfer_youth_or_404(user: Any, pk: Any) -> Youth:
    """The youth whose case the user may offer to another municipality; 404 otherwise (no leak)."""
    from kaa.register.models import Youth

    try:
        youth = Youth.objects.select_related("municipality").get(pk=int(pk))
    except (ValueError, TypeError, Youth.DoesNotExist) as exc:
        raise Http404 from exc
    if not may_offer_transfer(user, youth):
        raise Http404
    return youth


def may_answer_transfer(user: Any, to_municipality_id: int) -> bool:
    return has_perm(user, HandoverPerm.TRANSFER, to_municipality_id)  # type: ignore[arg-type]


def may_revoke_transfer(user: Any, from_municipality_id: int) -> bool:
    return has_perm(user, HandoverPerm.TRANSFER, from_municipality_id)  # type: ignore[arg-type]
# Preventive work (issue 14, kaa.prevention): attendance and early signals, preventive cases.
# Kept in its own block. Nothing here imports kaa.prevention (it sits above accounts): the scopes are
# Q filters over the preventive models' own field names.
#
# - Coordinators, coaches and study counsellors take part in preventive work (``PreventionPerm.WORK``):
#   they see their municipality's signals (early signals from schools, attendance signals) and may
#   open a preventive case from one, with consent. A signal about a person with a protected identity
#   (marked by the school or the school system, or known as such to the register) is, without the
#   grant on that membership, only a count: the same rule as the register's school signals.
# - A preventive case (*förebyggande ärende*) is NOT the register: it is visible only to the people
#   working with the pupil, the staff named on the case (the one who opened it and the colleagues they
#   added), never to a role as such (a coordinator not named on it gets 404). A protected pupil needs
#   the grant as well. Only the named people may write to it.
# =================================================================================================


class PreventionPerm(StrEnum):
    """Preventive-work permissions (strings, so they sit in ROLE_PERMISSIONS beside ``Perm``)."""

    WORK = "prevention.work"  # signals and preventive cases, within the preventive scope


PREVENTION_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset({PreventionPerm.WORK}),
    Role.COACH: frozenset({PreventionPerm.WORK}),
    Role.STUDY_COUNSELLOR: frozenset({PreventionPerm.WORK}),
}
for _role, _extra in PREVENTION_ROLE_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _extra  # type: ignore[operator]


def prevention_municipality_ids(user: Any) -> list[int]:
    """Municipalities where the user does preventive work (sees signals, opens preventive cases)."""
    return municipality_ids_with(user, PreventionPerm.WORK)  # type: ignore[arg-type]


def preventive_case_scope(user: Any) -> Q:
    """The Q filter of the preventive cases this user may read and write: those naming the user among the
    people working with the pupil (``workers__user_id``), in a municipality where they still do preventive
    work; a protected pupil (``protected``) only with the grant on that membership."""
    scope = Q(pk__in=[])
    for m in memberships(user):
        if PreventionPerm.WORK not in ROLE_PERMISSIONS.get(m.role, ()):
            continue
        here = Q(municipality_id=m.municipality_id, workers__user_id=user.pk)
        if not m.may_see_protected:
            here &= Q(protected=False)
        scope |= here
    return scope


def prevention_signals_withheld(user: Any) -> Q:
    """Signal rows (fields ``municipality_id``, ``protected``, ``about_protected``) whose details the user may
    not see: about a protected person, in a municipality where the user lacks the grant."""
    granted = protected_grant_municipality_ids(user, PreventionPerm.WORK)  # type: ignore[arg-type]
    return ~Q(municipality_id__in=granted) & (Q(protected=True) | Q(about_protected=True))


def may_work_preventively(user: Any, municipality_id: int, protected: bool = False) -> bool:
    """Whether the user may open a preventive case in this municipality (a protected pupil with the grant),
    or be named on one."""
    return any(m.municipality_id == municipality_id and PreventionPerm.WORK in ROLE_PERMISSIONS.get(m.role, ())
               and (m.may_see_protected or not protected) for m in memberships(user))
