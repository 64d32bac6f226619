from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaa.core.registry import NavItem


class AuditConfig(AppConfig):
    name = "kaa.audit"
    label = "audit"
    verbose_name = _("Audit log")

    nav_items = [NavItem("audit.view", "audit:index", _("Audit log"), order=90, menu="more")]
