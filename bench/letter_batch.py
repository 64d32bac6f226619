"""Benchmark: the letter batch for 1,000 youths must take at most 60 s.

Run: ``uv run python bench/letter_batch.py [--youths 1000]``. Uses a fresh private SQLite database
(``DATABASE_URL`` to override), creates synthetic youths whose letter step is due, runs the batch
service once and prints the time and the PDF size.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = Path("/tmp/kaa-bench-letter-batch.sqlite3")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youths", type=int, default=1000)
    parser.add_argument("--limit", type=float, default=60.0, help="seconds allowed")
    args = parser.parse_args()

    if "DATABASE_URL" not in os.environ:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DEFAULT_DB}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{DEFAULT_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("KAA_MEDIA_ROOT", "/tmp/kaa-bench-media")

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)

    from kaa.accounts.models import Membership, Role, User
    from kaa.messaging import bridge
    from kaa.messaging.services import letter_batch_create
    from kaa.organisations.models import Municipality
    from kaa.register.models import Youth, YouthEvent
    from tests.factories import make_personnummer

    rng = random.Random(42)
    municipality, _ = Municipality.objects.get_or_create(code="0765", defaults={"name": "Älmhult"})
    coach = User.objects.create(username=f"benchcoach{rng.randint(0, 10**6)}", first_name="Bench", last_name="Coach",
                                email="coach@example.invalid", phone="0700-000000")
    Membership.objects.create(user=coach, municipality=municipality, role=Role.COACH, may_see_protected=True)
    firsts = ["Alva", "Elias", "Maja", "Omar", "Noor", "Liam", "Saga", "Yusuf", "Ella", "Hugo"]
    lasts = ["Andersson", "Karlsson", "Nilsson", "Hassan", "Eriksson", "Larsson", "Ali", "Olsson"]
    youths = []
    for i in range(args.youths):
        birth = datetime.date(2008, 1, 1) + datetime.timedelta(days=rng.randint(0, 900))
        youths.append(Youth(
            municipality=municipality, personnummer=make_personnummer(birth, serial=i % 1000)[:8] + f"{i:04d}",
            birth_date=birth, given_name=rng.choice(firsts), family_name=rng.choice(lasts), in_population=True,
            municipality_code="0765", address=f"Storgatan {i % 90 + 1}", postal_code="343 30", city="Älmhult",
            coach=coach, in_target_group=True, register_reason="avbrott",
            protection="skyddad_folkbokforing" if i % 100 == 0 else ""))
    Youth.objects.bulk_create(youths, batch_size=500)
    entered = timezone.now() - datetime.timedelta(days=10)
    YouthEvent.objects.bulk_create(
        [YouthEvent(youth=y, kind="register.entered", occurred_at=entered,
                    data={"reason": "avbrott", "date": entered.date().isoformat()}) for y in Youth.objects.all()],
        batch_size=500)

    try:
        due = bridge.youths_due(user=coach, step_code="letter")
        source = "outreach selector"
        if due.count() < args.youths:
            raise LookupError
    except (ImportError, LookupError):
        due, source = Youth.objects.filter(municipality=municipality), "all synthetic youths"

    start, cpu_start = time.perf_counter(), time.process_time()
    batch = letter_batch_create(user=coach, municipality=municipality, youths=due)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    size = batch.pdf.size
    ok = elapsed <= args.limit
    print(f"letter batch: {batch.youth_count} letters ({source}) in {elapsed:.1f} s (CPU {cpu:.1f} s), "
          f"PDF {size / 1_000_000:.1f} MB – {'OK' if ok else 'TOO SLOW'} (limit {args.limit:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
