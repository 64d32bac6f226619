"""The product's own error pages (Swedish first), the demo without DEBUG, and a refused page logged once."""

import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import include, path

from kaa.accounts.models import Role
from tests.factories import staff


def test_development_settings_run_without_debug_by_default():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.development"
    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
        capture_output=True, text=True, env=env, cwd=settings.BASE_DIR, check=True)
    assert out.stdout.strip() == "False"


def test_demo_script_switches_debug_off():
    script = (settings.BASE_DIR / "scripts" / "demo").read_text()
    assert 'DJANGO_DEBUG="${DJANGO_DEBUG:-false}"' in script


@pytest.mark.django_db
def test_404_is_the_products_swedish_page(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Hittades inte" in body and "Sidan eller uppgiften finns inte" in body
    assert "Page not found" not in body and "technical" not in body
    assert 'lang="sv"' in body


def _boom(request):
    raise RuntimeError("boom")


def _suspicious(request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("bad")


urlpatterns = [path("boom/", _boom), path("suspicious/", _suspicious), path("", include("config.urls"))]
handler400 = "kaa.core.views.bad_request"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.core.test_error_pages")
def test_500_and_400_are_the_products_swedish_pages():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Något gick fel" in body and "Server Error" not in body
    response = client.get("/suspicious/")
    assert response.status_code == 400
    assert "Begäran kunde inte läsas" in response.content.decode()


@pytest.mark.django_db
def test_403_is_logged_once_without_traceback(client, municipality, caplog):
    teacher = staff(Role.TEACHER, municipality, username="larare")
    client.force_login(teacher)
    caplog.set_level(logging.INFO)
    response = client.get("/audit/")
    assert response.status_code == 403
    assert "Ingen behörighet" in response.content.decode()
    refused = [r for r in caplog.records if "/audit/" in r.getMessage() and r.levelno >= logging.WARNING]
    assert len(refused) == 1, [r.getMessage() for r in refused]
    assert refused[0].exc_info is None


def test_the_api_answers_its_error_format_when_django_refuses_the_host(client):
    """Django refuses an unknown Host before the API sees the request: the answer is still JSON."""
    response = client.get("/api/v1/youths/1", HTTP_HOST="m")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail", "errors"}


def test_an_unknown_api_path_answers_json(client):
    response = client.get("/api/v1/finns-inte")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}
