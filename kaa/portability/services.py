"""Writing a municipality's data to a folder and loading such a folder (INTERFACES.md "Moving data out and in").

The format is docs/portability.md; what is in it, ``spec.py``; the value rules, ``codec.py``. Both run
from the operator's command line (``export_municipality``, ``import_municipality``): the whole
municipality, every youth, protected identities included, so no user scope applies. Each writes one
audit entry with counts, never personal data.
"""

from __future__ import annotations

import contextlib
import datetime
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from kaa.audit.models import AuditAction
from kaa.audit.services import audit_record

from . import codec, csvfile
from .spec import (
    EVENT_DROPPED_REFERENCES,
    EVENT_KIND_REFERENCES,
    EVENT_REFERENCES,
    FILES_DIR,
    FORMAT,
    FORMAT_VERSION,
    INFORMATION,
    INSERT,
    MANIFEST,
    MERGE,
    MUNICIPALITY_FILE,
    REVISION_MEASURE_REFERENCES,
    USER_LINKS,
    USERS,
    Table,
    tables,
)

USER_LABEL = "accounts.User"
BATCH = 1000


class PortabilityError(Exception):
    """A folder that cannot be written or loaded; the message says why in Swedish and English."""

    def __init__(self, swedish: str, english: str) -> None:
        super().__init__(f"{swedish} / {english}")


# --- export ----------------------------------------------------------------------------------------


@dataclass
class ExportResult:
    municipality: Any
    files: list[dict[str, Any]]

    @property
    def rows(self) -> int:
        return sum(entry["rows"] or 0 for entry in self.files)


def _municipality_qs(table: Table, municipality: Any) -> models.QuerySet:
    model = codec.model_of(table)
    if table.label == "organisations.SchoolUnit":
        enrolments = (
            codec.model_of(_table("register.Enrolment"))
            .objects.filter(youth__municipality_id=municipality.pk)
            .values("school_unit_code")
        )
        reports = (
            codec.model_of(_table("register.SchoolReport"))
            .objects.filter(municipality_id=municipality.pk)
            .values("school_unit_code")
        )
        return model.objects.filter(
            models.Q(municipality_code=municipality.code) | models.Q(code__in=enrolments) | models.Q(code__in=reports)
        )
    if table.label == "casework.Code":
        return model.objects.all()
    assert table.scope is not None, table.label
    return model.objects.filter(**{table.scope: municipality.pk})


def _table(label: str) -> Table:
    return next(table for table in tables() if table.label == label)


def _user_ids_in(table: Table, values: list[Any], user_ids: set[int]) -> None:
    """Collect the users a row names (its references, and the ids kept in its JSON)."""
    for model_field, value in zip(codec.fields_of(table), values, strict=True):
        if value is None:
            continue
        if codec.referenced_label(model_field) == USER_LABEL:
            user_ids.add(value)
        elif table.label == "register.YouthEvent" and model_field.name == "data" and isinstance(value, dict):
            user_ids.update(
                value[key]
                for key, label in EVENT_REFERENCES.items()
                if label == USER_LABEL and isinstance(value.get(key), int)
            )
        elif table.label == "casework.PlanRevision" and model_field.name == "measures" and isinstance(value, list):
            user_ids.update(
                item["responsible_staff"]
                for item in value
                if isinstance(item, dict) and isinstance(item.get("responsible_staff"), int)
            )


def _copy_file(name: str, output: Path, files: list[dict[str, Any]]) -> bool:
    """A stored file (a letter batch's PDF) into files/, under its storage name; False when there is none."""
    if not name or not default_storage.exists(name):
        return False
    target = output / FILES_DIR / name
    target.parent.mkdir(parents=True, exist_ok=True)
    with default_storage.open(name, "rb") as source:
        target.write_bytes(source.read())
    files.append({"name": f"{FILES_DIR}/{name}", "rows": None, "sha256": csvfile.sha256_of(target)})
    return True


def _json_value(model_field: models.Field, value: Any) -> Any:
    if value is None or (isinstance(value, bool | int) and codec.kind_of(model_field) != "decimal"):
        return value
    return codec.encode(model_field, value)


def _write_table(
    table: Table, municipality: Any, output: Path, user_ids: set[int], stored_files: list[dict[str, Any]]
) -> int:
    fields_ = codec.fields_of(table)
    columns = [f.attname for f in fields_]
    queryset = _municipality_qs(table, municipality).order_by("pk").values_list(*columns)
    if table.file.endswith(".json"):
        (values,) = list(queryset)
        _user_ids_in(table, list(values), user_ids)
        document = {name: _json_value(f, value) for name, f, value in zip(columns, fields_, values, strict=True)}
        (output / table.file).write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return 1

    def rows() -> Iterator[list[str]]:
        for row in queryset.iterator(chunk_size=BATCH):
            values = list(row)
            _user_ids_in(table, values, user_ids)
            for index, model_field in enumerate(fields_):
                # A file the storage no longer holds is written as none, so the folder stays whole.
                if codec.kind_of(model_field) == "file" and not _copy_file(values[index], output, stored_files):
                    values[index] = ""
            yield [codec.encode(f, value) for f, value in zip(fields_, values, strict=True)]

    return csvfile.write_table(output / table.file, columns, rows())


def _write_users(table: Table, output: Path, user_ids: set[int]) -> int:
    fields_ = codec.fields_of(table)
    users = get_user_model().objects.filter(pk__in=user_ids).order_by("pk").values_list(*codec.columns_of(table))
    return csvfile.write_table(
        output / table.file,
        codec.columns_of(table),
        (
            [codec.encode(f, v) for f, v in zip(fields_, values, strict=True)]
            for values in users.iterator(chunk_size=BATCH)
        ),
    )


def _prepare_output(output: Path) -> None:
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise PortabilityError(
            f"{output}: mappen finns redan och är inte tom", f"{output}: the folder exists and is not empty"
        )
    output.mkdir(parents=True, exist_ok=True)


def municipality_export(*, municipality: Any, output: Path, user: Any = None) -> ExportResult:
    """Write every table of ``spec.EXPORTS`` for the municipality into ``output`` (new or empty), then the
    manifest (format, municipality, time, and each file's rows and SHA-256)."""
    output = Path(output)
    _prepare_output(output)
    user_ids: set[int] = set()
    stored_files: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    users_table = None
    # One snapshot: a repeatable read on PostgreSQL, so no file sees a later write than another.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:  # (only the first statement of a transaction may)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for table in tables():
            if table.mode == USERS:
                users_table = table
                continue
            rows = _write_table(table, municipality, output, user_ids, stored_files)
            files.append({"name": table.file, "rows": rows})
        assert users_table is not None
        files.append({"name": users_table.file, "rows": _write_users(users_table, output, user_ids)})
    for entry in files:
        entry["sha256"] = csvfile.sha256_of(output / entry["name"])
    files.extend(stored_files)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "municipality": {"code": municipality.code, "name": municipality.name},
        "created_at": timezone.now().astimezone(datetime.UTC).isoformat(),
        "files": files,
    }
    (output / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    result = ExportResult(municipality=municipality, files=files)
    youths = next(entry["rows"] for entry in files if entry["name"] == _table("register.Youth").file)
    audit_record(
        user=user,
        action=AuditAction.EXPORT,
        object_type="municipality",
        object_id=municipality.pk,
        municipality_id=municipality.pk,
        detail=f"portability_export files={len(files)} rows={result.rows} youths={youths}",
    )
    return result


# --- import: checking the folder -------------------------------------------------------------------


@dataclass
class ImportResult:
    municipality: Any = None
    rows: Counter = field(default_factory=Counter)  # file name -> rows loaded (or matched)
    ids: dict[str, dict[int, int]] = field(default_factory=dict)  # label -> {exported id: new id}
    unmatched_users: list[str] = field(default_factory=list)  # usernames with no user here
    cleared_user_references: int = 0  # references to those users, left empty
    dangling_references: int = 0  # ids in event data of records no longer there, left empty
    code_differences: list[str] = field(default_factory=list)  # "kind:code" whose row here differs
    roles_not_granted: list[dict[str, Any]] = field(default_factory=list)  # memberships.csv, for information

    def report(self) -> dict[str, Any]:
        return {
            "municipality": self.municipality.code if self.municipality else None,
            "rows": dict(self.rows),
            "unmatched_users": self.unmatched_users,
            "cleared_user_references": self.cleared_user_references,
            "dangling_references": self.dangling_references,
            "code_differences": self.code_differences,
            "roles_not_granted": self.roles_not_granted,
        }


def _read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    if not path.is_file():
        raise PortabilityError(
            f"{MANIFEST}: filen saknas i {directory}", f"{MANIFEST}: the file is missing in {directory}"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise PortabilityError(f"{MANIFEST}: ingen giltig JSON ({exc})", f"{MANIFEST}: not valid JSON ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PortabilityError(
            f"{MANIFEST}: inte en export av en kommun från KAA", f"{MANIFEST}: not a KAA municipality export"
        )
    if manifest.get("format_version") != FORMAT_VERSION:
        raise PortabilityError(
            f"{MANIFEST}: formatversion {manifest.get('format_version')!r} kan inte läsas "
            f"(den här installationen läser {FORMAT_VERSION})",
            f"{MANIFEST}: format version {manifest.get('format_version')!r} cannot be read "
            f"(this installation reads {FORMAT_VERSION})",
        )
    return manifest


def _inside(directory: Path, name: str) -> Path:
    """The path of a file the manifest names; never outside the folder."""
    path = (directory / name).resolve()
    if not str(name) or not path.is_relative_to(directory.resolve()):
        raise PortabilityError(
            f"{name}: filnamnet pekar utanför mappen", f"{name}: the file name points outside the folder"
        )
    return path


def _count_rows(path: Path, name: str) -> int:
    if name.endswith(".json"):
        return 1
    try:
        _header, rows = csvfile.read_table(path)
        return sum(1 for _row in rows)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PortabilityError(
            f"{name}: filen kan inte läsas som CSV ({exc})", f"{name}: the file cannot be read as CSV ({exc})"
        ) from exc


def _check_files(directory: Path, manifest: dict[str, Any]) -> None:
    """Every file of the format is listed; every listed file is there, with its checksum and row count."""
    listed = {entry.get("name"): entry for entry in manifest.get("files", []) if isinstance(entry, dict)}
    for table in tables():
        if table.file not in listed:
            raise PortabilityError(
                f"{table.file}: filen saknas i manifestet", f"{table.file}: the file is not in the manifest"
            )
    for name, entry in listed.items():
        path = _inside(directory, str(name))
        if not path.is_file():
            raise PortabilityError(f"{name}: filen saknas", f"{name}: the file is missing")
        if csvfile.sha256_of(path) != entry.get("sha256"):
            raise PortabilityError(
                f"{name}: kontrollsumman (SHA-256) stämmer inte med manifestet; filen har ändrats eller skadats",
                f"{name}: the checksum (SHA-256) does not match the manifest; the file was changed or damaged",
            )
        if entry.get("rows") is not None and _count_rows(path, name) != entry["rows"]:
            raise PortabilityError(
                f"{name}: antalet rader stämmer inte med manifestet ({entry['rows']})",
                f"{name}: the number of rows does not match the manifest ({entry['rows']})",
            )


# --- import: loading -------------------------------------------------------------------------------


@contextlib.contextmanager
def _keeping_timestamps(models_: list[type[models.Model]]) -> Iterator[None]:
    """Write created_at/updated_at as exported: switch off auto_now/auto_now_add while loading (the
    operator's command runs in a process of its own)."""
    switched = [
        f
        for model in models_
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in switched]
    for f in switched:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _may_be_left_out(model_field: models.Field) -> bool:
    """A field with a default, or one that may be null or empty text (a column added in a later version)."""
    return model_field.has_default() or model_field.null or (model_field.blank and model_field.empty_strings_allowed)


def _file_fields(table: Table, names: list[str]) -> list[models.Field]:
    """The fields of the file's columns. A folder written before a field was added lacks its column: the
    field's default is used. A column this installation does not know, or a missing one without a default,
    is refused."""
    fields_ = codec.fields_of(table)
    known = {f.attname: f for f in fields_}
    unknown = [name for name in names if name not in known]
    needed = [f.attname for f in fields_ if f.attname not in names and not _may_be_left_out(f)]
    if unknown or needed or len(set(names)) != len(names):
        problem_sv = "; ".join([*(f"okänd kolumn {n}" for n in unknown), *(f"kolumnen {n} saknas" for n in needed)])
        problem_en = "; ".join([*(f"unknown column {n}" for n in unknown), *(f"column {n} is missing" for n in needed)])
        raise PortabilityError(
            f"{table.file}: kolumnerna stämmer inte med formatet ({problem_sv or 'dubbla kolumner'})",
            f"{table.file}: the columns do not match the format ({problem_en or 'repeated columns'})",
        )
    return [known[name] for name in names]


def _rows_of(directory: Path, table: Table) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {column: value}) for each row of the table's file; row 1 is the first after the header."""
    if table.file.endswith(".json"):
        document = json.loads((directory / table.file).read_text(encoding="utf-8"))
        if not isinstance(document, dict):
            raise PortabilityError(f"{table.file}: inte ett JSON-objekt", f"{table.file}: not a JSON object")
        fields_ = _file_fields(table, list(document))
        cells = [c if c is None or isinstance(c, bool | int) else str(c) for c in document.values()]
        yield 1, _decoded(table, fields_, cells, 1)
        return
    header, rows = csvfile.read_table(directory / table.file)
    fields_ = _file_fields(table, header)
    for number, cells in enumerate(rows, start=1):
        if len(cells) != len(header):
            raise PortabilityError(
                f"{table.file}, rad {number}: {len(cells)} celler, väntade {len(header)}",
                f"{table.file}, row {number}: {len(cells)} cells, expected {len(header)}",
            )
        yield number, _decoded(table, fields_, cells, number)


def _decoded(table: Table, fields_: list[models.Field], cells: list[Any], number: int) -> dict[str, Any]:
    values = {}
    for model_field, cell in zip(fields_, cells, strict=True):
        try:
            # municipality.json holds null, booleans and numbers as JSON's own types.
            value = cell if cell is None or isinstance(cell, bool | int) else codec.decode(model_field, cell)
        except ValueError as exc:
            raise PortabilityError(
                f"{table.file}, rad {number}, kolumn {model_field.attname}: ogiltigt värde ({exc})",
                f"{table.file}, row {number}, column {model_field.attname}: invalid value ({exc})",
            ) from exc
        values[model_field.attname] = value
    return values


class _Loader:
    def __init__(self, directory: Path, result: ImportResult) -> None:
        self.directory = directory
        self.result = result
        self.ids = result.ids

    def _unmatched_user(self, fields_: list, values: dict[str, Any]) -> bool:
        return any(codec.referenced_label(f) == USER_LABEL and values.get(f.attname) is not None
                   and values[f.attname] not in self.ids.get(USER_LABEL, {}) for f in fields_)

    def _translate(self, table: Table, number: int, name: str, label: str, old: int | None, nullable: bool) -> Any:
        if old is None:
            return None
        new = self.ids.get(label, {}).get(old)
        if new is not None:
            return new
        if label == USER_LABEL and nullable:
            self.result.cleared_user_references += 1
            return None
        raise PortabilityError(
            f"{table.file}, rad {number}, kolumn {name}: id {old} finns inte i {_table(label).file}",
            f"{table.file}, row {number}, column {name}: id {old} is not in {_table(label).file}",
        )

    def _json_id(self, label: str, old: Any) -> Any:
        """An id kept inside JSON (event data, plan revisions): translated, or empty when the record is gone."""
        if not isinstance(old, int) or isinstance(old, bool):
            return old
        new = self.ids.get(label, {}).get(old)
        if new is None:
            if label == USER_LABEL:
                self.result.cleared_user_references += 1
            else:
                self.result.dangling_references += 1
        return new

    def _event_data(self, kind: str, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for key, value in data.items():
            if key in EVENT_DROPPED_REFERENCES:
                out[key] = None
                continue
            label = EVENT_KIND_REFERENCES.get((kind, key)) or EVENT_REFERENCES.get(key)
            if label is not None:
                out[key] = ([self._json_id(label, item) for item in value] if isinstance(value, list)
                            else self._json_id(label, value))
        return out

    def _revision_measures(self, measures: Any) -> Any:
        if not isinstance(measures, list):
            return measures
        return [
            {
                key: (
                    self._json_id(REVISION_MEASURE_REFERENCES[key], value)
                    if key in REVISION_MEASURE_REFERENCES
                    else value
                )
                for key, value in item.items()
            }
            if isinstance(item, dict)
            else item
            for item in measures
        ]

    def _stored_file(self, table: Table, number: int, cell: str) -> str:
        if not cell:
            return ""
        if not cell.startswith(f"{FILES_DIR}/"):
            raise PortabilityError(
                f"{table.file}, rad {number}: filen {cell} ligger inte under {FILES_DIR}/",
                f"{table.file}, row {number}: the file {cell} is not under {FILES_DIR}/",
            )
        path = _inside(self.directory, cell)
        if not path.is_file():
            raise PortabilityError(f"{cell}: filen saknas", f"{cell}: the file is missing")
        return default_storage.save(cell.removeprefix(f"{FILES_DIR}/"), ContentFile(path.read_bytes()))

    def _refuse_taken(
        self, table: Table, model: type[models.Model], name: str, rows: list[tuple[int, dict[str, Any]]]
    ) -> None:
        """A value that must be unique in the installation and is already there (a youth another
        municipality holds): refused by row number, never quoting the value."""
        values = {row[name]: number for number, row in rows if row.get(name) not in (None, "")}
        taken = sorted(
            values[v] for v in model.objects.filter(**{f"{name}__in": list(values)}).values_list(name, flat=True)
        )
        if taken:
            shown = ", ".join(str(number) for number in taken[:10]) + (" …" if len(taken) > 10 else "")
            raise PortabilityError(
                f"{table.file}, rad {shown}, kolumn {name}: värdet finns redan i installationen",
                f"{table.file}, row {shown}, column {name}: the value is already in this installation",
            )

    def load_users(self, table: Table) -> None:
        exported = {values["id"]: values["username"] for _n, values in _rows_of(self.directory, table)}
        here = dict(get_user_model().objects.filter(username__in=exported.values()).values_list("username", "pk"))
        self.ids[USER_LABEL] = {old: here[name] for old, name in exported.items() if name in here}
        self.result.unmatched_users = sorted(name for name in exported.values() if name not in here)
        self.result.rows[table.file] = len(self.ids[USER_LABEL])

    def load_information(self, table: Table) -> None:
        names = self._exported_usernames()
        for _number, values in _rows_of(self.directory, table):
            self.result.roles_not_granted.append(
                {"username": names.get(values["user_id"], ""), "role": values.get("role", "")}
            )
        self.result.rows[table.file] = 0

    def _exported_usernames(self) -> dict[int, str]:
        users = _table(USER_LABEL)
        return {values["id"]: values["username"] for _n, values in _rows_of(self.directory, users)}

    def load_merge(self, table: Table) -> None:
        model = codec.model_of(table)
        mapping: dict[int, int] = {}
        matched = 0
        for _number, values in _rows_of(self.directory, table):
            old = values.pop("id")
            lookup = {name: values[name] for name in table.key}
            existing = model.objects.filter(**lookup).first()
            if existing is None:
                existing = model.objects.create(**values)
            else:
                matched += 1
                if any(getattr(existing, name) != value for name, value in values.items()):
                    self.result.code_differences.append(":".join(str(values[name]) for name in table.key))
            mapping[old] = existing.pk
        self.ids[table.label] = mapping
        self.result.rows[table.file] = len(mapping)

    def load_insert(self, table: Table) -> None:
        model = codec.model_of(table)
        fields_ = codec.fields_of(table)
        self_refs = [f for f in fields_ if codec.referenced_label(f) == table.label]
        mapping: dict[int, int] = {}
        self.ids[table.label] = mapping
        pending: list[tuple[int, dict[str, Any]]] = []
        waiting: set[int] = set()  # exported ids in ``pending``

        unique = [f.attname for f in fields_ if f.unique and not f.primary_key]
        numbers: dict[int, int] = {}  # exported id -> row number, for the messages

        def flush() -> None:
            for name in unique:
                self._refuse_taken(table, model, name, [(numbers[old], values) for old, values in pending])
            objects = [model(**values) for _old, values in pending]
            try:
                with transaction.atomic():
                    model.objects.bulk_create(objects, batch_size=BATCH)
            except IntegrityError as exc:
                # The database's words may quote a value (a personnummer): name the file and the rule only.
                constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or "?"
                raise PortabilityError(
                    f"{table.file}: en rad strider mot en regel i databasen ({constraint})",
                    f"{table.file}: a row breaks a rule of the database ({constraint})",
                ) from None
            for (old, _values), obj in zip(pending, objects, strict=True):
                mapping[old] = obj.pk
            pending.clear()
            waiting.clear()

        through = codec.model_of(table)._meta.auto_created or table.label in USER_LINKS  # a link: a row per pair
        for number, values in _rows_of(self.directory, table):
            old = values.pop("id")
            if through and self._unmatched_user(fields_, values):
                self.result.cleared_user_references += 1
                continue  # e.g. "present at a review": a staff member missing here is left out
            for model_field in fields_:
                label = codec.referenced_label(model_field)
                name = model_field.attname
                if name not in values:
                    continue  # a column the folder predates: the field's default
                if label is not None:
                    if model_field in self_refs and values[name] in waiting:
                        flush()  # a reference to an earlier row of the same file (a journal correction)
                    values[name] = self._translate(table, number, name, label, values[name], model_field.null)
                elif codec.kind_of(model_field) == "file":
                    values[name] = self._stored_file(table, number, values[name])
            if table.label == "register.YouthEvent" and "data" in values:
                values["data"] = self._event_data(values["kind"], values["data"])
            elif table.label == "casework.PlanRevision" and "measures" in values:
                values["measures"] = self._revision_measures(values["measures"])
            pending.append((old, values))
            waiting.add(old)
            numbers[old] = number
            if len(pending) >= BATCH:
                flush()
        flush()
        self.result.rows[table.file] = len(mapping)


def _new_municipality_code(directory: Path, manifest: dict[str, Any]) -> str:
    table = _table("organisations.Municipality")
    ((_number, values),) = list(_rows_of(directory, table))
    code = values["code"]
    if code != (manifest.get("municipality") or {}).get("code"):
        raise PortabilityError(
            f"{MUNICIPALITY_FILE}: kommunkoden stämmer inte med manifestet",
            f"{MUNICIPALITY_FILE}: the municipality code does not match the manifest",
        )
    if codec.model_of(table).objects.filter(code=code).exists():
        raise PortabilityError(
            f"Kommunen {code} finns redan i den här installationen; inget har lästs in",
            f"Municipality {code} is already in this installation; nothing was loaded",
        )
    return code


def municipality_import(*, directory: Path, user: Any = None) -> ImportResult:
    """Check the folder (manifest, every file's checksum and row count), then load it in one transaction
    into this installation, which must not yet hold the municipality. Nothing is written on any error."""
    directory = Path(directory)
    manifest = _read_manifest(directory)
    _check_files(directory, manifest)
    code = _new_municipality_code(directory, manifest)
    if not connection.features.can_return_rows_from_bulk_insert:
        raise PortabilityError(
            "Databasen ger inte tillbaka nya id:n vid inläsning i klump",
            "The database does not return new ids from a bulk insert",
        )
    result = ImportResult()
    loader = _Loader(directory, result)
    order = codec.import_order()
    with transaction.atomic(), _keeping_timestamps([codec.model_of(t) for t in order]):
        for table in order:
            {
                USERS: loader.load_users,
                INFORMATION: loader.load_information,
                MERGE: loader.load_merge,
                INSERT: loader.load_insert,
            }[table.mode](table)
        result.municipality = codec.model_of(_table("organisations.Municipality")).objects.get(code=code)
        audit_record(
            user=user,
            action=AuditAction.CREATE,
            object_type="municipality",
            object_id=result.municipality.pk,
            municipality_id=result.municipality.pk,
            detail=f"portability_import rows={sum(result.rows.values())} "
            f"youths={result.rows[_table('register.Youth').file]} "
            f"unmatched_users={len(result.unmatched_users)}",
        )
    return result
