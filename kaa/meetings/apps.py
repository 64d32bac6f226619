from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaa.core.registry import NavItem


class MeetingsConfig(AppConfig):
    name = "kaa.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    nav_items = [
        NavItem("meetings.review", "meetings:review_list", _("Case review"), order=40, menu="more"),
        NavItem("meetings.network", "meetings:meeting_list", _("Network meetings"), order=62, menu="more"),
    ]
