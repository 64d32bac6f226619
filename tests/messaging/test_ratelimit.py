"""The reply page's attempt limits behind the load balancer (issue 9, item 11): counted per client (the
address our trusted proxy saw) and per code, in the database that every web process shares."""

import datetime

import pytest
import time_machine
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from kaa.messaging import ratelimit
from kaa.messaging.models import RateLimitCounter
from kaa.messaging.ratelimit import CLIENT_LIMIT, CODE_LIMIT
from kaa.messaging.services import reply_codes_issue

PROXY = "10.0.0.1"
ANSWER = {"respondent": "youth", "kind": "contact", "phone": "0705555555"}


@pytest.fixture(autouse=True)
def _behind_the_load_balancer(settings):
    settings.KAA_TRUSTED_PROXIES = [PROXY, "10.0.1.0/24"]


def via_proxy(client_address: str, *, header_from_client: str = "") -> dict:
    """What our load balancer sends: its own socket address, the client appended to X-Forwarded-For."""
    forwarded = f"{header_from_client}, {client_address}" if header_from_client else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def guess(client, address: str, code: str = "ZZZZZZZZ", **extra) -> int:
    return client.post(reverse("messaging:reply_start"), {"code": code}, **via_proxy(address, **extra)).status_code


@pytest.fixture
def codes(make_youth):
    return [code for _youth, code in reply_codes_issue(youths=[make_youth(), make_youth()])]


def test_two_clients_behind_the_proxy_are_counted_apart(client, codes):
    for _ in range(CLIENT_LIMIT):
        assert guess(client, "198.51.100.7") == 200
    assert guess(client, "198.51.100.7", codes[0]) == 429
    # Another youth behind the same load balancer is not locked out.
    assert guess(client, "198.51.100.8", codes[0]) == 302
    assert client.get(reverse("messaging:reply", args=[codes[0]]), **via_proxy("198.51.100.8")).status_code == 200


def test_a_client_cannot_choose_its_address_with_the_header(client, codes):
    for n in range(CLIENT_LIMIT):
        assert guess(client, "198.51.100.7", header_from_client=f"192.0.2.{n}") == 200
    assert guess(client, "198.51.100.7", codes[0], header_from_client="192.0.2.200") == 429


def test_the_header_is_ignored_from_an_untrusted_peer(client, codes):
    for n in range(CLIENT_LIMIT):
        status = client.post(reverse("messaging:reply_start"), {"code": "ZZZZZZZZ"}, REMOTE_ADDR="203.0.113.9",
                             HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        assert status == 200
    response = client.post(reverse("messaging:reply_start"), {"code": codes[0]}, REMOTE_ADDR="203.0.113.9",
                           HTTP_X_FORWARDED_FOR="198.51.100.250")
    assert response.status_code == 429


def test_failures_on_code_a_do_not_block_code_b_for_another_client(client, codes):
    code_a, code_b = codes
    url_a, url_b = (reverse("messaging:reply", args=[c]) for c in codes)
    for n in range(CODE_LIMIT):  # wrong answers to code A, from several addresses
        assert client.post(url_a, {"kind": "contact"}, **via_proxy(f"198.51.100.{n}")).status_code == 200
    # Code A is locked, for everyone ...
    assert client.get(url_a, **via_proxy("198.51.100.99")).status_code == 429
    assert guess(client, "198.51.100.99", code_a) == 429
    # ... code B is not, for another client or the same ones.
    assert guess(client, "198.51.100.99", code_b) == 302
    assert client.get(url_b, **via_proxy("198.51.100.0")).status_code == 200
    assert client.post(url_b, ANSWER, **via_proxy("198.51.100.99")).status_code == 302


def test_using_the_page_is_not_counted_as_failures(client, codes):
    url = reverse("messaging:reply", args=[codes[0]])
    for _ in range(CLIENT_LIMIT + CODE_LIMIT):
        assert client.get(url, **via_proxy("198.51.100.7")).status_code == 200
        assert guess(client, "198.51.100.7", codes[0]) == 302


def test_counters_live_in_the_database_that_every_process_shares(client, codes):
    for _ in range(CLIENT_LIMIT):
        guess(client, "198.51.100.7")
    counter = RateLimitCounter.objects.get(key=ratelimit.counter_key("client", "198.51.100.7"))
    assert counter.count == CLIENT_LIMIT
    # Another process has its own memory and caches, nothing else: the count holds there too.
    for cache in caches.all():
        cache.clear()
    assert guess(client, "198.51.100.7", codes[0]) == 429
    # The table holds neither addresses nor codes.
    keys = " ".join(RateLimitCounter.objects.values_list("key", flat=True))
    assert "198.51.100.7" not in keys and codes[0] not in keys


def test_attempt_counts_atomically_per_window_and_prunes(db):
    key = ratelimit.counter_key("test", "x")
    assert [ratelimit.attempt(key, limit=3, window_seconds=60) for _ in range(5)] == [True] * 3 + [False] * 2
    ratelimit.refund(key)
    assert RateLimitCounter.objects.get(key=key).count == 4
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        assert ratelimit.attempt(key, limit=3, window_seconds=60)  # a new window
        assert RateLimitCounter.objects.get(key=key).count == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=200)):
        assert ratelimit.prune() == 1
    assert not RateLimitCounter.objects.exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_sessions_never_lose_a_count():
    """Each thread has its own database session, as each web process has: no increment is lost, and
    exactly ``limit`` attempts are allowed however the attempts interleave."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    key = ratelimit.counter_key("test", "parallel")

    def attempts(_n: int) -> list[bool]:
        try:
            return [ratelimit.attempt(key, limit=25, window_seconds=600) for _ in range(10)]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = [allowed for batch in pool.map(attempts, range(6)) for allowed in batch]
    assert results.count(True) == 25
    assert RateLimitCounter.objects.get(key=key).count == 60


def test_a_daily_job_deletes_ended_counters(db):
    from kaa.core import scheduler
    from kaa.messaging.tasks import ratelimit_prune

    ended = RateLimitCounter.objects.create(key="client:ended", count=3,
                                            window_ends_at=timezone.now() - datetime.timedelta(seconds=1))
    live = RateLimitCounter.objects.create(key="client:live", count=3,
                                           window_ends_at=timezone.now() + datetime.timedelta(minutes=5))
    assert scheduler.discover()["messaging_ratelimit_prune"].every == "day"
    ratelimit_prune.enqueue(period="2026-01-01")  # the test settings run tasks at once
    assert list(RateLimitCounter.objects.values_list("pk", flat=True)) == [live.pk]
    assert not RateLimitCounter.objects.filter(pk=ended.pk).exists()
