"""Production settings: the deploy checks pass with a real secret, and a default secret is refused."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KAA_"))}
    base.update(DJANGO_SETTINGS_MODULE="config.settings.production",
                DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}", **env)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=base, capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_with_a_real_secret(tmp_path):
    result = _run(tmp_path, DJANGO_SECRET_KEY=secrets.token_urlsafe(48)[:64])
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_default_secret(tmp_path):
    result = _run(tmp_path)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    short = _run(tmp_path, DJANGO_SECRET_KEY="too-short")
    assert short.returncode != 0
