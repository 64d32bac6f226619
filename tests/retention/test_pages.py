"""The administrator's thinning page (rules, preview counts, never names), a rule's form (the decision
is needed to switch thinning on; the change is audited), and the youth page's answer to a request for
erasure (when each kind of the youth's data is thinned, under which rule), shown to the coordinator."""

import datetime

import pytest
from django.urls import reverse

from kaa.audit.models import AuditEntry
from kaa.casework.models import Case, CaseStatus, JournalEntry
from kaa.register.models import RegisterPeriod
from kaa.retention.models import DataKind, RetentionRule
from tests.factories import YouthFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_youth(municipality):
    """Out of the target group since mid-2022, case closed 2022-09-01: journal due on 2026-01-01."""
    youth = YouthFactory(
        municipality=municipality,
        in_target_group=False,
        family_name="Gallringsson",
        birth_date=datetime.date(2004, 3, 1),
    )
    RegisterPeriod.objects.create(
        youth=youth,
        municipality=municipality,
        in_target_group=True,
        reason="avbrott",
        valid_from=datetime.date(2022, 1, 10),
        valid_to=datetime.date(2022, 6, 30),
    )
    Case.objects.create(
        youth=youth,
        status=CaseStatus.CLOSED,
        opened_on=datetime.date(2022, 2, 1),
        status_since=datetime.date(2022, 9, 1),
    )
    JournalEntry.objects.create(youth=youth, occurred_on=datetime.date(2022, 2, 3), text="Samtal.")
    return youth


def _edit(municipality, kind=DataKind.CASEWORK):
    return reverse("retention:rule_edit", args=[municipality.pk, kind])


def _values(**changes):
    return {"months": 36, "counted_from": "case_closed", "from_year_end": "on", "decision": "", **changes}


def test_the_page_shows_the_rules_and_the_preview_counts_never_names(
    client, administrator, closed_youth, django_assert_max_num_queries
):
    client.force_login(administrator)
    with django_assert_max_num_queries(40):
        page = client.get(reverse("retention:index"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Gallringsson" not in body and closed_youth.address not in body
    preview = {p.rule.kind: p for p in page.context["preview"]}
    assert preview[DataKind.CASEWORK].youths == 1 and preview[DataKind.CASEWORK].records == 1
    assert 'data-testid="preview-casework"' in body and "1 poster för 1 ungdom" in body


def test_switching_thinning_on_needs_the_decision_and_is_audited(client, administrator, municipality):
    client.force_login(administrator)
    page = client.post(_edit(municipality), _values(enabled="on"))
    assert page.status_code == 200 and "decision" in page.context["form"].errors
    assert not RetentionRule.objects.get(municipality=municipality, kind=DataKind.CASEWORK).enabled

    response = client.post(_edit(municipality), _values(enabled="on", decision="KS 2025/17 §4", months=60))
    assert response.status_code == 302
    rule = RetentionRule.objects.get(municipality=municipality, kind=DataKind.CASEWORK)
    assert (rule.enabled, rule.months, rule.decision, rule.updated_by) == (True, 60, "KS 2025/17 §4", administrator)
    entry = AuditEntry.objects.get(object_type="retention_rule", object_id=str(rule.pk))
    assert entry.fields == ["decision", "enabled", "months"] and entry.municipality_id == municipality.pk


def test_a_kind_is_counted_only_from_an_event_that_fits_it(client, administrator, municipality):
    client.force_login(administrator)
    page = client.post(_edit(municipality, DataKind.IMPORT_RUNS), _values(counted_from="case_closed"))
    assert page.status_code == 200 and "counted_from" in page.context["form"].errors


def test_another_municipalitys_rule_is_404(client, administrator):
    from tests.factories import MunicipalityFactory

    client.force_login(administrator)
    assert client.get(_edit(MunicipalityFactory())).status_code == 404
    assert (
        client.get(
            reverse("retention:rule_edit", args=[administrator.memberships.first().municipality_id, "unknown"])
        ).status_code
        == 404
    )


def test_the_youth_page_answers_an_erasure_request_with_the_rules(
    client, coordinator, coach, closed_youth, municipality
):
    RetentionRule.objects.filter(municipality=municipality, kind=DataKind.CASEWORK).update(
        enabled=True, decision="KS 2025/17 §4"
    )
    url = reverse("register:youth_detail", args=[closed_youth.pk])
    client.force_login(coordinator)
    page = client.get(url)
    body = page.content.decode()
    assert 'data-testid="youth-thinning"' in body
    section = body.split('data-testid="youth-thinning"')[1].split("</section>")[0]
    casework_row = section.split('data-kind="casework"')[1].split("</tr>")[0]
    assert "KS 2025/17 §4" in casework_row and "Vid nästa nattliga körning" in casework_row
    register_row = section.split('data-kind="register_history"')[1].split("</tr>")[0]
    assert "Bevaras" in register_row
    Case.objects.filter(youth=closed_youth).update(status=CaseStatus.OPEN)
    section = client.get(url).content.decode().split('data-testid="youth-thinning"')[1].split("</section>")[0]
    assert "Inte medan ärendet är öppet" in section.split('data-kind="casework"')[1].split("</tr>")[0]
    closed_youth.coach = coach
    closed_youth.save()
    client.force_login(coach)
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="youth-thinning"' not in page.content.decode()
