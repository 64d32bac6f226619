"""The demo: last Friday's case review with decisions, network meetings and a steering group (kaa.demo.meetings)."""

import pytest
from django.utils import timezone

from kaa.casework import due
from kaa.casework.selectors import due_for_user
from kaa.demo.seed import demo_seed
from kaa.meetings.models import CaseReview, FollowUp, Meeting, MeetingKind, MeetingYouth, ReviewDecision

pytestmark = pytest.mark.django_db


def test_demo_has_a_review_and_meetings():
    result = demo_seed(youths=120, seed=4, today=timezone.localdate())
    assert "meetings" in result.hooks_run
    review = CaseReview.objects.get()
    assert review.held_on.weekday() == 4 and review.present.count() == 2
    assert ReviewDecision.objects.filter(review=review).count() >= 3
    assert any(r.item.kind == due.NEXT_STEP for r in due_for_user(user=result.users["coach1"]))
    assert Meeting.objects.filter(kind=MeetingKind.NETWORK).count() == 2
    assert Meeting.objects.filter(kind=MeetingKind.STEERING).count() == 1
    assert MeetingYouth.objects.filter(entry__isnull=False).exists()
    assert FollowUp.objects.count() == 2
    # Every youth on an agenda has a valid consent naming each partner taking part.
    for item in MeetingYouth.objects.select_related("meeting"):
        assert {c.partner_org_id for c in item.consents.all()} >= set(
            item.meeting.partners.values_list("pk", flat=True)
        )
