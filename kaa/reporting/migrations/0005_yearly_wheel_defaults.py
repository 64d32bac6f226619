"""Every municipality of an existing installation gets the default tasks of the yearly wheel.

A municipality created later gets them when it is set up (kaa/reporting/signals.py).
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone, translation


def install_defaults(apps, schema_editor):
    from kaa.reporting.wheel import DEFAULTS

    Municipality = apps.get_model("organisations", "Municipality")
    WheelTask = apps.get_model("reporting", "WheelTask")
    today = timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        for municipality in Municipality.objects.order_by("pk"):
            having = set(WheelTask.objects.filter(municipality=municipality).values_list("preset", flat=True))
            WheelTask.objects.bulk_create(
                [
                    WheelTask(
                        municipality=municipality,
                        title=str(d.title),
                        description=str(d.description),
                        remind_days=d.remind_days,
                        preset=d.key,
                        **d.rule_fields(today),
                    )
                    for d in DEFAULTS
                    if d.key not in having
                ]
            )


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("reporting", "0004_yearly_wheel"),
    ]

    operations = [
        migrations.RunPython(install_defaults, migrations.RunPython.noop),
    ]
