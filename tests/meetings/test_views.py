"""The meetings pages: the review page, recording a decision, the minutes, the network meeting."""

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.casework import services as casework
from kaa.casework.models import JournalEntry
from kaa.meetings.models import CaseReview, Meeting, MeetingKind, MeetingYouth, ReviewDecision

from .conftest import days, register_youth

pytestmark = pytest.mark.django_db


def test_the_review_page_proposes_and_records_a_decision(client, coach, team, youth):
    client.force_login(coach)
    page = client.get(reverse("meetings:review_team", args=[team.pk]))
    assert page.status_code == 200 and "Exempel, Alva" in page.text
    url = reverse("meetings:review_decide", args=[team.pk, youth.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "text": "Alva erbjuds ett nytt möte.",
            "next_step": "Boka möte",
            "next_step_on": (timezone.localdate() + days(3)).isoformat(),
        },
    )
    assert response.status_code == 302
    decision = ReviewDecision.objects.get()
    assert decision.review.held_on == timezone.localdate() and decision.youth == youth
    assert "Alva erbjuds ett nytt möte." in JournalEntry.objects.get(pk=decision.entry_id).text
    minutes = client.get(reverse("meetings:review_detail", args=[decision.review_id]))
    assert "Alva erbjuds ett nytt möte." in minutes.text
    printed = client.get(reverse("meetings:review_print", args=[decision.review_id]))
    assert printed.status_code == 200 and "Alva erbjuds ett nytt möte." in printed.text


def test_the_minutes_record_who_was_present(client, coach, team, coordinator):
    client.force_login(coach)
    review = CaseReview.objects.create(team=team, held_on=timezone.localdate())
    url = reverse("meetings:review_detail", args=[review.pk])
    client.post(url, {"present": [coach.pk, coordinator.pk], "others": "Lärare Exempelsson"})
    review.refresh_from_db()
    assert set(review.present.all()) == {coach, coordinator} and review.present_others == "Lärare Exempelsson"


def test_a_youth_of_another_team_is_not_found(client, coach, team, municipality):
    from kaa.accounts.models import Role
    from tests.factories import TeamFactory, staff

    other_team = TeamFactory(municipality=municipality, name="Team Söder")
    theirs = register_youth(
        municipality, other_team, staff(Role.COACH, municipality, team=other_team, username="soder")
    )
    client.force_login(coach)
    assert client.get(reverse("meetings:review_team", args=[other_team.pk])).status_code == 404
    assert client.get(reverse("meetings:review_decide", args=[team.pk, theirs.pk])).status_code == 404


@pytest.mark.parametrize("size", [2, 150])
def test_the_review_page_costs_the_same_whatever_the_team_size(
    client, coach, team, municipality, size, django_assert_max_num_queries
):
    """A review under way (a decision taken), open cases with a measure ending, youths new this week and
    youths whose contact chain is overdue: the first request computes the chain's state of every youth of
    the register (their memo is stale), the next ones read it from the memo."""
    from kaa.meetings import services as meetings
    from kaa.meetings.labels import OUTREACH_OVERDUE

    today = timezone.localdate()
    youths = [register_youth(municipality, team, coach, entered_days_ago=1 + i * 37 % 60, given_name=f"U{i}")
              for i in range(size)]
    for y in youths[::5]:
        casework.measure_add(youth=y, user=coach, code="praktik", start=today - days(30), end=today + days(3))
    review = meetings.review_open(team=team, user=coach)
    meetings.review_decide(review=review, youth=youths[-1], user=coach, text="Beslut om U.")
    client.force_login(coach)
    client.get(reverse("meetings:review_list"))  # warm the session
    url = reverse("meetings:review_team", args=[team.pk])
    with django_assert_max_num_queries(16):  # + the events and the upsert of the stale memos
        first = client.get(url)
    with django_assert_max_num_queries(14) as captured:  # 12 and the session save's SAVEPOINT, RELEASE
        again = client.get(url)
    assert first.status_code == again.status_code == 200
    table = lambda page: page.text[page.text.index('data-testid="proposals"'):]  # noqa: E731
    assert table(first) == table(again)  # the memo says what the rules said
    assert "Work practice" in table(again)  # a measure ending, by its label: the code table was read
    assert again.context["total"] == size and again.context["decided"] == 1
    assert any(r.code == OUTREACH_OVERDUE for p in again.context["page_obj"] for r in p.reasons)
    assert sum(1 for q in captured.captured_queries if "register_youth" in q["sql"].split("WHERE")[0]) >= 1


def test_the_network_meeting_refuses_a_youth_without_consent(client, coordinator, municipality, youth, af):
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:meeting_new") + f"?kind=network&municipality={municipality.pk}",
        {
            "kind": "network",
            "held_on": timezone.localdate().isoformat(),
            "place": "Campus",
            "partners": [af.pk],
            "attendees": "Kim Exempelsson, AF",
            "agenda": "Uppsökande",
            "minutes": "",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    detail = reverse("meetings:meeting_detail", args=[meeting.pk])
    search = client.get(detail, {"q": "Alva"})
    assert "No consent for: Arbetsförmedlingen" in search.text
    refused = client.post(reverse("meetings:meeting_youth_add", args=[meeting.pk, youth.pk]), follow=True)
    assert "has no valid consent" in refused.text and not MeetingYouth.objects.exists()
    casework.consent_record(
        youth=youth, user=coordinator, partner_org=af, purpose="Nätverksmöte", valid_from=timezone.localdate()
    )
    client.post(reverse("meetings:meeting_youth_add", args=[meeting.pk, youth.pk]))
    assert MeetingYouth.objects.filter(meeting=meeting, youth=youth).exists()
    client.post(reverse("meetings:meeting_youth_decide", args=[meeting.pk, youth.pk]), {"text": "AF tar kontakt."})
    assert "AF tar kontakt." in client.get(detail).text
    assert "AF tar kontakt." in client.get(reverse("meetings:meeting_print", args=[meeting.pk])).text


def test_meeting_list_proposes_the_next_dates(client, coordinator, municipality):
    Meeting.objects.create(municipality=municipality, kind=MeetingKind.NETWORK, held_on=timezone.localdate())
    client.force_login(coordinator)
    page = client.get(reverse("meetings:meeting_list"))
    assert page.status_code == 200
    assert (timezone.localdate() + days(42)).isoformat() in page.text
    assert client.get(reverse("meetings:meeting_new") + "?kind=steering").status_code == 200


def test_the_minutes_as_pdf(client, coach, team, youth, coordinator, af):
    from io import BytesIO

    from pypdf import PdfReader

    from kaa.meetings import services

    review = services.review_open(team=team, user=coach)
    services.review_decide(review=review, youth=youth, user=coach, text="Alva erbjuds praktik.")
    client.force_login(coach)
    response = client.get(reverse("meetings:review_pdf", args=[review.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    assert "Alva erbjuds praktik." in text and "Team Norr" in text
    meeting = services.meeting_save(
        meeting=Meeting(municipality=youth.municipality, held_on=timezone.localdate(), agenda="Sommarjobb"),
        user=coordinator,
        partners=[af],
    )
    client.force_login(coordinator)
    response = client.get(reverse("meetings:meeting_pdf", args=[meeting.pk]))
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    assert "Sommarjobb" in text and "Arbetsförmedlingen" in text


@pytest.mark.parametrize("size", [1, 30])
def test_the_lists_and_minutes_cost_the_same_whatever_their_size(
    client, coach, coordinator, team, municipality, af, size, django_assert_max_num_queries
):
    from kaa.meetings import services

    review = services.review_open(team=team, user=coach)
    meeting = services.meeting_save(
        meeting=Meeting(municipality=municipality, held_on=timezone.localdate()), user=coordinator, partners=[af]
    )
    for i in range(size):
        youth = register_youth(municipality, team, coach, given_name=f"U{i}")
        services.review_decide(review=review, youth=youth, user=coach, text=f"Beslut {i}.")
        casework.consent_record(
            youth=youth, user=coordinator, partner_org=af, purpose="Nätverksmöte", valid_from=timezone.localdate()
        )
        services.meeting_youth_add(meeting=meeting, youth=youth, user=coordinator)
        CaseReview.objects.create(team=team, held_on=timezone.localdate() - days(7 * (i + 1)))
        Meeting.objects.create(municipality=municipality, held_on=timezone.localdate() - days(42 * (i + 1)))
    client.force_login(coach)
    client.get("/")
    for url in (reverse("meetings:review_list"), reverse("meetings:review_detail", args=[review.pk])):
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200
    client.force_login(coordinator)
    client.get("/")
    for url in (reverse("meetings:meeting_list"), reverse("meetings:meeting_detail", args=[meeting.pk])):
        with django_assert_max_num_queries(18):
            assert client.get(url).status_code == 200
