"""The code table's defaults (DOMAIN.md §10). An administrator edits them later; this seeds them once.

The rows are written out here, not imported, so the migration stays what it was whatever the code does.
"""

from django.db import migrations

DEREGISTRATION = [
    ("fyllt_20", "Fyllt 20 år", "Turned 20", "fyllt_20"),
    ("paborjat_utbildning", "Påbörjat utbildning (nationellt program, introduktionsprogram eller motsvarande)",
     "Started education (national or introduction programme, or equivalent)",
     "nationellt_program introduktionsprogram motsvarande_utbildning anpassad_gymnasieskola"),
    ("examen", "Examen", "Degree", "examen"),
    ("ej_folkbokford", "Inte längre folkbokförd i kommunen", "No longer registered in the municipality",
     "ej_folkbokford utvandrad"),
    ("avliden", "Avliden", "Deceased", "avliden"),
    ("ovrigt", "Övrigt", "Other", ""),
]

DEFAULTS = {
    "occupation": [
        ("nationellt_program", "Nationellt program i gymnasieskolan", "National programme", ""),
        ("introduktionsprogram", "Introduktionsprogram", "Introduction programme", ""),
        ("komvux", "Komvux", "Municipal adult education (komvux)", ""),
        ("folkhogskola", "Folkhögskola", "Folk high school", ""),
        ("annan_utbildning", "Annan utbildning", "Other studies", ""),
        ("arbete", "Arbete", "Work", ""),
        ("praktik", "Praktik", "Work practice", ""),
        ("arbetsmarknadsprogram", "Arbetsmarknadsprogram", "Labour-market programme", ""),
        ("annat", "Annat (till exempel föräldraledighet, värnplikt, sjukskrivning)",
         "Other (parental leave, military service, sick leave …)", ""),
        ("ingen", "Ingen sysselsättning", "None", ""),
        ("okand", "Okänd", "Unknown", ""),
    ],
    "measure": [
        ("studier", "Studier (även introduktionsprogram, komvux, folkhögskola)",
         "Studies (incl. introduction programme, komvux, folk high school)", ""),
        ("syv", "Studie- och yrkesvägledning", "Study and career guidance", ""),
        ("enstaka_samtal", "Enstaka samtal", "Single talks", ""),
        ("regelbundna_samtal", "Regelbundna samtal (coachning)", "Regular talks (coaching)", ""),
        ("praktik", "Praktik", "Work practice", ""),
        ("annan_atgard", "Annan åtgärd", "Other measure", ""),
    ],
    "registration_reason": [
        ("ej_paborjat", "Har inte påbörjat gymnasieskolan", "Never started upper-secondary school", "ej_paborjat"),
        ("avbrott", "Avbrott på nationellt program", "Interrupted a national programme", "avbrott"),
        ("im", "Lämnat introduktionsprogram", "Left an introduction programme", "im"),
        ("studiebevis", "Slutfört utan examen (studiebevis)", "Finished without a degree", "studiebevis"),
        ("inflyttad", "Inflyttad", "Moved in", "inflyttad"),
        ("ovrigt", "Övrigt", "Other", "ovrigt"),
    ],
    "deregistration": DEREGISTRATION,
    "end_reason": [
        ("genomford", "Genomförd som planerat", "Carried out as planned", ""),
        ("avbruten_ungdom", "Avbruten av ungdomen", "The youth stopped", ""),
        ("avbruten_anordnare", "Avbruten av anordnaren", "The provider stopped", ""),
        ("ny_sysselsattning", "Gick vidare till studier eller arbete", "Moved on to studies or work", ""),
        ("flyttat", "Flyttat", "Moved", ""),
        ("annat", "Annat", "Other", ""),
    ],
    "responsibility": [
        ("youth", "Ungdomen", "The youth", ""),
        ("municipality", "Kommunen", "The municipality", ""),
        ("other", "Annan aktör", "Another actor", ""),
    ],
    "closing": DEREGISTRATION + [
        ("flyttat_inom_regionen", "Överlämnad till en annan kommun i regionen",
         "Handed over to another municipality of the region", ""),
        ("avbojt", "Tackat nej (ny kontakt planeras)", "Declined (re-contact is planned)", ""),
    ],
}


def seed(apps, schema_editor):
    Code = apps.get_model("casework", "Code")
    rows = []
    for kind, codes in DEFAULTS.items():
        for order, (code, label_sv, label_en, maps_from) in enumerate(codes, start=1):
            rows.append(Code(kind=kind, code=code, label_sv=label_sv, label_en=label_en, scb_code=code,
                             maps_from=maps_from, order=order * 10))
    Code.objects.bulk_create(rows, ignore_conflicts=True)


def unseed(apps, schema_editor):
    apps.get_model("casework", "Code").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
