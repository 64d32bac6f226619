"""The yearly wheel: default tasks, the calendar, marking done, editing, start-page and e-mail reminders."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kaa.accounts.models import Role
from kaa.reporting import wheel, wheel_selectors, wheel_services
from kaa.reporting.models import WheelDone, WheelReminder, WheelTask
from tests.factories import MunicipalityFactory, staff

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def m(db):
    return MunicipalityFactory(code="0765", name="Älmhult")


@pytest.fixture
def coordinator(m):
    user = staff(Role.COORDINATOR, m, username="coord")
    user.email = "samordnare@example.org"
    user.save()
    return user


def one_task(m, **kw) -> WheelTask:
    WheelTask.objects.filter(municipality=m).delete()
    fields = {
        "title": "Styrgrupp",
        "kind": "monthly",
        "anchor": D(2020, 1, 1),
        "months": wheel.months_text(range(1, 13)),
        "day_of_month": 10,
        "remind_days": 7,
        **kw,
    }
    return WheelTask.objects.create(municipality=m, **fields)


def test_a_new_municipality_gets_the_defaults(m):
    tasks = {t.preset: t for t in WheelTask.objects.filter(municipality=m)}
    assert (
        set(tasks)
        == {d.key for d in wheel.DEFAULTS}
        == {"scb", "board_report", "monthly_statistics", "case_review", "network_meeting", "steering_group"}
    )
    assert tasks["scb"].months == "1,7" and tasks["board_report"].months == "6,12"
    assert tasks["case_review"].kind == "weekly" and tasks["case_review"].anchor.weekday() == 4  # Friday
    assert tasks["network_meeting"].interval_weeks == 6
    assert len(wheel.months_parse(tasks["steering_group"].months)) == 6  # three a term
    assert tasks["scb"].title == "Lämna halvårsstatistiken till SCB"
    assert wheel_services.wheel_install_defaults(municipality=m) == 0


def test_reinstalling_adds_only_what_is_missing(m):
    WheelTask.objects.filter(municipality=m, preset="scb").delete()
    assert wheel_services.wheel_install_defaults(municipality=m) == 1


def test_occurrences_with_who_did_them(m, coordinator):
    task = one_task(m)
    wheel_services.wheel_done_mark(task=task, on=D(2026, 2, 10), user=coordinator)
    found = wheel_selectors.occurrences(tasks=[task], start=D(2026, 1, 1), end=D(2026, 3, 31), today=D(2026, 3, 5))
    assert [(o.on, o.status) for o in found] == [
        (D(2026, 1, 10), "overdue"),
        (D(2026, 2, 10), "done"),
        (D(2026, 3, 10), "due_soon"),
    ]
    assert found[1].done.done_by == coordinator and found[1].done.done_at is not None


def test_marking_a_day_the_task_does_not_fall_on_is_refused(m, coordinator):
    from django.core.exceptions import ValidationError

    task = one_task(m)
    with pytest.raises(ValidationError):
        wheel_services.wheel_done_mark(task=task, on=D(2026, 2, 11), user=coordinator)
    assert not WheelDone.objects.exists()


def test_calendar_mark_done_and_undo(m, coordinator, client):
    today = timezone.localdate()
    task = one_task(m, kind="weekly", anchor=today - datetime.timedelta(days=7), interval_weeks=1)
    client.force_login(coordinator)
    page = client.get(reverse("reporting:wheel"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Styrgrupp" in body and reverse("reporting:wheel_done", args=[task.pk]) in body
    response = client.post(reverse("reporting:wheel_done", args=[task.pk]), {"on": today.isoformat()})
    assert response.status_code == 302
    done = WheelDone.objects.get(task=task, on=today)
    assert done.done_by == coordinator
    assert 'data-status="done"' in client.get(reverse("reporting:wheel")).content.decode()
    client.post(reverse("reporting:wheel_done", args=[task.pk]), {"on": today.isoformat(), "undo": "1"})
    assert not WheelDone.objects.exists()
    client.post(
        reverse("reporting:wheel_done", args=[task.pk]), {"on": (today + datetime.timedelta(days=1)).isoformat()}
    )
    assert not WheelDone.objects.exists()  # not a day of the task


def test_month_view(m, coordinator, client):
    one_task(m, day_of_month=31, months="2")
    client.force_login(coordinator)
    response = client.get(reverse("reporting:wheel"), {"view": "month", "month": "2028-02"})
    assert [day for day, _items in response.context["days"]] == [D(2028, 2, 29)]
    assert response.context["previous"] == D(2028, 1, 1) and response.context["next"] == D(2028, 3, 1)


def test_heads_see_the_calendar_but_cannot_mark(m, client):
    task = one_task(m, kind="weekly", anchor=timezone.localdate(), interval_weeks=1)
    client.force_login(staff(Role.HEAD, m))
    body = client.get(reverse("reporting:wheel")).content.decode()
    assert "Styrgrupp" in body and reverse("reporting:wheel_done", args=[task.pk]) not in body
    assert (
        client.post(
            reverse("reporting:wheel_done", args=[task.pk]), {"on": timezone.localdate().isoformat()}
        ).status_code
        == 403
    )


def test_another_municipality_s_task_is_not_found(m, coordinator, client):
    other = MunicipalityFactory(code="0780", name="Växjö")
    task = WheelTask.objects.filter(municipality=other).first()
    client.force_login(coordinator)
    assert client.get(reverse("reporting:wheel_task_edit", args=[task.pk])).status_code == 404
    assert client.post(reverse("reporting:wheel_done", args=[task.pk]), {"on": "2026-01-31"}).status_code == 404


def test_add_edit_and_deactivate_a_task(m, coordinator, client):
    client.force_login(coordinator)
    data = {
        "title": "Skolbesök",
        "description": "",
        "kind": "monthly",
        "anchor": "2026-01-01",
        "interval_weeks": 1,
        "day_of_month": 20,
        "months": ["3", "10"],
        "remind_days": 5,
        "active": "on",
    }
    assert client.post(reverse("reporting:wheel_task_new"), data).status_code == 302
    task = WheelTask.objects.get(title="Skolbesök")
    assert (task.municipality, task.months, task.day_of_month) == (m, "3,10", 20)
    edit = reverse("reporting:wheel_task_edit", args=[task.pk])
    assert client.get(edit).context["form"]["months"].value() == ["3", "10"]
    response = client.post(edit, {**data, "months": []})
    assert response.status_code == 200 and response.context["form"].errors["months"]
    client.post(edit, {**data, "kind": "weekly", "interval_weeks": 3, "active": ""})
    task.refresh_from_db()
    assert (task.kind, task.interval_weeks, task.active) == ("weekly", 3, False)
    assert task not in wheel_selectors.tasks_of(municipality=m)
    assert "Skolbesök" in client.get(reverse("reporting:wheel_tasks")).content.decode()


def test_start_page_reminders(m, coordinator, client):
    today = timezone.localdate()
    one_task(
        m,
        kind="weekly",
        anchor=today - datetime.timedelta(days=14),
        interval_weeks=2,
        remind_days=3,
        title="Nätverksträff",
    )
    client.force_login(coordinator)
    body = client.get("/").content.decode()
    assert 'data-testid="dash-wheel"' in body and "Nätverksträff" in body
    assert body.count("Nätverksträff") == 2  # 14 days ago (overdue) and today (due)
    WheelDone.objects.create(task=WheelTask.objects.get(title="Nätverksträff"), on=today, done_by=coordinator)
    WheelDone.objects.create(
        task=WheelTask.objects.get(title="Nätverksträff"), on=today - datetime.timedelta(days=14), done_by=coordinator
    )
    assert "Nätverksträff" not in client.get("/").content.decode()


def test_reminder_emails_once_per_occurrence_and_kind(m, coordinator):
    other_coordinator = staff(Role.COORDINATOR, m, username="coord2")
    other_coordinator.email = "andra@example.org"
    other_coordinator.save()
    coach = staff(Role.COACH, m, username="coach")
    coach.email = "c@example.org"  # not a coordinator: no reminder
    coach.save()
    task = one_task(m, day_of_month=10, months="3", remind_days=7, title="Styrgrupp")
    mail.outbox.clear()
    assert wheel_services.wheel_reminders_send(today=D(2026, 3, 2)) == 0  # 8 days before: not yet
    assert wheel_services.wheel_reminders_send(today=D(2026, 3, 3)) == 1
    assert sorted(msg.to[0] for msg in mail.outbox) == ["andra@example.org", "samordnare@example.org"]
    assert "Styrgrupp" in mail.outbox[0].subject and "2026-03-10" in mail.outbox[0].body
    assert wheel_services.wheel_reminders_send(today=D(2026, 3, 3)) == 0  # the same day again
    assert wheel_services.wheel_reminders_send(today=D(2026, 3, 9)) == 0  # still the same "due soon"
    assert wheel_services.wheel_reminders_send(today=D(2026, 3, 11)) == 1  # overdue: one more
    assert wheel_services.wheel_reminders_send(today=D(2026, 3, 12)) == 0
    assert sorted(WheelReminder.objects.values_list("on", "kind", "recipients")) == [
        (D(2026, 3, 10), "due", 2),
        (D(2026, 3, 10), "overdue", 2),
    ]
    assert len(mail.outbox) == 4
    WheelDone.objects.create(task=task, on=D(2026, 3, 10))
    assert wheel_services.wheel_reminders_send(today=D(2027, 3, 4)) == 1  # next year's: a new occurrence


def test_no_reminder_for_done_or_inactive_tasks(m, coordinator):
    task = one_task(m, day_of_month=10, months="3", remind_days=7)
    WheelDone.objects.create(task=task, on=D(2026, 3, 10))
    assert wheel_services.wheel_reminders_send(today=D(2026, 3, 5)) == 0
    WheelTask.objects.filter(pk=task.pk).update(active=False)
    assert wheel_services.wheel_reminders_send(today=D(2027, 3, 5)) == 0


def test_the_periodic_job_is_declared():
    from kaa.core.scheduler import discover

    job = discover()["reporting_wheel_reminders"]
    assert job.every == "day" and job.task_path == "kaa.reporting.tasks.send_wheel_reminders"


def test_calendar_queries_are_bounded(m, coordinator, client, django_assert_max_num_queries):
    client.force_login(coordinator)
    today = timezone.localdate()
    for i in range(20):
        task = WheelTask.objects.create(
            municipality=m, title=f"Uppgift {i}", kind="weekly", anchor=today, interval_weeks=1
        )
        WheelDone.objects.create(task=task, on=today, done_by=coordinator)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("reporting:wheel")).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("reporting:wheel_tasks")).status_code == 200


def test_demo_wheel_has_history_and_one_overdue(m):
    from kaa.demo import reporting as demo

    coordinator = staff(Role.COORDINATOR, m, username="samordnare")
    today = timezone.localdate()
    demo.seed_demo(municipality=m, users={"samordnare": coordinator}, rng=None, today=today)
    tasks = wheel_selectors.tasks_of(municipality=m)
    past = wheel_selectors.occurrences(
        tasks=tasks, start=today - datetime.timedelta(days=120), end=today - datetime.timedelta(days=1), today=today
    )
    assert len(past) > 20
    overdue = [o for o in past if o.status == "overdue"]
    assert [o.task.preset for o in overdue] == ["case_review"]
    assert all(o.done.done_by == coordinator for o in past if o.status == "done")


def test_the_data_migration_installs_the_defaults_where_missing(m):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("kaa.reporting.migrations.0005_yearly_wheel_defaults")
    WheelTask.objects.filter(municipality=m).exclude(preset="scb").delete()
    migration.install_defaults(apps, None)
    assert sorted(WheelTask.objects.filter(municipality=m).values_list("preset", flat=True)) == sorted(
        d.key for d in wheel.DEFAULTS)
