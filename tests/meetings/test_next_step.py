"""A next step agreed at a meeting is a due item on the worklist until someone acts (casework.due)."""

import datetime

from kaa.casework import due

D = datetime.date
T = datetime.datetime


def at(h: int) -> datetime.datetime:
    return T(2026, 3, 16, h, tzinfo=datetime.UTC)


def test_open_until_a_later_journal_entry():
    agreed = ("casework.next_step", at(10), {"due": "2026-03-20", "entry_id": 5})
    own = ("casework.journal", at(10), {"entry_id": 5, "kind": "note"})
    assert due.open_next_step([own, agreed]) == D(2026, 3, 20)
    assert due.open_next_step([own, agreed, ("casework.journal", at(11), {"entry_id": 6})]) is None
    assert due.open_next_step([own, agreed, ("outreach.contact", at(12), {"outcome": "reached"})]) is None


def test_a_later_step_replaces_the_earlier():
    first = ("casework.next_step", at(9), {"due": "2026-03-18", "entry_id": 1})
    second = ("casework.next_step", at(10), {"due": "2026-03-25", "entry_id": 2})
    assert due.open_next_step([second, first]) == D(2026, 3, 25)


def test_the_due_item_shows_this_week_and_overdue_only():
    facts = due.CaseFacts(
        youth_id=1,
        birth_date=D(2008, 1, 1),
        status="open",
        opened_on=D(2026, 3, 1),
        last_contact_on=D(2026, 3, 10),
        next_step_on=D(2026, 3, 20),
    )
    assert [i.kind for i in due.due_items(facts, D(2026, 3, 16))] == [due.NEXT_STEP]
    later = due.CaseFacts(
        youth_id=1,
        birth_date=D(2008, 1, 1),
        status="open",
        opened_on=D(2026, 3, 1),
        last_contact_on=D(2026, 3, 10),
        next_step_on=D(2026, 4, 20),
    )
    assert due.due_items(later, D(2026, 3, 16)) == []
    closed = due.CaseFacts(youth_id=1, birth_date=D(2008, 1, 1), status="closed", next_step_on=D(2026, 3, 16))
    assert due.due_items(closed, D(2026, 3, 16)) == []
