from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaa.core.registry import NavItem


class RetentionConfig(AppConfig):
    name = "kaa.retention"
    label = "retention"
    verbose_name = _("Thinning (gallring)")

    nav_items = [NavItem("settings.manage", "retention:index", _("Thinning"), order=85, menu="more")]

    def ready(self) -> None:
        from kaa.register.sections import YouthSection

        # For a request for erasure: when each kind of the youth's data is thinned, under which rule.
        # The coordinator's, like the extract, just before it on the page.
        self.youth_sections = [
            YouthSection(
                perm="youth.extract",
                template="retention/_youth_section.html",
                context="kaa.retention.selectors.youth_section_context",
                order=94,
            ),
        ]
        from django.db.models.signals import post_save

        from kaa.organisations.models import Municipality

        post_save.connect(_install_rules, sender=Municipality, dispatch_uid="retention_install_rules")


def _install_rules(sender: type, instance: object, created: bool, raw: bool = False, **kwargs: object) -> None:
    if created and not raw:
        from .services import retention_rules_install

        retention_rules_install(municipality=instance)
