"""Issue 10, a coach's day: the youth's reply where the coach acts, guardians decided today, the contact
form's defaults, the quick call and home visit with their counters, and the tel: links."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kaa.audit.models import AuditEntry
from kaa.outreach import deadlines, selectors, services
from kaa.outreach.models import ContactAttempt
from kaa.outreach.templatetags.outreach_tags import tel
from kaa.register.models import Guardian, YouthEvent

pytestmark = pytest.mark.django_db

REPLY = {"kind": "meeting", "respondent": "youth", "phone": "073-174 06 99", "best_time": "efter 17",
         "meeting_when": "tisdag eftermiddag", "meeting_where": "biblioteket", "message": "Hej, jag vill träffas."}


def reply(youth, minutes_ago=30, **data):
    return YouthEvent.objects.create(youth=youth, kind="outreach.reply", data={**REPLY, "code_id": 1, **data},
                                     occurred_at=timezone.now() - datetime.timedelta(minutes=minutes_ago))


def done_until_phone(youth, user):
    """Do the Älmhult chain's first two steps, so the phone step is next."""
    for channel in ("social_services_check", "letter"):
        services.contact_record(youth=youth, user=user, channel=channel, outcome="sent",
                                at=timezone.now() - datetime.timedelta(days=1))


def test_tel_filter():
    assert tel("070-174 06 99") == "tel:0701740699"
    assert tel("+46 70 174 06 99") == "tel:+46701740699"
    assert tel("") == "" and tel("okänt") == ""


# --- 1. The reply can be read where the coach acts, with the actions that follow -----------------------

def test_worklist_row_shows_the_reply_and_its_actions(client, coach, make_youth):
    youth = make_youth(coach=coach, phone="070-1111111", family_name="Svarsson")
    reply(youth)
    client.force_login(coach)
    html = client.get(reverse("outreach:worklist")).content.decode()
    row = html[html.index(f'id="work-row-{youth.pk}"'):]
    row = row[:row.index("</tbody>")]
    for text in ("Hej, jag vill träffas.", "efter 17", "tisdag eftermiddag", "biblioteket"):
        assert text in row
    assert 'href="tel:0731740699"' in row and 'href="tel:0701111111"' in row
    assert reverse("outreach:meeting_new", args=[youth.pk]) in row
    assert reverse("outreach:reply_phone", args=[youth.pk]) in row and 'value="073-174 06 99"' in row
    assert reverse("outreach:reply_handled", args=[youth.pk]) in row
    # Showing the reply's content is audited.
    assert AuditEntry.objects.filter(object_type="reply", action="view", youth_id=youth.pk, detail="worklist").exists()


def test_youth_page_shows_the_reply_only_to_those_who_may_see_the_record(client, coach, other_coach, make_youth):
    youth = make_youth(coach=coach)
    reply(youth)
    client.force_login(coach)
    html = client.get(reverse("register:youth_detail", args=[youth.pk])).content.decode()
    assert 'data-testid="reply-panel"' in html and "Hej, jag vill träffas." in html
    assert AuditEntry.objects.filter(object_type="reply", youth_id=youth.pk, detail="youth_page").exists()
    client.force_login(other_coach)
    assert client.get(reverse("register:youth_detail", args=[youth.pk])).status_code == 404
    assert "Hej, jag vill" not in client.get(reverse("outreach:worklist")).content.decode()
    assert not AuditEntry.objects.filter(object_type="reply", user_id=other_coach.pk).exists()


def test_reply_from_a_guardian_offers_no_update_of_the_youths_phone(client, coach, make_youth):
    youth = make_youth(coach=coach, minor=True)
    reply(youth, respondent="guardian")
    client.force_login(coach)
    html = client.get(reverse("outreach:worklist")).content.decode()
    assert "Reply from a guardian" in html and 'href="tel:0731740699"' in html
    assert reverse("outreach:reply_phone", args=[youth.pk]) not in html


def test_update_the_phone_number_with_one_click(client, coach, make_youth):
    youth = make_youth(coach=coach, phone="070-1111111")
    reply(youth)
    client.force_login(coach)
    url = reverse("outreach:reply_phone", args=[youth.pk])
    # Only the number the reply gives is taken.
    assert client.post(url, {"phone": "070-9999999"}).status_code == 302
    youth.refresh_from_db()
    assert youth.phone == "070-1111111"
    response = client.post(url, {"phone": "073-174 06 99", "next": "youth"})
    assert response.url == reverse("register:youth_detail", args=[youth.pk])
    youth.refresh_from_db()
    assert youth.phone == "073-174 06 99"
    assert YouthEvent.objects.filter(youth=youth, kind="outreach.phone_updated").count() == 1
    # The number is on record now: the offer is gone, the reply still waits until handled.
    html = client.get(reverse("outreach:worklist")).content.decode()
    assert url not in html and "Hej, jag vill träffas." in html


def test_mark_handled_covers_the_reply_seen(client, coach, make_youth):
    youth = make_youth(coach=coach)
    seen = reply(youth, minutes_ago=30)
    reply(youth, minutes_ago=1, kind="contact", message="Ring hellre på fredag.")
    client.force_login(coach)
    client.post(reverse("outreach:reply_handled", args=[youth.pk]), {"until": seen.occurred_at.isoformat()})
    state = selectors.state_for(youth)
    assert state.reply_waiting and [r.data["message"] for r in state.replies] == ["Ring hellre på fredag."]


def test_booking_the_meeting_asked_for_shows_the_wish_and_handles_the_reply(client, coach, coordinator, make_youth):
    youth = make_youth(coach=coach)
    reply(youth)
    client.force_login(coach)
    page = client.get(reverse("outreach:meeting_new", args=[youth.pk]))
    html = page.content.decode()
    assert 'data-testid="meeting-wish"' in html and "tisdag eftermiddag" in html
    assert page.context["form"].initial["place_note"] == "biblioteket"
    day = timezone.localdate() + datetime.timedelta(days=5)
    response = client.post(reverse("outreach:meeting_new", args=[youth.pk]),
                           {"date": day, "time": "15:00", "place": "other", "place_note": "biblioteket"})
    assert response.status_code == 302
    assert not selectors.state_for(youth).reply_waiting


# --- 2. Logging a call does not clear a waiting reply ----------------------------------------------------

def test_a_quick_call_to_the_guardian_keeps_the_reply(client, coach, make_youth):
    youth = make_youth(coach=coach, minor=True)
    reply(youth)
    client.force_login(coach)
    client.post(reverse("outreach:log_call", args=[youth.pk]),
                {"channel": "phone", "outcome": "no_answer", "to_guardian": "on"}, HTTP_HX_REQUEST="true")
    assert ContactAttempt.objects.get(youth=youth).to_guardian
    response = client.get(reverse("outreach:worklist"))
    assert response.context["counts"]["reply"] == 1
    assert "tisdag eftermiddag" in response.content.decode()


# --- 3. The guardian is called only while the youth is under 18, on the day of the call ---------------------

def test_an_adult_who_entered_as_a_minor_is_not_a_guardian_call(client, coach, make_youth):
    today = timezone.localdate()
    youth = make_youth(coach=coach, entered_days_ago=120, family_name="Nyss18")
    youth.birth_date = deadlines.add_months(today, -18 * 12) - datetime.timedelta(days=30)  # 17 when entering
    youth.save(update_fields=["birth_date"])
    Guardian.objects.create(youth=youth, name="Förälder", phone="070-2222222")
    done_until_phone(youth, coach)
    client.force_login(coach)
    html = client.get(reverse("outreach:worklist")).content.decode()
    assert "call the youth" in html and "call the guardian" not in html
    assert "070-2222222" not in html  # guardians are no longer the ones to call
    form = client.get(reverse("outreach:log_call_form", args=[youth.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'name="to_guardian"' not in form


def test_a_minor_is_a_guardian_call_with_the_guardians_number(client, coach, make_youth):
    youth = make_youth(coach=coach, entered_days_ago=12, minor=True)
    Guardian.objects.create(youth=youth, name="Förälder", phone="070-2222222")
    done_until_phone(youth, coach)
    client.force_login(coach)
    html = client.get(reverse("outreach:worklist")).content.decode()
    assert "call the guardian" in html and 'href="tel:0702222222"' in html
    form = client.get(reverse("outreach:log_call_form", args=[youth.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert re.search(r'name="to_guardian" value="on" checked', form)


# --- 7. The contact form: no outcome preset, the time defaults to now ---------------------------------------

def test_contact_form_presets_no_outcome_and_defaults_to_now(client, coach, make_youth):
    youth = make_youth(coach=coach)
    client.force_login(coach)
    now = timezone.localtime()  # Europe/Stockholm
    for query in ("", "?channel=phone&to_guardian=1"):
        form = client.get(reverse("outreach:contact_new", args=[youth.pk]) + query).context["form"]
        assert form["outcome"].value() in (None, "")
        assert form.fields["outcome"].required and form.fields["outcome"].choices[0][0] == ""
        assert form["date"].value() == now.date()
        shown = datetime.datetime.combine(now.date(), form["time"].value())
        assert abs((shown - now.replace(tzinfo=None)).total_seconds()) < 120
    html = client.get(reverse("outreach:contact_new", args=[youth.pk]) + "?channel=phone").content.decode()
    assert 'value="phone" selected' in html and not re.search(r'value="reached"[^>]*selected', html)
    response = client.post(reverse("outreach:contact_new", args=[youth.pk]),
                           {"date": timezone.localdate(), "time": "00:01", "channel": "phone"})
    assert response.status_code == 200 and response.context["form"].errors["outcome"]
    assert not ContactAttempt.objects.exists()


# --- The quick call, the home visit in two taps, the counters ------------------------------------------------

def test_quick_call_returns_the_row_with_focus_target_and_counters(client, coach, municipality, make_youth):
    services.chain_install_preset(municipality=municipality, preset="nykoping")
    youth = make_youth(coach=coach, entered_days_ago=3)
    services.youths_assign(youths=[youth], coach=coach, user=coach)  # phone/SMS/e-mail due today
    client.force_login(coach)
    assert client.get(reverse("outreach:worklist")).context["counts"]["today"] == 1
    form = client.get(reverse("outreach:log_call_form", args=[youth.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert form.count("data-kaa-focus") == 1
    response = client.post(reverse("outreach:log_call", args=[youth.pk]), {"channel": "phone", "outcome": "no_answer"},
                           HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert f'id="work-row-{youth.pk}"' in html and 'role="status"' in html and "data-kaa-focus" in html
    counts = html[html.index('id="work-counts"') - 40:]
    assert 'hx-swap-oob="true"' in counts and "Due today: 0" in counts


def test_home_visit_in_two_taps(client, coach, make_youth):
    youth = make_youth(coach=coach, entered_days_ago=20)
    client.force_login(coach)
    worklist = client.get(reverse("outreach:worklist")).content.decode()
    visit_url = reverse("outreach:log_call_form", args=[youth.pk]) + "?channel=home_visit"
    assert visit_url in worklist
    # Tap 1 opens the outcome buttons (inline with htmx, a page of its own without); tap 2 saves.
    page = client.get(visit_url).content.decode()
    assert 'name="channel" value="home_visit"' in page and 'value="message_left"' in page and "hx-post" not in page
    inline = client.get(visit_url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-post" in inline
    response = client.post(reverse("outreach:log_call", args=[youth.pk]),
                           {"channel": "home_visit", "outcome": "message_left"})
    assert response.status_code == 302 and response.url == reverse("outreach:worklist")
    attempt = ContactAttempt.objects.get(youth=youth)
    assert attempt.channel == "home_visit" and attempt.outcome == "message_left" and attempt.source == "worklist"
    state = selectors.state_for(youth)
    assert state.step("home_visit_1").done
    # From the youth page it returns there.
    response = client.post(reverse("outreach:log_call", args=[youth.pk]),
                           {"channel": "home_visit", "outcome": "no_answer", "next": "youth"})
    assert response.url == reverse("register:youth_detail", args=[youth.pk])


def test_worklist_with_replies_and_guardians_keeps_a_bounded_query_count(client, coach, make_youth,
                                                                         django_assert_max_num_queries):
    client.force_login(coach)

    def add(n):
        for i in range(n):
            youth = make_youth(coach=coach, entered_days_ago=i, minor=bool(i % 2))
            Guardian.objects.create(youth=youth, name="Förälder", phone="070-2222222")
            reply(youth)

    add(2)
    client.get(reverse("outreach:worklist"))
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("outreach:worklist"))
    add(30)
    # The first view after a change recomputes the changed youths' snapshots: a fixed number of queries more.
    with django_assert_max_num_queries(len(small.captured_queries) + 2):
        response = client.get(reverse("outreach:worklist"))
    assert response.context["counts"]["reply"] == 32
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("outreach:worklist"))
    assert response.context["counts"]["reply"] == 32
