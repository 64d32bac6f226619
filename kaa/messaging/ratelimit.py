"""Fixed-window attempt counters in the database, for the public reply page (issue 9, item 11).

Why the database and not a cache: the counters must be shared by every web process behind the
load balancer (a per-process LocMem cache let each process count on its own), the increment must be
atomic (Django's cache ``incr`` on the database cache is a read and a write, so parallel requests
lose counts), and a counter must not be evicted (the database cache culls entries past
``MAX_ENTRIES``, which an attacker trying many codes or addresses could use to reset counters). A
small table with a conditional ``UPDATE … SET count = count + 1`` has none of these problems and
needs no setup beyond the migrations.

``attempt`` counts first and answers whether the attempt is allowed, so parallel requests cannot
all slip under the limit; ``refund`` gives the attempt back when it turned out to be no failure.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Case, DateTimeField, F, PositiveIntegerField, Q, Value, When
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import RateLimitCounter, ReplyCode

# The public reply page counts failures (unknown, expired or refused codes, wrong answers), never
# successes: per client address (looser: one person guessing many codes) and per code (wrong answers
# to one code), so failures on one code or from one client lock out neither other codes nor other
# clients. Behind the load balancer, kaa.core.client_ip gives each client its own address.
CLIENT_LIMIT, CLIENT_WINDOW = 30, 10 * 60
CODE_LIMIT, CODE_WINDOW = 10, 60 * 60


def counter_key(kind: str, value: str) -> str:
    """``kind:`` and a keyed hash of the value: the table holds no address or code."""
    return f"{kind}:{salted_hmac('kaa.messaging.ratelimit', value, algorithm='sha256').hexdigest()}"


def attempt(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt on key; False when this attempt is over the limit of the current window."""
    now = timezone.now()
    ends = now + datetime.timedelta(seconds=window_seconds)
    with transaction.atomic():
        RateLimitCounter.objects.get_or_create(key=key, defaults={"count": 0, "window_ends_at": ends})
        live = Q(window_ends_at__gt=now)
        RateLimitCounter.objects.filter(key=key).update(
            count=Case(When(live, then=F("count") + 1), default=Value(1), output_field=PositiveIntegerField()),
            window_ends_at=Case(When(live, then=F("window_ends_at")), default=Value(ends),
                                output_field=DateTimeField()))
        # The UPDATE holds the row lock until commit, so this reads our own count.
        count = RateLimitCounter.objects.filter(key=key).values_list("count", flat=True).get()
    return count <= limit


def refund(key: str) -> None:
    """Give back one attempt counted by ``attempt`` (it was no failure)."""
    RateLimitCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


def prune(now: datetime.datetime | None = None) -> int:
    """Delete the counters whose window has ended; returns how many."""
    deleted, _per_model = RateLimitCounter.objects.filter(window_ends_at__lte=now or timezone.now()).delete()
    return deleted


class ReplyAttempts:
    """The counters one request to the reply page charges: the client's at once, the code's once it is
    known. A request that turns out fine (``succeeded``) gives its attempts back."""

    def __init__(self, client_address: str) -> None:
        self.charged: list[str] = []
        self.allowed = self._charge(counter_key("client", client_address), CLIENT_LIMIT, CLIENT_WINDOW)

    def _charge(self, key: str, limit: int, window_seconds: int) -> bool:
        self.charged.append(key)
        return attempt(key, limit=limit, window_seconds=window_seconds)

    def code(self, reply_code: ReplyCode) -> bool:
        """Charge the code's counter too; False when that code has had too many failures."""
        return self._charge(counter_key("code", str(reply_code.pk)), CODE_LIMIT, CODE_WINDOW)

    def succeeded(self) -> None:
        for key in self.charged:
            refund(key)
