"""Transfers between municipalities (issue 14, item 4) and case ownership in the access policy."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kaa.accounts.models import Role
from kaa.accounts.policy import case_may_read, case_owner_id, transfer_youth_or_404, youth_or_404
from kaa.casework.models import JournalEntry
from kaa.casework.selectors import journal_for
from kaa.handover import services
from kaa.handover.models import CaseOwnership, TransferStatus
from kaa.handover.selectors import transfer_dashboard, transfers_for
from kaa.register.models import Youth, YouthEvent
from tests.factories import staff


def fresh(youth):
    return Youth.objects.get(pk=youth.pk)


def test_opening_a_case_pins_its_owner(case, municipality):
    row = CaseOwnership.objects.get(youth=case, until__isnull=True)
    assert row.municipality == municipality and row.transfer is None


def test_with_case_needs_consent_naming_the_receiver(case, sender, other):
    with pytest.raises(ValidationError) as exc:
        services.transfer_offer(youth=case, user=sender, to_municipality=other, with_case=True)
    assert "consent" in exc.value.message_dict
    assert "Oxelösund" in exc.value.message_dict["consent"][0]


def test_only_a_coordinator_of_the_owner_offers(case, coach, receiver, other):
    with pytest.raises(PermissionDenied):
        services.transfer_offer(youth=case, user=coach, to_municipality=other, with_case=False)
    with pytest.raises(Http404):
        transfer_youth_or_404(receiver, case.pk)


def test_accept_with_case_moves_case_and_keeps_history(case, sender, receiver, other, municipality, consent_to_other):
    transfer = services.transfer_offer(youth=case, user=sender, to_municipality=other, with_case=True)
    # Until accepted: the sender keeps responsibility, the receiver reads nothing, both see it.
    assert case_may_read(sender, fresh(case)) and not youth_or_404_ok(receiver, case)
    assert transfer_dashboard(receiver)["incoming"] == [transfer]
    assert transfer_dashboard(sender)["outgoing"] == [transfer]

    services.transfer_accept(transfer=transfer, user=receiver)
    youth = fresh(case)
    assert youth.municipality == other and youth.coach is None and youth.team is None
    assert case_owner_id(youth) == other.pk and case_may_read(receiver, youth)
    texts = [e.text for e in journal_for(user=receiver, youth=youth)]
    assert texts == ["Träffades på biblioteket."]  # the confidential entry never moves
    assert JournalEntry.objects.filter(youth=youth, confidential=True).count() == 1
    # The sender reads none of the case records any longer.
    assert not youth_or_404_ok(sender, case) and not case_may_read(sender, youth)
    owners = list(CaseOwnership.objects.filter(youth=youth).order_by("since", "pk"))
    assert [o.municipality_id for o in owners] == [municipality.pk, other.pk]
    assert owners[0].until is not None and owners[1].transfer == transfer
    assert YouthEvent.objects.filter(youth=youth, kind="handover.transfer_accepted").exists()
    assert transfer_dashboard(receiver)["incoming"] == []


def youth_or_404_ok(user, youth) -> bool:
    try:
        youth_or_404(user, youth.pk)
    except Http404:
        return False
    return True


def test_without_consent_only_register_facts_move(case, sender, receiver, other, municipality):
    transfer = services.transfer_offer(youth=case, user=sender, to_municipality=other, with_case=False)
    services.transfer_accept(transfer=transfer, user=receiver)
    youth = fresh(case)
    assert youth.municipality == other and youth_or_404_ok(receiver, youth)  # the register record moved
    assert case_owner_id(youth) == municipality.pk and not case_may_read(receiver, youth)
    assert not journal_for_ok(receiver, youth)


def journal_for_ok(user, youth) -> bool:
    return case_may_read(user, youth) and journal_for(user=user, youth=youth).exists()


def test_population_move_does_not_hand_over_the_case(case, receiver, other, sender):
    """A population file moves the youth's register record (as imports do); the case stays the sender's."""
    Youth.objects.filter(pk=case.pk).update(municipality=other, coach=None, team=None)
    youth = fresh(case)
    assert youth_or_404_ok(receiver, youth) and not case_may_read(receiver, youth)
    # The sending coordinator still offers it from the case they hold.
    assert transfer_youth_or_404(sender, youth.pk) == youth


def test_reject_needs_reason_and_revoke_by_sender(case, sender, receiver, other):
    transfer = services.transfer_offer(youth=case, user=sender, to_municipality=other, with_case=False)
    with pytest.raises(ValidationError):
        services.transfer_reject(transfer=transfer, user=receiver, reason=" ")
    with pytest.raises(PermissionDenied):
        services.transfer_revoke(transfer=transfer, user=receiver)
    with pytest.raises(PermissionDenied):
        services.transfer_accept(transfer=transfer, user=sender)
    services.transfer_reject(transfer=transfer, user=receiver, reason="Flyttar inte hit ändå.")
    transfer.refresh_from_db()
    assert (
        transfer.status == TransferStatus.REJECTED
        and fresh(case).municipality_id == sender.memberships.get().municipality_id
    )
    again = services.transfer_offer(youth=case, user=sender, to_municipality=other, with_case=False)
    services.transfer_revoke(transfer=again, user=sender)
    again.refresh_from_db()
    assert again.status == TransferStatus.REVOKED
    with pytest.raises(ValidationError):
        services.transfer_accept(transfer=again, user=receiver)


def test_one_open_transfer_at_a_time(case, sender, other):
    services.transfer_offer(youth=case, user=sender, to_municipality=other, with_case=False)
    with pytest.raises(ValidationError):
        services.transfer_offer(youth=case, user=sender, to_municipality=other, with_case=False)


def test_lists_are_scoped_to_the_callers_municipalities(case, sender, receiver, other, coach):
    transfer = services.transfer_offer(youth=case, user=sender, to_municipality=other, with_case=False)
    assert list(transfers_for(user=receiver, direction="incoming")) == [transfer]
    assert list(transfers_for(user=receiver, direction="outgoing")) == []
    assert list(transfers_for(user=sender, direction="outgoing")) == [transfer]
    stranger = staff(Role.COORDINATOR, type(other).objects.create(code="0482", name="Trosa"), username="trosa")
    assert list(transfers_for(user=stranger)) == [] and list(transfers_for(user=coach)) == []


# --- Item 7: a regional user sees each municipality's cases through their role there ---------------------


def test_regional_user_sees_each_municipality_through_their_role_there(case, municipality, other, coach):
    from kaa.accounts.models import Membership
    from kaa.accounts.policy import case_may_write, visible_youths
    from tests.factories import YouthFactory

    regional = staff(Role.COORDINATOR, municipality, username="regional")
    Membership.objects.create(user=regional, municipality=other, role=Role.TEACHER)
    theirs = YouthFactory(municipality=other)  # in Oxelösund, not assigned to the regional user
    assigned = YouthFactory(municipality=other, coach=regional)
    seen = set(visible_youths(regional).values_list("pk", flat=True))
    assert case.pk in seen and assigned.pk in seen and theirs.pk not in seen
    # In Nyköping as coordinator: the whole case; in Oxelösund as teacher: read and contribute only.
    assert case_may_write(regional, fresh(case))
    assert case_may_read(regional, assigned) and not case_may_write(regional, assigned)
