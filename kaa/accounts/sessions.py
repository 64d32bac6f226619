"""The session store (``SESSION_ENGINE``): Django's database sessions, written only when it matters.

Sessions end after ``SESSION_COOKIE_AGE`` (30 minutes) without activity: ``SESSION_SAVE_EVERY_REQUEST`` has
every request move the session's expiry. Written as Django writes it, that is an UPDATE of the session row
on every page (with the transaction around it), though the expiry moves by only the seconds since the
last page. This store skips that write when nothing in the session changed and the expiry would move by
less than ``REFRESH_AFTER``: the session then ends between 29 and 30 minutes after the last request, never
later. A changed session (a login, a message, a key cycled) is always written.
"""

from __future__ import annotations

import datetime

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

# The most by which the stored expiry may lag behind the one the last request would have set.
REFRESH_AFTER = datetime.timedelta(minutes=1)


class SessionStore(DatabaseSessionStore):
    _stored_expiry: datetime.datetime | None = None

    def _get_session_from_db(self):  # type: ignore[no-untyped-def]
        found = super()._get_session_from_db()
        self._stored_expiry = found.expire_date if found is not None else None
        return found

    def save(self, must_create: bool = False) -> None:
        if (not must_create and not self.modified and self._stored_expiry is not None
                and self.session_key is not None
                and self.get_expiry_date() - self._stored_expiry < REFRESH_AFTER):
            return
        super().save(must_create=must_create)
        self._stored_expiry = self.get_expiry_date()
