import datetime

import pytest
from django.utils import timezone

from kaa.core.models import Heartbeat
from kaa.core.tasks import beat, worker_heartbeat

pytestmark = pytest.mark.django_db


def test_healthz_without_heartbeats_is_degraded_but_database_ok(client):
    body = client.get("/healthz").json()
    assert body["database"] == "ok"
    assert body["status"] == "degraded"
    assert body["worker"]["ok"] is False


def test_stale_worker_heartbeat_is_degraded(client):
    old = timezone.now() - datetime.timedelta(minutes=10)
    Heartbeat.objects.create(name="worker", at=old)
    beat("scheduler")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "degraded"
    assert body["worker"]["ok"] is False
    assert body["scheduler"]["ok"] is True
    assert body["worker"]["age_seconds"] >= 600


def test_worker_heartbeat_task_makes_health_ok(client):
    Heartbeat.objects.create(name="worker", at=timezone.now() - datetime.timedelta(hours=1))
    beat("scheduler")
    result = worker_heartbeat.enqueue(period="2026-01-01T00:00")  # ImmediateBackend: runs now
    assert result.return_value == "2026-01-01T00:00"
    body = client.get("/healthz").json()
    assert body == {**body, "status": "ok", "database": "ok"}
    assert body["worker"]["ok"] is True
