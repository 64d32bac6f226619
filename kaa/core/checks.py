"""System checks for settings that must hold everywhere."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def tasks_backend_check(app_configs, **kwargs):
    backend = settings.TASKS["default"]["BACKEND"]
    if not settings.DEBUG and "Dummy" in backend:
        return [Error("The dummy task backend drops every task.", id="kaa.E001")]
    return []


@register()
def trusted_proxies_check(app_configs, **kwargs):
    """KAA_TRUSTED_PROXIES must parse at startup, not at the first request behind the load balancer."""
    from django.core.exceptions import ImproperlyConfigured

    from .client_ip import trusted_networks

    try:
        trusted_networks()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), hint="Give addresses or networks, e.g. 10.0.0.5,10.1.0.0/16.", id="kaa.E002")]
    return []
