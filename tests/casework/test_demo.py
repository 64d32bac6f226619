"""The demo: case work in every stage for the reached demo youths (kaa.demo.casework via the seed's hook)."""

import pytest
from django.utils import timezone

from kaa.casework import selectors
from kaa.casework.models import Activity, Evaluation, JournalEntry, Mapping, Measure, Referral
from kaa.demo.casework import summary
from kaa.demo.seed import demo_seed
from kaa.register.models import Youth

pytestmark = pytest.mark.django_db


def test_demo_has_case_work_in_every_stage():
    result = demo_seed(youths=120, seed=4, today=timezone.localdate())
    assert "casework" in result.hooks_run
    made = summary(result.municipality)
    assert made["open"] > 0 and made["declined"] > 0 and made["closed"] > 0 and made["activities"] >= 10
    assert Mapping.objects.filter(version=2).exists()
    assert Measure.objects.filter(declined=True).exists() and Measure.objects.filter(waiting=True).exists()
    assert Measure.objects.exclude(end_reason="").exists() and Evaluation.objects.filter(kind="after").exists()
    assert JournalEntry.objects.filter(confidential=True).exists()
    # A newcomer sees a closing proposal waiting for a coach: the register says the youth started a programme.
    coach = result.users["coach1"]
    proposals = []
    for youth in Youth.objects.filter(case__status="open", in_target_group=False).select_related("municipality"):
        view = selectors.youth_case(youth.coach, youth)
        if view.proposal and not view.proposal.ukaa:
            proposals.append(view.proposal_reason)
    assert "paborjat_utbildning" in proposals
    assert selectors.due_for_user(user=coach), "coach1's start page lists due case work"
    # The bank shows what is used and what has been unused for a year.
    bank = list(selectors.activities(user=result.users["samordnare"]))
    assert any(selectors.activity_is_unused(a) for a in bank) and any(a.last_used for a in bank)
    assert Activity.objects.filter(municipality=result.municipality).count() == made["activities"]
    # Partners and referrals: the demo municipality has its partners, and referrals with answers.
    assert made["partners"] >= 8 and made["referrals"] > 0
    referrals = Referral.objects.filter(youth__municipality=result.municipality)
    assert referrals.filter(status="sent").exists() and referrals.filter(status="done").exists()
    assert all(r.consent.partner_org_id == r.partner_id for r in referrals.select_related("consent"))
