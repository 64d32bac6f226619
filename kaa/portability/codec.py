"""Columns and values of the export's files: one column per stored field, every value as text.

A column is named like the field's database column (``youth_id`` for the reference to a youth). The
rules for a value (docs/portability.md, "Values") are written once here, for the writer and the reader.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import json
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models

from .spec import EVENT_KIND_REFERENCES, EVENT_REFERENCES, FILES_DIR, REVISION_MEASURE_REFERENCES, Table, tables

NULL = ""  # an empty cell is null where the column allows null (docs: "Values")
TEXT_FIELDS = (models.CharField, models.TextField)


def model_of(table: Table) -> type[models.Model]:
    return apps.get_model(table.label)


def fields_of(table: Table) -> list[models.Field]:
    """The stored fields of the table, in the model's order (the file's columns)."""
    concrete = model_of(table)._meta.concrete_fields
    if table.columns is None:
        return list(concrete)
    by_name = {field.attname: field for field in concrete}
    return [by_name[name] for name in table.columns]


def columns_of(table: Table) -> list[str]:
    return [field.attname for field in fields_of(table)]


def referenced_label(field: models.Field) -> str | None:
    if not field.is_relation:
        return None
    return field.related_model._meta.label


def kind_of(field: models.Field) -> str:
    """The value's type in words (docs/portability.md)."""
    if field.primary_key:
        return "id"
    if field.is_relation:
        return "reference"
    if isinstance(field, models.BooleanField):
        return "boolean"
    if isinstance(field, models.DateTimeField):
        return "timestamp"
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, models.TimeField):
        return "time"
    if isinstance(field, models.DecimalField):
        return "decimal"
    if isinstance(field, models.FloatField):
        return "float"
    if isinstance(field, models.JSONField):
        return "json"
    if isinstance(field, models.FileField):
        return "file"
    if isinstance(field, models.BinaryField):
        return "base64"
    if isinstance(field, models.IntegerField | models.BigIntegerField | models.SmallIntegerField):
        return "integer"
    if isinstance(field, TEXT_FIELDS):
        return "text"
    raise TypeError(f"{field.model._meta.label}.{field.name}: no rule for {type(field).__name__}")


def encode(field: models.Field, value: Any) -> str:
    """The cell for a stored value."""
    if value is None:
        return NULL
    kind = kind_of(field)
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    if kind in ("date", "time"):
        return value.isoformat()
    if kind == "json":
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if kind == "file":
        return f"{FILES_DIR}/{value}" if value else ""
    if kind == "base64":
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind == "float":
        return repr(float(value))  # the shortest text that reads back as the same number
    return str(value)


def decode(field: models.Field, cell: str) -> Any:
    """The stored value for a cell (the reverse of ``encode``); a file is decoded by the importer."""
    kind = kind_of(field)
    if kind == "text":
        return cell
    if cell == NULL:
        if field.null:
            return None
        if kind == "file":
            return ""
        raise ValueError("empty, but the column needs a value")
    if kind in ("id", "reference", "integer"):
        return int(cell)
    if kind == "boolean":
        if cell not in ("true", "false"):
            raise ValueError(f"not true or false: {cell!r}")
        return cell == "true"
    if kind == "timestamp":
        value = datetime.datetime.fromisoformat(cell)
        if value.tzinfo is None:
            raise ValueError(f"a timestamp needs its UTC offset: {cell!r}")
        return value if settings.USE_TZ else value.replace(tzinfo=None)
    if kind == "date":
        return datetime.date.fromisoformat(cell)
    if kind == "time":
        return datetime.time.fromisoformat(cell)
    if kind == "decimal":
        return decimal.Decimal(cell)
    if kind == "float":
        return float(cell)
    if kind == "json":
        return json.loads(cell)
    if kind == "base64":
        return base64.b64decode(cell, validate=True)
    return cell  # a file: its path in the folder


def dependencies(table: Table) -> set[str]:
    """The tables this one's references point to (the import loads them first)."""
    needed = {label for field in fields_of(table) if (label := referenced_label(field)) and label != table.label}
    if table.label == "register.YouthEvent":
        needed |= set(EVENT_REFERENCES.values()) | set(EVENT_KIND_REFERENCES.values())
    if table.label == "casework.PlanRevision":
        needed |= set(REVISION_MEASURE_REFERENCES.values())
    return needed


def import_order() -> list[Table]:
    """Every table after the tables it references (the documentation's order where it can)."""
    remaining = tables()
    listed = {table.label for table in remaining}
    ordered: list[Table] = []
    done: set[str] = set()
    while remaining:
        ready = next((t for t in remaining if (dependencies(t) & listed) <= done), None)
        if ready is None:
            raise RuntimeError("the tables' references go round in a circle: " + ", ".join(t.label for t in remaining))
        ordered.append(ready)
        done.add(ready.label)
        remaining.remove(ready)
    return ordered
