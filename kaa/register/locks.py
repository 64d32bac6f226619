"""Keeping the register computation and changes of facts apart (PostgreSQL advisory locks).

A computation chunk reads youths flagged ``needs_evaluation``, decides them and clears the flag. Were an
import or a correction to commit new facts (and set the flag) between that read and that write, the
flag would be cleared without the new facts ever being evaluated. So, within their transactions:

- writers of facts (imports, corrections, school reports) take the lock exclusively before they flag;
- computation chunks take it shared, first thing: chunks run side by side in several workers, but never
  across a write of facts.

Transaction-level locks: released at commit or rollback, never left behind by a crashed process. On
SQLite, which has one writer at a time anyway, these do nothing.
"""

from __future__ import annotations

from django.db import connection

FACTS_LOCK = 0x4B41_4100  # "KAA" and 0: one number for the whole installation


def lock_facts_for_writing() -> None:
    """Take the facts lock exclusively until the end of the current transaction (waits for chunks)."""
    _lock("SELECT pg_advisory_xact_lock(%s)")


def lock_facts_for_computing() -> None:
    """Take the facts lock shared until the end of the current transaction (waits for writers)."""
    _lock("SELECT pg_advisory_xact_lock_shared(%s)")


def _lock(sql: str) -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("the facts lock is held until the transaction ends: take it inside one")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, [FACTS_LOCK])
