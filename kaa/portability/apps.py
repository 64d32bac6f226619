from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortabilityConfig(AppConfig):
    """Moving a municipality's data out of one installation and into another (*dataportabilitet*)."""

    name = "kaa.portability"
    label = "portability"
    verbose_name = _("Data portability")
