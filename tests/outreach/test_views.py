"""Pages: worklist (with the quick call log), assignment, overview, chain editor, youth section."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.accounts.models import Role
from kaa.outreach import services
from kaa.outreach.models import ChainStep, ContactAttempt, ContactChain
from kaa.outreach.selectors import youth_section_context
from kaa.register.models import YouthEvent

pytestmark = pytest.mark.django_db


def test_worklist_orders_replies_overdue_today_week(client, coach, make_youth):
    make_youth(coach=coach, entered_days_ago=30, family_name="Overdue")
    make_youth(coach=coach, entered_days_ago=2, family_name="Today")
    make_youth(coach=coach, entered_days_ago=0, family_name="Week")
    reply = make_youth(coach=coach, entered_days_ago=0, family_name="Reply")
    YouthEvent.objects.create(youth=reply, kind="outreach.reply", data={"kind": "contact", "code_id": 1})
    make_youth(family_name="NotMine")  # another coach's youth (no team): not visible
    client.force_login(coach)
    response = client.get(reverse("outreach:worklist"))
    assert response.status_code == 200
    names = [it.youth.family_name for it in response.context["page_obj"]]
    assert names == ["Reply", "Overdue", "Today", "Week"]
    assert response.context["counts"] == {"reply": 1, "overdue": 1, "today": 1, "week": 1}
    assert "NotMine" not in response.content.decode()


def test_worklist_queries_are_bounded(client, coach, make_youth, django_assert_max_num_queries):
    client.force_login(coach)
    make_youth(coach=coach)
    client.get(reverse("outreach:worklist"))  # installs the default chain
    for _ in range(3):
        make_youth(coach=coach)
    client.get(reverse("outreach:worklist"))
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("outreach:worklist"))
    for i in range(40):
        youth = make_youth(coach=coach, entered_days_ago=i)
        services.contact_record(youth=youth, user=coach, channel="letter", outcome="sent", at=timezone.now())
    # The first view after a change recomputes the changed youths' snapshots (their events, one upsert).
    with django_assert_max_num_queries(len(small.captured_queries) + 2):
        response = client.get(reverse("outreach:worklist"))
    assert len(response.context["page_obj"].object_list) > 20
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("outreach:worklist"))


def test_log_a_call_in_two_clicks_from_the_worklist(client, coach, make_youth):
    youth = make_youth(coach=coach, entered_days_ago=12)
    client.force_login(coach)
    page = client.get(reverse("outreach:worklist")).content.decode()
    assert reverse("outreach:log_call_form", args=[youth.pk]) in page
    form = client.get(reverse("outreach:log_call_form", args=[youth.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'value="no_answer"' in form
    row = client.post(reverse("outreach:log_call", args=[youth.pk]), {"channel": "phone", "outcome": "no_answer"},
                      HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and "work-row" in row.content.decode()
    attempt = ContactAttempt.objects.get(youth=youth)
    assert attempt.channel == "phone" and attempt.outcome == "no_answer" and attempt.source == "worklist"
    assert YouthEvent.objects.filter(youth=youth, kind="outreach.contact").exists()


def test_worklist_says_call_the_guardian_for_a_minor(client, coach, make_youth):
    minor = make_youth(coach=coach, entered_days_ago=12, minor=True)
    for channel in ("social_services_check", "letter"):  # the phone step is next
        services.contact_record(youth=minor, user=coach, channel=channel, outcome="sent",
                                at=timezone.now() - datetime.timedelta(days=1))
    client.force_login(coach)
    assert "call the guardian" in client.get(reverse("outreach:worklist")).content.decode()
    form = client.get(reverse("outreach:log_call_form", args=[minor.pk])).content.decode()
    assert 'name="to_guardian"' in form
    client.post(reverse("outreach:log_call", args=[minor.pk]), {"channel": "phone", "outcome": "no_answer",
                                                                 "to_guardian": "on"})
    assert ContactAttempt.objects.get(youth=minor, channel="phone").to_guardian


def test_cannot_log_for_a_youth_outside_the_scope(client, coach, make_youth, other_coach):
    youth = make_youth(coach=other_coach)
    client.force_login(coach)
    assert client.post(reverse("outreach:log_call", args=[youth.pk]),
                       {"channel": "phone", "outcome": "no_answer"}).status_code == 404
    assert not ContactAttempt.objects.exists()


def test_coordinator_assigns_in_bulk_and_sees_the_load(client, coordinator, coach, make_youth):
    youths = [make_youth() for _ in range(3)]
    make_youth(coach=coach)
    client.force_login(coordinator)
    page = client.get(reverse("outreach:assign"))
    assert page.status_code == 200
    assert {y.pk for y in page.context["page_obj"]} == {y.pk for y in youths}
    assert [c.load for c in page.context["coaches"] if c.pk == coach.pk] == [1]
    response = client.post(reverse("outreach:assign"), {"coach": coach.pk, "youth": [youths[0].pk, youths[1].pk]})
    assert response.status_code == 302
    youths[0].refresh_from_db()
    youths[2].refresh_from_db()
    assert youths[0].coach == coach and youths[2].coach is None
    page = client.get(reverse("outreach:assign"))
    assert [c.load for c in page.context["coaches"] if c.pk == coach.pk] == [3]


def test_assign_page_queries_are_bounded_and_the_queue_is_in_order(client, coordinator, coach, municipality, make_youth,
                                                                   django_assert_max_num_queries):
    from tests.factories import staff

    other = staff(Role.COACH, municipality, username="coach2")
    other.first_name, other.last_name = "Bo", "Andersson"
    other.save()
    queue = [make_youth(entered_days_ago=60 - i) for i in range(55)]
    for _ in range(2):
        make_youth(coach=other)
    client.force_login(coordinator)
    url = reverse("outreach:assign")
    client.get(url)
    # Session, user, memberships, the coaches, their loads, the queue's ids (with the count), its rows, the
    # session's update (in a savepoint), the audit entries.
    with django_assert_max_num_queries(11):
        first = client.get(url)
    assert [y.pk for y in first.context["page_obj"]] == [y.pk for y in queue[:50]]
    assert first.context["page_obj"].count == 55
    body = first.content.decode()
    assert "55 youths without a coach" in body and ">Bo Andersson (2)</option>" in body
    with django_assert_max_num_queries(11):
        second = client.get(url, {"page": 2})
    assert [y.pk for y in second.context["page_obj"]] == [y.pk for y in queue[50:]]
    assert {c.pk: (c.name, c.load) for c in first.context["coaches"]} == {other.pk: ("Bo Andersson", 2),
                                                                           coach.pk: (str(coach), 0)}


def test_assign_refuses_a_coach_outside_the_list(client, coordinator, make_youth):
    from tests.factories import MunicipalityFactory, staff

    youth = make_youth()
    stranger = staff(Role.COACH, MunicipalityFactory(code="0999", name="Annanstans"), username="stranger")
    client.force_login(coordinator)
    response = client.post(reverse("outreach:assign"), {"coach": stranger.pk, "youth": [youth.pk]})
    assert response.status_code == 200
    youth.refresh_from_db()
    assert youth.coach is None


def test_assign_without_youths_shows_an_error(client, coordinator, coach, make_youth):
    make_youth()
    client.force_login(coordinator)
    response = client.post(reverse("outreach:assign"), {"coach": coach.pk})
    assert response.status_code == 200 and "Choose at least one youth" in response.content.decode()


def test_coach_cannot_assign_or_edit_chains(client, coach):
    client.force_login(coach)
    assert client.get(reverse("outreach:assign")).status_code == 403
    assert client.get(reverse("outreach:overview")).status_code == 403
    assert client.get(reverse("outreach:chain_list")).status_code == 403


def test_overview_counts(client, coordinator, coach, make_youth, django_assert_max_num_queries):
    make_youth()
    make_youth(coach=coach, entered_days_ago=40)
    reply = make_youth(coach=coach, entered_days_ago=1)
    YouthEvent.objects.create(youth=reply, kind="outreach.reply", data={"kind": "contact"})
    client.force_login(coordinator)
    client.get(reverse("outreach:overview"))
    # The session, the user, the memberships, the chain, one GROUP BY, the coaches' names, the session's
    # save (in a savepoint in a test): however many youths.
    with django_assert_max_num_queries(9) as queries:
        response = client.get(reverse("outreach:overview"))
    # The GROUP BY reads the outreach memo's rows alone (they carry the access fields): no youth row.
    assert not [q["sql"] for q in queries.captured_queries if "register_youth" in q["sql"]]
    data = response.context["data"]
    assert data["total"] == 3 and data["unassigned"] == 1 and data["replies"] == 1
    assert [row["count"] for row in data["overdue_by_coach"] if row["coach"] == coach] == [1]


def test_start_pages_show_counts(client, coordinator, coach, make_youth):
    make_youth(coach=coach, entered_days_ago=30)
    client.force_login(coach)
    assert 'data-testid="dash-worklist"' in client.get(reverse("core:home")).content.decode()
    client.force_login(coordinator)
    assert 'data-testid="dash-overview"' in client.get(reverse("core:home")).content.decode()


def test_administrator_edits_the_chain(client, administrator, municipality):
    client.force_login(administrator)
    assert client.get(reverse("outreach:chain_list")).status_code == 200
    response = client.post(reverse("outreach:chain_list"), {"municipality": municipality.pk, "preset": "nykoping"})
    chain = ContactChain.objects.get(municipality=municipality, is_active=True)
    assert chain.preset == "nykoping" and response.url == reverse("outreach:chain_detail", args=[chain.pk])
    assert client.get(response.url).status_code == 200
    step = chain.steps.get(code="letter")
    url = reverse("outreach:step_edit", args=[chain.pk, step.pk])
    assert client.get(url).status_code == 200
    data = {"order": step.order, "code": "letter", "name": "Brev", "channels": ["letter", "postcard"],
            "completion": "attempts", "anchor": "assigned", "anchor_step": "", "offset_days": 10, "offset_months": "",
            "applies_to": "always", "until_contact": "on", "repetitions": 1, "min_evening": 0,
            "letter_template": "nykoping_letter", "instructions": ""}
    assert client.post(url, data).status_code == 302
    step.refresh_from_db()
    assert step.offset_days == 10 and step.channels == "letter postcard"
    bad = client.post(url, {**data, "anchor": "step", "anchor_step": "nope"})
    assert bad.status_code == 200 and bad.context["form"].errors["anchor_step"]
    # A new step gets its code from its name; nobody types a code.
    new = client.post(reverse("outreach:step_new", args=[chain.pk]), {**data, "name": "Vykort", "order": 99})
    assert new.status_code == 302 and chain.steps.filter(code="vykort", name="Vykort").exists()
    again = client.post(reverse("outreach:step_new", args=[chain.pk]), {**data, "name": "Vykort"})
    assert again.status_code == 302 and chain.steps.filter(code="vykort-2").exists()
    client.post(reverse("outreach:step_delete", args=[chain.pk, chain.steps.get(code="vykort").pk]))
    assert not ChainStep.objects.filter(chain=chain, code="vykort").exists()


def test_youth_section_context_and_forms(client, coach, coordinator, make_youth):
    youth = make_youth(coach=coach, entered_days_ago=5)
    ctx = youth_section_context(coach, youth)
    assert [s.code for s in ctx["state"].steps][:3] == ["social_services_check", "letter", "phone"]
    client.force_login(coach)
    for name in ("contact_new", "refusal_new", "meeting_new", "concern_new"):
        assert client.get(reverse(f"outreach:{name}", args=[youth.pk])).status_code == 200
    today = timezone.localdate()
    response = client.post(reverse("outreach:meeting_new", args=[youth.pk]),
                           {"date": today + datetime.timedelta(days=3), "time": "14:00", "place": "home"})
    assert response.status_code == 200 and response.context["form"].errors["colleague"]
    response = client.post(reverse("outreach:meeting_new", args=[youth.pk]),
                           {"date": today + datetime.timedelta(days=3), "time": "14:00", "place": "home",
                            "colleague": coordinator.pk})
    assert response.status_code == 302
    response = client.post(reverse("outreach:contact_new", args=[youth.pk]),
                           {"date": today, "time": "00:01", "channel": "letter", "outcome": "sent"})
    assert response.status_code == 302
    client.post(reverse("outreach:step_done", args=[youth.pk]), {"step": "social_services_check"})
    state = youth_section_context(coach, youth)["state"]
    assert state.status == "reached" and state.step("social_services_check").done and state.step("letter").done
    html = client.get(reverse("register:youth_detail", args=[youth.pk])).content.decode()
    if 'data-testid="outreach-section"' not in html:
        pytest.skip("the youth page does not render app sections yet")
