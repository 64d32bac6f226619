"""The yearly wheel's pages: the calendar (a month or the weeks ahead), marking an occurrence done, and the
coordinator's list of tasks with their rules. Thin."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaa.accounts.policy import Perm, has_perm, municipalities_with, require_perm

from . import selectors, wheel, wheel_selectors, wheel_services
from .models import WheelTask
from .wheel_forms import WheelTaskForm

LIST_WEEKS = 12
PAGE_SIZE = 50


def _month(text: str, today: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(f"{text}-01")
    except ValueError:
        return today.replace(day=1)


def _shift(month: datetime.date, by: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + by
    return datetime.date(index // 12, index % 12 + 1, 1)


@require_perm(Perm.REPORTS_VIEW)
def calendar_page(request: HttpRequest) -> HttpResponse:
    municipality = selectors.municipality_for(
        user=request.user, perm=Perm.REPORTS_VIEW, code=request.GET.get("municipality")
    )
    today = timezone.localdate()
    view = "month" if request.GET.get("view") == "month" else "list"
    month = _month(request.GET.get("month", ""), today)
    if view == "month":
        start, end = month, _shift(month, 1) - datetime.timedelta(days=1)
    else:
        start = today - datetime.timedelta(days=wheel_selectors.OVERDUE_DAYS)
        end = today + datetime.timedelta(weeks=LIST_WEEKS)
    found = wheel_selectors.occurrences(
        tasks=wheel_selectors.tasks_of(municipality=municipality), start=start, end=end, today=today
    )
    if view == "list":  # the weeks ahead, and what is still not done of the last month
        found = [o for o in found if o.on >= today or o.status == wheel_selectors.OVERDUE]
    days: dict[datetime.date, list] = {}
    for o in found:
        days.setdefault(o.on, []).append(o)
    return render(
        request,
        "reporting/wheel.html",
        {
            "municipality": municipality,
            "municipalities": municipalities_with(request.user, Perm.REPORTS_VIEW),
            "view": view,
            "month": month,
            "previous": _shift(month, -1),
            "next": _shift(month, 1),
            "days": sorted(days.items()),
            "today": today,
            "start": start,
            "end": end,
            "may_manage": has_perm(request.user, Perm.STATISTICS_EXPORT, municipality.pk),
        },
    )


def _back(task: WheelTask, request: HttpRequest) -> str:
    query = request.POST.get("back", "")
    return (
        f"{reverse('reporting:wheel')}?{query}"
        if query
        else (f"{reverse('reporting:wheel')}?municipality={task.municipality.code}")
    )


@require_POST
@require_perm(Perm.STATISTICS_EXPORT)
def done(request: HttpRequest, task_pk: int) -> HttpResponse:
    task = wheel_selectors.task_for(user=request.user, pk=task_pk)
    try:
        on = datetime.date.fromisoformat(request.POST.get("on", ""))
    except ValueError as exc:
        raise Http404 from exc
    if request.POST.get("undo"):
        wheel_services.wheel_done_undo(task=task, on=on, user=request.user)
        messages.success(request, _("The task is no longer marked done."))
    else:
        try:
            wheel_services.wheel_done_mark(task=task, on=on, user=request.user)
            messages.success(request, _("The task is marked done."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect(_back(task, request))


@require_perm(Perm.STATISTICS_EXPORT)
def task_list(request: HttpRequest) -> HttpResponse:
    municipality = selectors.municipality_for(
        user=request.user, perm=Perm.STATISTICS_EXPORT, code=request.GET.get("municipality")
    )
    tasks = wheel_selectors.tasks_of(municipality=municipality, active_only=False)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    for task in page.object_list:  # the months in words, not numbers
        task.month_names = ", ".join(str(MONTHS[m]) for m in sorted(wheel.months_parse(task.months)))
    return render(
        request,
        "reporting/wheel_tasks.html",
        {
            "municipality": municipality,
            "municipalities": municipalities_with(request.user, Perm.STATISTICS_EXPORT),
            "page_obj": page,
        },
    )


def _save(request: HttpRequest, form: WheelTaskForm, municipality_code: str) -> HttpResponse | None:
    if request.method == "POST" and form.is_valid():
        wheel_services.wheel_task_save(task=form.save(commit=False), user=request.user, fields=form.changed_data)
        messages.success(request, _("The task is saved."))
        return redirect(f"{reverse('reporting:wheel_tasks')}?municipality={municipality_code}")
    return None


@require_perm(Perm.STATISTICS_EXPORT)
def task_new(request: HttpRequest) -> HttpResponse:
    municipality = selectors.municipality_for(
        user=request.user, perm=Perm.STATISTICS_EXPORT, code=request.GET.get("municipality")
    )
    form = WheelTaskForm(
        request.POST or None, instance=WheelTask(municipality=municipality, anchor=timezone.localdate())
    )
    return _save(request, form, municipality.code) or render(
        request, "reporting/wheel_task_form.html", {"form": form, "task": None, "municipality": municipality}
    )


@require_perm(Perm.STATISTICS_EXPORT)
def task_edit(request: HttpRequest, task_pk: int) -> HttpResponse:
    task = wheel_selectors.task_for(user=request.user, pk=task_pk)
    form = WheelTaskForm(request.POST or None, instance=task)
    return _save(request, form, task.municipality.code) or render(
        request, "reporting/wheel_task_form.html", {"form": form, "task": task, "municipality": task.municipality}
    )
