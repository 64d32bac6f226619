"""Fast bulk writes of plain values: Django's bulk_update builds a CASE per field and row (over a minute
for 5,000 changed youths) and bulk_create prepares every field of every instance. Both functions here run
one parameterised statement with executemany, which psycopg pipelines and sqlite3 loops in C.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model
from django.utils import timezone


def bulk_set(objs: Sequence[Model], fields: Sequence[str], batch_size: int = 2000) -> int:
    """Write ``fields`` of each object (matched by primary key). Returns the number of objects.

    One parameterised UPDATE run with executemany: parsed once, pipelined by psycopg, looped in C by sqlite3.
    """
    if not objs:
        return 0
    meta = type(objs[0])._meta
    pk = meta.pk
    model_fields = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in model_fields)} "  # noqa: S608
           f"WHERE {quote(pk.column)} = %s")
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            cursor.executemany(sql, [
                [*(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in model_fields),
                 pk.get_db_prep_value(obj.pk, connection)]
                for obj in objs[start:start + batch_size]])
    return len(objs)


def bulk_insert(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence], batch_size: int = 2000) -> int:
    """Insert plain value tuples (in ``fields`` order) without building model instances.

    Django's bulk_create prepares every field of every instance; for a region's half a million rows that is
    most of the import's time. Values here are already clean (validated by the parsers); dates and
    booleans are adapted by the database driver, and on SQLite dates are written as Django writes them.
    ``created_at``/``updated_at`` (auto_now fields) get the same timestamp, filled in here.
    """
    meta = model._meta
    now = timezone.now()
    model_fields = [meta.get_field(name) for name in fields]
    given = {f.name for f in model_fields}
    # Every other column gets its default (or the timestamp, for auto_now fields), so a new field with a
    # default never breaks the import.
    rest = [f for f in meta.concrete_fields if f.name not in given and not f.primary_key]
    extra = [f.get_db_prep_save(now if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
                                else f.get_default(), connection) for f in rest]
    columns = [f.column for f in model_fields] + [f.column for f in rest]
    quote = connection.ops.quote_name
    sqlite = connection.vendor == "sqlite"
    date_at = [i for i, f in enumerate(model_fields) if f.get_internal_type() == "DateField"] if sqlite else []
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    count = 0
    batch: list = []
    # executemany: the statement is parsed once (psycopg pipelines the rows; sqlite3 loops in C). A
    # multi-row VALUES with 50,000 placeholders made psycopg re-parse a huge query string per batch.
    with connection.cursor() as cursor:
        for row in rows:
            if date_at:
                row = list(row)
                for i in date_at:
                    if row[i] is not None:
                        row[i] = row[i].isoformat()
            batch.append((*row, *extra))
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
