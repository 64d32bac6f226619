"""The export's list of tables is explicit (kaa/portability/spec.py); these tests keep it complete.

A new model with municipality-scoped data in a guarded app fails here until it is exported or
excluded with its reason. An app merged later is guarded by adding it to ``spec.GUARDED_APPS``
(docs/portability.md, "Extending the format").
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

from kaa.portability import codec
from kaa.portability.spec import EXCLUDED, EXPORTS, GUARDED_APPS, tables

SCOPE_MODELS = {"organisations.Municipality", "register.Youth"}
SCOPE_COLUMNS = {"municipality_id", "youth_id"}  # plain ids (the audit log, emergency access)


def _scoped_models() -> set[str]:
    """Every model of the guarded apps that holds data of one municipality: it names a municipality or a
    youth, or a record that does (transitively)."""
    every = [m for app in GUARDED_APPS for m in apps.get_app_config(app).get_models()]
    scoped = set(SCOPE_MODELS)
    changed = True
    while changed:
        changed = False
        for model in every:
            label = model._meta.label
            if label in scoped:
                continue
            fields = model._meta.concrete_fields
            if any(f.is_relation and f.related_model._meta.label in scoped for f in fields) or any(
                f.attname in SCOPE_COLUMNS for f in fields
            ):
                scoped.add(label)
                changed = True
    return scoped


def test_every_model_with_municipality_data_is_exported_or_excluded_with_a_reason():
    exported = {table.label for table in tables()}
    missing = sorted(_scoped_models() - exported - set(EXCLUDED))
    assert missing == [], f"add these to kaa/portability/spec.py (EXPORTS or EXCLUDED): {missing}"


def test_the_guard_finds_the_models_it_must():
    """The scope rule itself: the case, a journal entry and the audit log hold a municipality's data;
    the scheduler's rows do not."""
    scoped = _scoped_models()
    assert {
        "casework.Case",
        "casework.JournalEntry",
        "casework.Evaluation",
        "audit.AuditEntry",
        "imports.ImportRun",
        "accounts.EmergencyAccess",
    } <= scoped
    assert "core.ScheduledRun" not in scoped


def test_the_lists_name_real_models_once_each_under_their_own_app():
    labels = [table.label for table in tables()]
    assert len(labels) == len(set(labels))
    assert not set(labels) & set(EXCLUDED)
    for app, app_tables in EXPORTS.items():
        for table in app_tables:
            assert table.label.split(".")[0] == app
            apps.get_model(table.label)
    for label in EXCLUDED:
        apps.get_model(label)
    files = [table.file for table in tables()]
    assert len(files) == len(set(files))


def test_every_column_has_a_value_rule_and_text_is_never_null():
    """An empty cell is the empty text in a text column: a nullable text column would be ambiguous."""
    for table in tables():
        for field in codec.fields_of(table):
            kind = codec.kind_of(field)
            assert not (kind == "text" and field.null), f"{table.label}.{field.name}"


def test_the_import_loads_each_table_after_what_it_references():
    order = [table.label for table in codec.import_order()]
    assert len(order) == len(tables())
    for position, label in enumerate(order):
        table = next(t for t in tables() if t.label == label)
        assert codec.dependencies(table) & set(order) <= set(order[:position]), label


def test_every_reference_points_to_an_exported_table():
    exported = {table.label for table in tables()}
    for table in tables():
        for field in codec.fields_of(table):
            if isinstance(field, models.ForeignKey):
                assert codec.referenced_label(field) in exported, f"{table.label}.{field.name}"
