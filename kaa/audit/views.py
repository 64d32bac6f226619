"""Audit pages: the log, and what a user has looked at. (Who has seen a youth is the register's page,
``register:youth_log``: it follows the youth record's rule. The audit app imports no domain app.)"""

from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from kaa.accounts.models import Membership
from kaa.accounts.policy import Perm, has_perm, municipality_ids_with, require_perm
from kaa.core.idurl import IdUrl

from . import labels
from .exports import audit_log_export
from .forms import DEFAULT_DAYS, EXPORT_FORMATS, AuditFilterForm
from .models import AuditAction
from .selectors import audit_entries, audit_group_page

PAGE_SIZE = 50


def _youth_links(request: HttpRequest) -> bool:
    """Link a youth's entries to the youth's own log only for those who may open youth records."""
    return has_perm(request.user, Perm.YOUTH_VIEW)


def _staff(request: HttpRequest):
    ids = municipality_ids_with(request.user, Perm.AUDIT_VIEW)
    return get_user_model().objects.filter(
        pk__in=Membership.objects.filter(municipality_id__in=ids).values("user_id")
    ).order_by("last_name", "first_name", "username")


def _staff_choices(request: HttpRequest) -> list[tuple[int, str]]:
    """The staff as (id, name) pairs for the filter, named as ``str(user)`` names them (one query, no user
    objects: a county has hundreds)."""
    return [(pk, f"{first} {last}".strip() or username) for pk, first, last, username
            in _staff(request).values_list("pk", "first_name", "last_name", "username")]


def _grouped(request: HttpRequest, form: AuditFilterForm, **fixed) -> Any:
    page = audit_group_page(user=request.user, before=request.GET.get("before", ""), size=PAGE_SIZE,
                            **{**form.filters(), **fixed})
    return _shown(page, youth_links=_youth_links(request))


ACTION_LABELS = dict(AuditAction.choices)


def _shown(page: Any, *, youth_links: bool) -> Any:
    """Each group's words and links worked out here, once, so the table's template only prints them (a page
    of 50 rows through template filters, ``{% url %}`` and a loop over the actions cost more than the
    query). The same words as the filters in ``audit_tags`` give."""
    users: dict[int, str] = {}
    index = reverse("audit:index")
    user_url, youth_log_url = IdUrl("audit:user"), IdUrl("register:youth_log")
    for g in page:
        uid = g["user_id"]
        if uid and uid not in users:
            users[uid] = user_url(uid)
        g["user_url"] = users.get(uid, "")
        g["when"] = timezone.localtime(g["last_at"]).strftime("%Y-%m-%d %H:%M:%S")
        g["action_label"] = ACTION_LABELS.get(g["action"], g["action"])
        g["object_label"] = labels.object_label(g["object_type"])
        g["detail_label"] = labels.detail_label(g["detail"]) if g["detail"] else ""
        g["fields_label"] = labels.fields_label(g["entry"].object_type, g["entry"].fields) if g["entry"] else ""
        g["channel_label"] = labels.channel_label(g["channel"])
        youths = g.get("youths", 0)
        if youths > 1:
            g["youths_label"] = ngettext("%(n)s youth", "%(n)s youths", youths) % {"n": youths}
        elif g["youth_id"]:
            g["youth_label"] = gettext("youth %(id)s") % {"id": g["youth_id"]}
            g["youth_filter_url"] = f"{index}?youth={g['youth_id']}"
            g["youth_log_url"] = youth_log_url(g["youth_id"]) if youth_links else ""
        if g["n"] > 1 and g["n"] != youths:
            g["entries_label"] = ngettext("%(n)s entry", "%(n)s entries", g["n"]) % {"n": g["n"]}
    return page


@require_perm(Perm.AUDIT_VIEW)
def index(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None, staff=_staff_choices(request))
    return render(request, "audit/index.html", {"page_obj": _grouped(request, form), "form": form,
                                                "actions": AuditAction.choices,
                                                "youth_links": _youth_links(request)})


@require_perm(Perm.AUDIT_VIEW)
def user_log(request: HttpRequest, user_id: int) -> HttpResponse:
    staff_user = _staff(request).filter(pk=user_id).first()
    if staff_user is None:
        raise Http404
    form = AuditFilterForm(request.GET or None, default_days=DEFAULT_DAYS)
    fmt = request.GET.get("export", "")
    if fmt in EXPORT_FORMATS and form.is_valid():
        qs = audit_entries(user=request.user, user_id=staff_user.pk, **form.filters())
        return audit_log_export(user=request.user, entries=qs, fmt=fmt, name=f"audit-user-{staff_user.pk}",
                                what=f"user_log:{_filter_code(form)}", object_id=staff_user.pk)
    return render(request, "audit/user.html", {"staff_user": staff_user, "form": form, "actions": AuditAction.choices,
                                               "page_obj": _grouped(request, form, user_id=staff_user.pk),
                                               "youth_links": _youth_links(request)})


def _filter_code(form: AuditFilterForm) -> str:
    """The filters of an export, for its own audit entry: dates and the action code."""
    f = form.filters()
    return f"{f['date_from']:%Y-%m-%d}..{f['date_to']:%Y-%m-%d}:{f['action'] or 'all'}"
