"""Every municipality has an active contact chain.

Due dates used to install the default chain the first time they were read; now a municipality gets
it when it is set up (kaa/outreach/signals.py). This gives the municipalities of an existing
installation that never had one the default (Älmhult) preset, as that first read would have.
"""

from django.conf import settings
from django.db import migrations
from django.utils import translation

DEFAULT_PRESET = "almhult"


def install_default_chains(apps, schema_editor):
    from kaa.outreach.presets import PRESETS, chain_name

    Municipality = apps.get_model("organisations", "Municipality")
    ContactChain = apps.get_model("outreach", "ContactChain")
    ChainStep = apps.get_model("outreach", "ChainStep")
    having = ContactChain.objects.filter(is_active=True).values("municipality_id")
    spec = PRESETS[DEFAULT_PRESET]
    with translation.override(settings.LANGUAGE_CODE):
        for municipality in Municipality.objects.exclude(pk__in=having).order_by("pk"):
            chain = ContactChain.objects.create(municipality=municipality, name=chain_name(DEFAULT_PRESET, municipality),
                                                preset=DEFAULT_PRESET, is_active=True)
            ChainStep.objects.bulk_create([
                ChainStep(chain=chain, order=(i + 1) * 10, **{**step, "name": str(step["name"]),
                                                              "instructions": str(step.get("instructions", ""))})
                for i, step in enumerate(spec["steps"])
            ])


class Migration(migrations.Migration):

    dependencies = [
        ("organisations", "0001_initial"),
        ("outreach", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install_default_chains, migrations.RunPython.noop),
    ]
