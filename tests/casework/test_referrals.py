"""Partners and referrals (issue 12 item 8): the municipality's partners, kept by the coordinator; a
referral of a youth to a partner and its answer, refused without a valid consent naming the partner.
The case stays with the coach."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kaa.audit.models import AuditEntry
from kaa.casework import selectors, services
from kaa.casework.models import Consent, Partner, Referral, ReferralStatus
from kaa.organisations.models import Municipality
from kaa.register.models import YouthEvent
from tests.factories import MunicipalityFactory

from .conftest import days

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def url(name, youth, **kwargs):
    return reverse(f"casework:{name}", kwargs={"pk": youth.pk, **kwargs})


def partner(municipality, name="Arbetsförmedlingen"):
    return Partner.objects.get(municipality=municipality, name=name)


def test_a_new_municipality_starts_with_the_default_partners():
    municipality = Municipality.objects.create(code="0999", name="Provkommun")
    names = set(Partner.objects.filter(municipality=municipality).values_list("name", flat=True))
    assert {"Arbetsförmedlingen", "Socialtjänsten", "Försäkringskassan", "Folkhögskolan",
            "Arbetsmarknadsenheten"} <= names
    assert services.partners_seed(municipality=municipality) == []  # once only


def test_consent_matching_is_by_the_partner_picked_from_the_list(youth, coach, municipality):
    af = partner(municipality)
    fk = partner(municipality, "Försäkringskassan")
    picked = services.consent_record(youth=youth, user=coach, partner_org=af, purpose="Praktik",
                                     valid_from=today() - days(5))
    assert picked.partner == "Arbetsförmedlingen" and picked.partner_org == af
    assert selectors.consent_valid(youth=youth, partner=af) == picked
    assert selectors.consent_valid(youth=youth, partner=fk) is None
    # Renamed, the partner is still the one consented to.
    af.name = "Arbetsförmedlingen Nyköping"
    af.save()
    assert selectors.consent_valid(youth=youth, partner=af) == picked
    # A consent written as text names the partner of that name, and no picked partner is matched by text.
    text = services.consent_record(youth=youth, user=coach, partner="  försäkringskassan ", purpose="Utredning",
                                   valid_from=today())
    assert selectors.consent_valid(youth=youth, partner=fk) == text
    assert selectors.consent_valid(youth=youth, partner="Arbetsförmedlingen") is None
    # A partner of another municipality is never matched.
    elsewhere = Partner.objects.filter(municipality=MunicipalityFactory(code="0765", name="Älmhult"),
                                       name="Arbetsförmedlingen").first()
    assert selectors.consent_valid(youth=youth, partner=elsewhere) is None


def test_a_referral_without_a_valid_consent_is_refused_naming_the_consent(youth, coach, municipality):
    af = partner(municipality)
    with pytest.raises(ValidationError) as refused:
        services.referral_add(youth=youth, user=coach, partner=af, purpose="Praktik")
    assert "consent" in refused.value.message_dict["partner"][0]
    assert "Arbetsförmedlingen" in refused.value.message_dict["partner"][0]
    # A withdrawn consent, or one for another partner, does not do either.
    consent = services.consent_record(youth=youth, user=coach, partner_org=af, purpose="x",
                                      valid_from=today() - days(10))
    services.consent_record(youth=youth, user=coach, partner_org=partner(municipality, "Socialtjänsten"),
                            purpose="x", valid_from=today() - days(10))
    services.consent_withdraw(consent=consent, user=coach, on=today() - days(2))
    with pytest.raises(ValidationError):
        services.referral_add(youth=youth, user=coach, partner=af, purpose="Praktik")
    # ...but a referral dated while it was valid is made.
    referral = services.referral_add(youth=youth, user=coach, partner=af, purpose="Praktik",
                                     referred_on=today() - days(3))
    assert referral.consent == consent and referral.status == ReferralStatus.SENT
    assert not Referral.objects.filter(referred_on=today()).exists()


def test_referral_and_answer_write_events_and_audit_and_the_case_stays(youth, coach, municipality):
    af = partner(municipality)
    services.consent_record(youth=youth, user=coach, partner_org=af, purpose="Praktik", valid_from=today())
    referral = services.referral_add(youth=youth, user=coach, partner=af, purpose="Arbetsträning")
    event = YouthEvent.objects.get(youth=youth, kind="casework.referral")
    assert event.data == {"referral_id": referral.pk, "partner_id": af.pk, "consent_id": referral.consent_id}
    assert AuditEntry.objects.filter(object_type="referral", object_id=str(referral.pk), action="create",
                                     youth_id=youth.pk).exists()
    with pytest.raises(ValidationError) as early:
        services.referral_answer(referral=referral, user=coach, status="accepted", answered_on=today() - days(1))
    assert "answered_on" in early.value.message_dict
    with pytest.raises(ValidationError):
        services.referral_answer(referral=referral, user=coach, status="sent")
    services.referral_answer(referral=referral, user=coach, status="accepted", note="Start på måndag")
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.answered_on == today() and referral.answered_by == coach
    assert YouthEvent.objects.get(youth=youth, kind="casework.referral_answered").data == {
        "referral_id": referral.pk, "status": "accepted"}
    assert "Start" not in str(YouthEvent.objects.filter(youth=youth).values_list("data", flat=True))
    assert AuditEntry.objects.filter(object_type="referral", action="update").exists()
    youth.refresh_from_db()
    assert youth.coach == coach and youth.case.status == "open"


def test_who_may_refer(youth, coach, counsellor, coordinator, municipality):
    af = partner(municipality)
    services.consent_record(youth=youth, user=coach, partner_org=af, purpose="Praktik", valid_from=today())
    with pytest.raises(PermissionDenied):
        services.referral_add(youth=youth, user=counsellor, partner=af, purpose="x")
    referral = services.referral_add(youth=youth, user=coordinator, partner=af, purpose="x")
    with pytest.raises(PermissionDenied):
        services.referral_answer(referral=referral, user=counsellor, status="done")


def test_new_referral_from_the_youth_page_in_three_clicks(client, youth, coach, municipality):
    af = partner(municipality)
    client.force_login(coach)
    page = client.get(reverse("register:youth_detail", args=[youth.pk])).content.decode()
    assert 'data-testid="case-referrals"' in page and url("referral_new", youth) in page
    form = client.get(url("referral_new", youth))
    assert form.status_code == 200
    # Without a consent: the form comes back with the Swedish-translatable message and a link to record it.
    refused = client.post(url("referral_new", youth), {"partner": af.pk, "purpose": "Praktik",
                                                       "referred_on": today().isoformat()})
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "There is no valid consent to share information with Arbetsförmedlingen" in body
    assert f"{url('consent_new', youth)}?partner={af.pk}" in body
    assert not Referral.objects.exists()
    consent_form = client.get(f"{url('consent_new', youth)}?partner={af.pk}").content.decode()
    assert f'<option value="{af.pk}" selected>' in consent_form
    client.post(url("consent_new", youth), {"partner_org": af.pk, "purpose": "Praktik",
                                            "valid_from": today().isoformat(), "given_by": "youth"})
    assert Consent.objects.get(youth=youth).partner_org == af
    done = client.post(url("referral_new", youth), {"partner": af.pk, "purpose": "Praktik",
                                                    "referred_on": today().isoformat()})
    assert done.status_code == 302
    referral = Referral.objects.get(youth=youth)
    page = client.get(reverse("register:youth_detail", args=[youth.pk])).content.decode()
    assert "Praktik" in page and url("referral_answer", youth, referral_pk=referral.pk) in page
    assert "Referred to a partner" in page  # on the youth's timeline
    answered = client.post(url("referral_answer", youth, referral_pk=referral.pk),
                           {"status": "done", "answered_on": today().isoformat(), "note": "Klart"})
    assert answered.status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == "done"


def test_counsellor_reads_referrals_but_cannot_refer(client, youth, coach, counsellor, municipality):
    af = partner(municipality)
    services.consent_record(youth=youth, user=coach, partner_org=af, purpose="Praktik", valid_from=today())
    referral = services.referral_add(youth=youth, user=coach, partner=af, purpose="Utredning hos AF")
    client.force_login(counsellor)
    page = client.get(reverse("register:youth_detail", args=[youth.pk])).content.decode()
    assert "Utredning hos AF" in page and url("referral_new", youth) not in page
    assert client.get(url("referral_new", youth)).status_code == 403
    assert client.get(url("referral_answer", youth, referral_pk=referral.pk)).status_code == 403


def test_referral_pages_are_404_for_a_coach_of_another_team_and_another_municipality(
        client, youth, coach, municipality, other_team_coach, elsewhere_coordinator):
    af = partner(municipality)
    services.consent_record(youth=youth, user=coach, partner_org=af, purpose="Praktik", valid_from=today())
    referral = services.referral_add(youth=youth, user=coach, partner=af, purpose="x")
    addresses = [url("referral_new", youth), url("referral_answer", youth, referral_pk=referral.pk)]
    for user in (other_team_coach, elsewhere_coordinator):
        client.force_login(user)
        for address in addresses:
            assert client.get(address).status_code == 404, address
            assert client.post(address, {"partner": af.pk, "purpose": "x", "referred_on": today().isoformat(),
                                         "status": "declined", "answered_on": today().isoformat()}
                               ).status_code == 404, address
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT
    # Another municipality's coordinator cannot open this municipality's partners either.
    assert client.get(reverse("casework:partner_edit", args=[af.pk])).status_code == 404


def test_the_coordinator_keeps_the_partners(client, coordinator, coach, municipality):
    client.force_login(coordinator)
    listing = client.get(reverse("casework:partner_list")).content.decode()
    assert "Arbetsförmedlingen" in listing and reverse("casework:partner_new") in listing
    response = client.post(reverse("casework:partner_new"), {
        "municipality": municipality.pk, "name": "Psykiatrin", "kind": "health_care",
        "contact": "010-123 45 67", "active": "on"})
    assert response.status_code == 302
    made = Partner.objects.get(municipality=municipality, name="Psykiatrin")
    assert AuditEntry.objects.filter(object_type="partner", object_id=str(made.pk), action="create").exists()
    duplicate = client.post(reverse("casework:partner_new"), {
        "municipality": municipality.pk, "name": "psykiatrin", "kind": "health_care", "active": "on"})
    assert duplicate.status_code == 200 and "already has a partner named" in duplicate.content.decode()
    client.post(reverse("casework:partner_edit", args=[made.pk]), {
        "municipality": municipality.pk, "name": "Psykiatrin", "kind": "health_care", "contact": ""})
    made.refresh_from_db()
    assert not made.active
    assert "Psykiatrin" not in client.get(reverse("casework:partner_list")).content.decode()
    assert "Psykiatrin" in client.get(reverse("casework:partner_list") + "?show=all").content.decode()
    # A coach reads the list but does not keep it.
    client.force_login(coach)
    assert client.get(reverse("casework:partner_list")).status_code == 200
    assert client.get(reverse("casework:partner_new")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.partner_save(partner=Partner(municipality=municipality, name="X"), user=coach)


def test_an_inactive_partner_is_not_offered_and_refused(youth, coach, municipality):
    af = partner(municipality)
    services.consent_record(youth=youth, user=coach, partner_org=af, purpose="Praktik", valid_from=today())
    Partner.objects.filter(pk=af.pk).update(active=False)
    af.refresh_from_db()
    assert af not in selectors.partner_choices(youth=youth)
    with pytest.raises(ValidationError):
        services.referral_add(youth=youth, user=coach, partner=af, purpose="x")


def test_the_partner_list_is_paginated_with_bounded_queries(client, coordinator, municipality,
                                                            django_assert_max_num_queries):
    Partner.objects.bulk_create([Partner(municipality=municipality, name=f"Partner {i}") for i in range(70)])
    client.force_login(coordinator)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("casework:partner_list") + "?page=2")
    assert response.status_code == 200
