"""System checks for settings that must hold everywhere."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def tasks_backend_check(app_configs, **kwargs):
    backend = settings.TASKS["default"]["BACKEND"]
    if not settings.DEBUG and "Dummy" in backend:
        return [Error("The dummy task backend drops every task.", id="kaa.E001")]
    return []
