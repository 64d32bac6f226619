"""The two contact chains that ship (DOMAIN.md §4): Älmhult (seed 001 §3, the default) and Nyköping
(seed 002, "Kontaktrutin KAA-ungdomar").

Due offsets the seeds leave open, decided here (an administrator can change them per municipality):
- Älmhult: the social-services check and the letter within 2 days of entering the register (the
  list is checked daily); the phone/SMS attempts within 10 days of entry, so they are made before
  home visit 1 (14 days after the letter); home visit 2 14 days after visit 1; the concern report
  5 days after visit 2 (the notice left at visit 2 says five days); the first meeting within 7 days
  of reaching the youth ("as soon as possible"); re-contact after a refusal after the municipality's
  re-contact months (3).
- Nyköping: phone/SMS/e-mail on the day the coach is assigned; a letter and the network check
  after 7 days ("about a week"); the home visit 7 days after the letter; extending the outreach phase
  30 days after assignment ("about a month"); first meeting and re-contact as for Älmhult.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def _step(**fields) -> dict:
    return fields


COMMON_AFTER_CONTACT = [
    _step(code="first_meeting", name=_("Book the first meeting"), channels="", completion="meeting",
         anchor="reached", offset_days=7, until_contact=False),
    _step(code="recontact", name=_("Re-contact after a refusal"), channels="phone sms email letter home_visit",
         anchor="declined", offset_months=None, until_contact=False, guardian_if_minor=False),
]

PRESETS: dict[str, dict] = {
    "almhult": {
        "model": _("the Älmhult model"),
        "steps": [
            _step(code="social_services_check", name=_("Check with social services"),
                 channels="social_services_check", anchor="start", offset_days=2, until_contact=False,
                 instructions=_("Is the youth in an intervention with social services?")),
            _step(code="letter", name=_("Letter to the youth"), channels="letter", anchor="start", offset_days=2,
                 until_contact=False, letter_template="almhult_letter",
                 instructions=_("Sent to every youth, even when phone contact is made.")),
            _step(code="phone", name=_("Phone and SMS"), channels="phone sms", anchor="start", offset_days=10,
                 guardian_if_minor=True, repetitions=4, min_evening=2,
                 instructions=_("Under 18: call the guardian. Up to 4 attempts, at least 2 in the evening.")),
            _step(code="home_visit_1", name=_("Home visit 1"), channels="home_visit", anchor="step",
                 anchor_step="letter", offset_days=14, letter_template="almhult_home_visit",
                 instructions=_("With a field worker and a GPS alarm; leave written information.")),
            _step(code="home_visit_2", name=_("Home visit 2"), channels="home_visit", anchor="step",
                 anchor_step="home_visit_1", offset_days=14, letter_template="almhult_concern_notice",
                 instructions=_("Leave the letter announcing a concern report in 5 days.")),
            _step(code="concern_report", name=_("Concern report to social services"), channels="concern_report",
                 anchor="step", anchor_step="home_visit_2", offset_days=5),
            *COMMON_AFTER_CONTACT,
        ],
    },
    "nykoping": {
        "model": _("the Nyköping model"),
        "steps": [
            _step(code="phone_sms_email", name=_("Phone, SMS or e-mail"), channels="phone sms email",
                 anchor="assigned", offset_days=0, guardian_if_minor=True,
                 instructions=_("As soon as the youth is assigned to you.")),
            _step(code="letter", name=_("Letter"), channels="letter", anchor="assigned", offset_days=7,
                 letter_template="nykoping_letter", instructions=_("After about a week without contact.")),
            _step(code="network_check", name=_("Ask the network"), channels="partner", anchor="assigned",
                 offset_days=7, instructions=_("AF, IM, previous school, youth workers; search registers.")),
            _step(code="home_visit", name=_("Home visit"), channels="home_visit", anchor="step",
                 anchor_step="letter", offset_days=7, letter_template="nykoping_home_visit_note",
                 instructions=_("If no one is home, leave a note and a business card.")),
            _step(code="extend_outreach", name=_("Extend the outreach phase"), channels="", completion="manual",
                 anchor="assigned", offset_days=30,
                 instructions=_("Extend the end date of the outreach phase and note a new try later.")),
            *COMMON_AFTER_CONTACT,
        ],
    },
}


def chain_name(preset: str, municipality: Any) -> str:
    """The name of a municipality's chain made from a preset: the municipality's own, saying which model
    it follows when the preset is another municipality's ("Contact chain of Nyköping (the Älmhult model)")."""
    from .models import Preset

    if str(Preset(preset).label) == municipality.name:
        return str(_("Contact chain of %(municipality)s") % {"municipality": municipality.name})
    return str(_("Contact chain of %(municipality)s (%(model)s)") % {
        "municipality": municipality.name, "model": PRESETS[preset]["model"]})
