"""Every case opened before hand-over existed is pinned to the municipality holding its youth now, so a
later population move does not hand its records to the new municipality."""

from django.db import migrations


def pin(apps, schema_editor):
    Case = apps.get_model("casework", "Case")
    CaseOwnership = apps.get_model("handover", "CaseOwnership")
    rows = [CaseOwnership(youth_id=youth_id, municipality_id=municipality_id, since=created_at)
            for youth_id, municipality_id, created_at in
            Case.objects.values_list("youth_id", "youth__municipality_id", "created_at").iterator()]
    CaseOwnership.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("handover", "0001_transfers_fraktsedel_ownership")]

    operations = [migrations.RunPython(pin, migrations.RunPython.noop)]
