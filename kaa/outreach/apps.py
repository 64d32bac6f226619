from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "kaa.outreach"
    label = "outreach"
    verbose_name = _("Contact chain, worklist, letters")
