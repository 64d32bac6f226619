"""The file and column tables of docs/portability.md, written from the models and ``spec.py``.

``manage.py portability_format`` prints them; ``tests/portability/test_docs.py`` fails when the
documentation no longer matches, so the format's description cannot drift from the code.
"""

from __future__ import annotations

from django.db import models
from django.utils import translation

from kaa.register.rules import REASON_LABELS

from . import codec
from .spec import (
    EVENT_KIND_REFERENCES,
    EVENT_REFERENCES,
    EXCLUDED,
    EXPORTS,
    INFORMATION,
    MERGE,
    REVISION_MEASURE_REFERENCES,
    USERS,
    Table,
    table_for,
)

BEGIN = "<!-- BEGIN GENERATED: manage.py portability_format -->"
END = "<!-- END GENERATED -->"

# Columns holding a code of the code tables (code_tables.csv, column ``kind``), not a fixed list.
CODE_TABLE_COLUMNS: dict[tuple[str, str], str] = {
    ("casework.Occupation", "code"): "occupation",
    ("casework.Measure", "code"): "measure",
    ("casework.Measure", "end_reason"): "end_reason",
    ("casework.Activity", "measure_code"): "measure",
    ("casework.Closing", "reason"): "closing",
}

# Columns holding a reason of the register (the target-group rules, INTERFACES.md "Register export").
REGISTER_REASON_COLUMNS = {
    ("register.Youth", "register_reason"),
    ("register.RegisterPeriod", "reason"),
    ("casework.Closing", "register_reason"),
}
# Columns described in the prose of docs/portability.md.
SEE_PROSE: dict[tuple[str, str], str] = {
    ("register.YouthEvent", "kind"): "the app that wrote it, a dot, what happened (see “Events”)",
    ("register.YouthEvent", "data"): "an object per kind; ids in it: see “Ids inside JSON”",
    (
        "casework.PlanRevision",
        "measures",
    ): "a list of the plan's measures as they were; ids in it: see “Ids inside JSON”",
}

TYPE_WORDS = {
    "id": "integer: this row's id in the export",
    "integer": "integer",
    "boolean": "`true` or `false`",
    "timestamp": "timestamp (ISO 8601, UTC, e.g. `2026-03-16T10:00:00.123456+00:00`)",
    "date": "date (`YYYY-MM-DD`)",
    "time": "time (`HH:MM:SS`, `.ffffff` after it when not a whole second)",
    "decimal": "decimal number (`.` as decimal point)",
    "float": "number (`.` as decimal point; it reads back as the same binary floating-point number)",
    "json": "JSON (compact, UTF-8)",
    "file": "path of a file in the folder (`files/…`), or empty",
    "base64": "bytes, base64",
}

MODE_WORDS = {
    MERGE: "Loaded by matching: a row whose key ({key}) is already in the installation is kept as it is there; "
    "a missing one is added.",
    USERS: "Not loaded as users: each is matched by `username` to a user of the receiving installation (see “Staff”).",
    INFORMATION: "For the receiving municipality to read; not loaded (see “Staff”).",
}


def _file(label: str) -> str:
    table = table_for(label)
    assert table is not None, label
    return table.file


def _escape(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _type(table: Table, field: models.Field) -> str:
    kind = codec.kind_of(field)
    if kind == "reference":
        words = f"reference: `id` in `{_file(codec.referenced_label(field) or '')}`"
    elif kind == "text":
        limit = getattr(field, "max_length", None)
        words = f"text (at most {limit} characters)" if limit else "text"
    else:
        words = TYPE_WORDS[kind]
    if field.null and kind != "text":
        words += "; empty: none"
    return words


def _values(table: Table, field: models.Field) -> str:
    if (table.label, field.attname) in SEE_PROSE:
        return SEE_PROSE[(table.label, field.attname)]
    if (table.label, field.attname) in REGISTER_REASON_COLUMNS:
        return "; ".join(f"`{code}` {_escape(label)}" for code, label in REASON_LABELS.items())
    code_kind = CODE_TABLE_COLUMNS.get((table.label, field.attname))
    if code_kind:
        return f"a `code` of `code_tables.csv` with `kind` = `{code_kind}`"
    if field.choices:
        return "; ".join(f"`{value}` {_escape(label)}" for value, label in field.flatchoices if value != "")
    return ""


def _meaning(field: models.Field) -> str:
    words = _escape(field.verbose_name)
    if field.help_text:
        words += f" ({_escape(field.help_text)})"
    return words


def table_markdown(table: Table) -> list[str]:
    model = codec.model_of(table)
    lines = [f"### `{table.file}`", "", f"{table.about} Model `{table.label}` (*{_escape(model._meta.verbose_name)}*)."]
    if table.mode in MODE_WORDS:
        lines += ["", MODE_WORDS[table.mode].format(key=", ".join(f"`{k}`" for k in table.key))]
    lines += ["", "| column | type | meaning | values |", "|---|---|---|---|"]
    for field in codec.fields_of(table):
        lines.append(f"| `{field.attname}` | {_type(table, field)} | {_meaning(field)} | {_values(table, field)} |")
    return [*lines, ""]


def format_markdown() -> str:
    """Every file, every column (English, like the code)."""
    with translation.override("en"):
        lines = [BEGIN, ""]
        for app, app_tables in EXPORTS.items():
            lines += [f"## Files of `{app}`", ""]
            for table in app_tables:
                lines += table_markdown(table)
        lines += ["## Ids inside JSON", "", "| where | key | names a row of |", "|---|---|---|"]
        lines += [
            f"| `youth_events.csv` `data`, any kind | `{key}` | `{_file(label)}` |"
            for key, label in EVENT_REFERENCES.items()
        ]
        lines += [
            f"| `youth_events.csv` `data`, kind `{kind}` | `{key}` | `{_file(label)}` |"
            for (kind, key), label in EVENT_KIND_REFERENCES.items()
        ]
        lines += [
            f"| `plan_revisions.csv` `measures`, each item | `{key}` | `{_file(label)}` |"
            for key, label in REVISION_MEASURE_REFERENCES.items()
        ]
        lines += ["", "## Not exported", "", "| model | why |", "|---|---|"]
        lines += [f"| `{label}` | {_escape(reason)} |" for label, reason in EXCLUDED.items()]
        lines += ["", END]
    return "\n".join(lines) + "\n"
