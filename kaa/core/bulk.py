"""Fast set-based writes of plain values, for imports and the register computation.

Django's ``bulk_create`` prepares every field of every instance and ``bulk_update`` builds a ``CASE`` per
field and row (over a minute for 5,000 changed youths). Here rows are plain tuples:

- PostgreSQL: ``COPY … FROM STDIN`` (psycopg streams the rows while the server parses them, so Python and
  PostgreSQL work side by side on two cores); updates are one ``UPDATE … FROM unnest(…)`` with an array
  parameter a column.
- SQLite: one parameterised statement with ``executemany`` (looped in C by sqlite3).

Only identifiers from the models' own metadata are formatted into SQL; values always travel as data.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Field, ForeignObject, Lookup, Model, QuerySet
from django.utils import timezone

BATCH = 5000


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _is_auto_now(field: Field) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def _adapters(fields: Sequence[Field]) -> list[tuple[int, Callable]]:
    """Positions whose Python values the driver cannot take as they are: JSON, and on SQLite dates and
    times (written as Django writes them)."""
    sqlite = connection.vendor == "sqlite"
    out: list[tuple[int, Callable]] = []
    for i, f in enumerate(fields):
        kind = f.get_internal_type()
        if kind == "JSONField":
            out.append((i, json.dumps))
        elif sqlite and kind == "DateField":
            out.append((i, _sqlite_date(f)))
        elif sqlite and kind == "DateTimeField":
            out.append((i, _sqlite_datetime(f)))
        elif sqlite and kind in ("TimeField", "DecimalField"):
            out.append((i, lambda value, f=f: f.get_db_prep_save(value, connection)))
    return out


# Django's own conversion costs a dozen calls a value (tens of thousands of dates an import); these give
# the same text for the common types and leave any other value to Django.
def _sqlite_date(field: Field) -> Callable:
    def convert(value: object) -> object:
        if type(value) is datetime.date:
            return value.isoformat()
        return field.get_db_prep_save(value, connection)
    return convert


def _sqlite_datetime(field: Field) -> Callable:
    tz = connection.timezone

    def convert(value: object) -> object:
        if type(value) is datetime.datetime and value.tzinfo is not None:
            return str(value.astimezone(tz).replace(tzinfo=None))
        return field.get_db_prep_save(value, connection)
    return convert


def _adapt(row: Sequence, adapters: list[tuple[int, Callable]]) -> list:
    values = list(row)
    for i, convert in adapters:
        if values[i] is not None:
            values[i] = convert(values[i])
    return values


def _default(field: Field, now) -> object:
    value = now if _is_auto_now(field) else field.get_default()
    if field.get_internal_type() == "JSONField":
        return json.dumps(value)
    return field.get_db_prep_save(value, connection)


def bulk_insert(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert plain value tuples (in ``fields`` order, foreign keys by id) without model instances.

    Every other column gets its default, auto_now fields one shared timestamp, so a new field with a
    default never breaks an import. Values must already be clean (validated by the caller).
    Returns the number of rows.
    """
    meta = model._meta
    now = timezone.now()
    given = [meta.get_field(name) for name in fields]
    names = {f.name for f in given}
    rest = [f for f in meta.concrete_fields if f.name not in names and not f.primary_key]
    extra = [_default(f, now) for f in rest]
    columns = [f.column for f in (*given, *rest)]
    adapters = _adapters(given)
    prepared = ((*(_adapt(row, adapters) if adapters else row), *extra) for row in rows)
    if connection.vendor == "postgresql":
        return _copy(meta.db_table, columns, prepared)
    sql = (f"INSERT INTO {_quote(meta.db_table)} ({', '.join(map(_quote, columns))}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    return _executemany(sql, prepared)


def bulk_set(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Set ``fields`` of existing rows given as ``(pk, *values)`` tuples. Returns the number of rows."""
    rows = list(rows)
    if not rows:
        return 0
    meta = model._meta
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    adapters = [(i + 1, kind) for i, kind in _adapters(columns)]
    if adapters:
        rows = [_adapt(row, adapters) for row in rows]
    if connection.vendor != "postgresql":
        sql = (f"UPDATE {_quote(meta.db_table)} SET {', '.join(f'{_quote(c.column)} = %s' for c in columns)} "  # noqa: S608
               f"WHERE {_quote(pk.column)} = %s")
        return _executemany(sql, ((*row[1:], row[0]) for row in rows))
    # One statement: the new values travel as one array parameter a column, unnested on the server (no
    # temporary table to create, fill, analyse and drop for each call). The planner sees the arrays' length;
    # the range of the keys keeps it from hashing the whole target table for each chunk.
    names = [pk.column, *(c.column for c in columns)]
    types = [pk.rel_db_type(connection), *(c.db_type(connection) for c in columns)]
    arrays = ", ".join(f"%s::{kind}[]" for kind in types)
    assignments = ", ".join(f"{_quote(c.column)} = v.{_quote(c.column)}" for c in columns)
    keys = [row[0] for row in rows]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608
                       f"FROM unnest({arrays}) AS v({', '.join(map(_quote, names))}) "
                       f"WHERE t.{_quote(pk.column)} = v.{_quote(pk.column)} "
                       f"AND t.{_quote(pk.column)} BETWEEN %s AND %s",
                       [*map(_array_parameter, zip(*rows, strict=True)), min(keys), max(keys)])
    return len(rows)


def _quote_element(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_ARRAY_ELEMENT: dict[type, Callable[[Any], str]] = {
    bool: lambda value: "t" if value else "f", int: str, str: _quote_element,
    datetime.date: datetime.date.isoformat, datetime.datetime: datetime.datetime.isoformat,
}


def _array_parameter(column: Sequence) -> str:
    """A column of values as the text of a PostgreSQL array literal, one parameter for ``%s::type[]``.

    The driver would adapt a list element by element and check each string against a pattern (a second of
    CPU for the 100,000 rows of 7 columns a computation writes); this is one join. Types other than those of
    ``_ARRAY_ELEMENT`` are written as their ``str()``, the text the server parses, as ``COPY`` would."""
    kinds = set(map(type, column))
    kinds.discard(type(None))
    element = _ARRAY_ELEMENT.get(kinds.pop(), _as_text) if len(kinds) == 1 else _any_element
    if None in column:
        return "{" + ",".join("NULL" if value is None else element(value) for value in column) + "}"
    return "{" + ",".join(map(element, column)) + "}"


def _as_text(value: object) -> str:
    return _quote_element(str(value))


def _any_element(value: object) -> str:
    return _ARRAY_ELEMENT.get(type(value), _as_text)(value)


def _copy(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    count = 0
    # The driver's own cursor does the COPY: wrap its errors as Django's (IntegrityError, DataError …).
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {_quote(table)} ({', '.join(map(_quote, columns))}) FROM STDIN") as copy:
        write = copy.write_row
        for row in rows:
            write(row)
            count += 1
    return count


def _executemany(sql: str, rows: Iterable[Sequence]) -> int:
    count = 0
    rows = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(islice(rows, BATCH)):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


class AnyOf(Lookup):
    """``field__any=[…]``: ``field = ANY(%s)`` with the list as one array parameter (PostgreSQL); on SQLite
    ``field IN (SELECT value FROM json_each(%s))`` for ints or strs.

    Django's ``__in`` writes one placeholder per value: half a million ids cost seconds to compile and
    exceed parameter limits. Use ``in_chunks``, which picks the right form for the database.
    """

    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        kind = _element_kind(self.lhs.output_field)
        if connection.vendor != "postgresql":
            values = rhs_params[-1]
            if kind is None or set(map(type, values)) != {kind}:
                raise ValueError("__any on SQLite takes only ints or strs of an integer or text column")
            # One JSON parameter, however many values (SQLite probes the index for each).
            return (f"{lhs} IN (SELECT value FROM json_each({rhs}))",  # noqa: S608
                    [*lhs_params, *rhs_params[:-1], json.dumps(values)])
        literal = array_literal(rhs_params[-1], kind) if rhs_params else None
        if literal is not None:
            # One text value cast on the server: the driver adapts a list element by element in Python
            # (a second for 100,000 personnummer).
            return f"{lhs} = ANY({rhs}::{literal[0]}[])", [*lhs_params, *rhs_params[:-1], literal[1]]
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


_INTEGER_FIELDS = frozenset({"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
                             "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
                             "PositiveSmallIntegerField"})


def _model_field(model: type[Model], name: str) -> Field:
    """The field ``name`` (or its attname, or "pk") of ``model``."""
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def _element_kind(field: Field) -> type | None:
    """int or str for an integer or text column (a foreign key: its target's), else None."""
    while field.is_relation and getattr(field, "target_field", None) is not None:
        field = field.target_field
    kind = field.get_internal_type()
    if kind in _INTEGER_FIELDS:
        return int
    return str if kind in ("CharField", "TextField") else None


def array_literal(values: object, kind: type | None) -> tuple[str, str] | None:
    """``(element type, text)`` of a PostgreSQL array literal for a list of only ints for an integer
    column or only strs for a text column; None for anything else (the driver adapts that). Strings are
    quoted and escaped as the array input syntax requires, so any text is safe."""
    if kind is None or not isinstance(values, list) or not values:
        return None
    kinds = set(map(type, values))
    if kinds != {kind}:
        return None
    if kind is int:
        return "bigint", "{" + ",".join(map(str, values)) + "}"
    if kind is str:
        if any("\\" in v or '"' in v or "\x00" in v for v in values):
            if any("\x00" in v for v in values):
                return None
            values = [v.replace("\\", "\\\\").replace('"', '\\"') for v in values]
        return "text", '{"' + '","'.join(values) + '"}'
    return None


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # foreign keys keep their own lookups


def in_chunks(queryset: QuerySet, field: str, values: Iterable) -> Iterator[QuerySet]:
    """``queryset`` filtered to ``field`` in ``values``: one query on PostgreSQL (an array parameter) and on
    SQLite for ints or strs (one JSON parameter), else chunks within the parameter limit."""
    values = list(values)
    if not values:
        return
    if connection.vendor == "postgresql" or (
            connection.vendor == "sqlite"
            and set(map(type, values)) == {_element_kind(_model_field(queryset.model, field))}):
        yield queryset.filter(**{f"{field}__any": values})
        return
    size = min((connection.features.max_query_params or 10000) - 10, 10000)
    for start in range(0, len(values), size):
        yield queryset.filter(**{f"{field}__in": values[start:start + size]})


# Field types whose values the driver already gives as Python values (on SQLite through the converters
# Django registers for the declared column types "date" and "bool").
_PLAIN_FIELDS = _INTEGER_FIELDS | {"CharField", "TextField", "DateField", "BooleanField"}


def plain_rows(queryset: QuerySet, fields: Sequence[str]) -> list[tuple]:
    """``queryset.values_list(*fields)`` as a list, read with a plain cursor (see ``iter_plain_rows``)."""
    return list(iter_plain_rows(queryset, fields, stream=False))


def iter_plain_rows(queryset: QuerySet, fields: Sequence[str], *, stream: bool = True,
                    chunk_size: int = 20000) -> Iterator[tuple]:
    """The rows of ``queryset.values_list(*fields)``, read with a plain cursor; ``stream``: in chunks through
    a server-side cursor on PostgreSQL, as ``QuerySet.iterator`` does (memory stays bounded).

    Django passes every value of a ``values()`` row through its field's converters (on SQLite a date is
    parsed twice: by the driver's converter for the declared type, then by Django's); for integer, text,
    date and boolean columns the driver's value is already the same. Any other field type is left to
    Django.
    """
    kinds = []
    for name in fields:
        field = _model_field(queryset.model, name)
        while field.is_relation and getattr(field, "target_field", None) is not None:
            field = field.target_field
        kinds.append(field.get_internal_type())
    if not set(kinds) <= _PLAIN_FIELDS:
        values = queryset.values_list(*fields)
        yield from (values.iterator(chunk_size=chunk_size) if stream else values)
        return
    compiler = queryset.values_list(*fields).query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return
    cursor = connection.chunked_cursor() if stream else connection.cursor()
    with connection.wrap_database_errors, cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk_size):
            yield from rows
