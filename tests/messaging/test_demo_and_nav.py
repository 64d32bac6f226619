import datetime
import random

from django.urls import reverse

from kaa.demo.messaging import seed_demo
from kaa.messaging.models import LetterTemplate, ReplyCode
from kaa.register.models import YouthEvent


def test_seed_demo(municipality, make_youth, administrator, coach):
    for _ in range(5):
        make_youth(register_since=datetime.date.today() - datetime.timedelta(days=20), register_reason="avbrott")
    seed_demo(municipality=municipality, users={"admin": administrator, "coach1": coach}, rng=random.Random(1),
              today=datetime.date(2026, 11, 24))
    assert LetterTemplate.objects.filter(municipality=municipality).count() == 4
    # Two replies to the coach's youths still being looked for, two spare codes to try /svar/ with.
    assert ReplyCode.objects.count() == 4
    assert YouthEvent.objects.filter(kind="outreach.reply").count() == 2


def test_navigation_entries(client, coach, administrator):
    client.force_login(coach)
    html = client.get(reverse("core:home")).content.decode()
    assert reverse("messaging:print_letters") in html
    assert reverse("messaging:template_list") not in html
    client.force_login(administrator)
    html = client.get(reverse("core:home")).content.decode()
    assert reverse("messaging:template_list") in html


def test_print_page_with_the_real_outreach_selector(client, coach, make_youth):
    make_youth()
    client.force_login(coach)
    response = client.get(reverse("messaging:print_letters"))
    assert response.status_code == 200


def test_list_pages_make_a_bounded_number_of_queries(client, municipality, coach, administrator, make_youth,
                                                     django_assert_max_num_queries, monkeypatch):
    from kaa.messaging import bridge
    from kaa.messaging.services import letter_batch_create
    from kaa.register.models import Youth

    youths = [make_youth() for _ in range(3)]
    for youth in youths:
        letter_batch_create(user=coach, municipality=municipality, youths=Youth.objects.filter(pk=youth.pk))
    monkeypatch.setattr(bridge, "youths_due", lambda **kw: Youth.objects.all())
    client.force_login(coach)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("messaging:print_letters")).status_code == 200
    client.force_login(administrator)
    client.post(reverse("messaging:template_list"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("messaging:template_list")).status_code == 200
