"""Objects of other apps that URL parameters point at, made once per fixture world.

Each builder takes the world and returns the object (cached in the world, so every role requests
the same URL). Used by KWARGS in expected.py; add one when a URL needs an object of a new kind.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone


def _cached(key: str, make: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def build(world) -> Any:
        if key not in world.objects:
            world.objects[key] = make(world)
        return world.objects[key]

    return build


def _chain(world):
    from kaa.outreach.models import ContactChain

    existing = ContactChain.objects.filter(municipality=world["municipality"]).first()
    return existing or ContactChain.objects.create(municipality=world["municipality"], name="Testrutin")


def _step(world):
    from kaa.outreach.models import ChainStep

    existing = ChainStep.objects.filter(chain=chain(world)).first()
    return existing or ChainStep.objects.create(chain=chain(world), code="letter", name="Brev", channels="letter")


def _concern(world):
    from kaa.outreach.models import ConcernReport

    return ConcernReport.objects.create(youth=world["youth"], sent_on=timezone.localdate(), by=world["coach"])


def _template(world):
    from kaa.messaging.models import LetterTemplate, LetterTemplateVersion

    template, _created = LetterTemplate.objects.get_or_create(municipality=world["municipality"],
                                                             code="letter_intro")
    if not template.versions.exists():
        LetterTemplateVersion.objects.create(template=template, number=1, title="Hej", body="Hej!")
    return template


def _batch(world):
    from kaa.messaging.models import LetterBatch

    return LetterBatch.objects.create(municipality=world["municipality"],
                                      template_version=template(world).current_version(),
                                      created_by=world["coordinator"], youth_count=0)


def _import_run(world):
    from kaa.imports.models import ImportRun

    return ImportRun.objects.create(kind="population", municipality=world["municipality"],
                                    user=world["coordinator"], status="succeeded",
                                    finished_at=timezone.now(), as_of=datetime.date(2026, 1, 1))


chain = _cached("chain", _chain)
step = _cached("step", _step)
concern = _cached("concern", _concern)
template = _cached("template", _template)
batch = _cached("batch", _batch)
import_run = _cached("import_run", _import_run)


def _reply_code(world):
    from kaa.messaging.codes import hash_code, new_code
    from kaa.messaging.models import ReplyCode

    code = new_code()
    ReplyCode.objects.create(youth=world["youth"], code_hash=hash_code(code),
                             expires_at=timezone.now() + datetime.timedelta(days=30))
    return code


reply_code = _cached("reply_code", _reply_code)


# --- Case work (kaa.casework) ---------------------------------------------------------------------

def _measure(world):
    from kaa.casework.models import ActionPlan, Measure

    plan, _created = ActionPlan.objects.get_or_create(youth=world["youth"])
    return Measure.objects.create(plan=plan, youth=world["youth"], code="syv", start=timezone.localdate())


def _consent(world):
    from kaa.casework.models import Consent

    return Consent.objects.create(youth=world["youth"], partner="Arbetsförmedlingen", purpose="Praktik",
                                  valid_from=timezone.localdate(), given_by="youth")


def _journal_entry(world):
    from kaa.casework.models import JournalEntry

    return JournalEntry.objects.create(youth=world["youth"], text="Samtal", occurred_on=timezone.localdate(),
                                       author=world["coach"])


def _activity(world):
    from kaa.casework.models import Activity

    return Activity.objects.create(municipality=world["municipality"], title="Steg1",
                                   measure_code="regelbundna_samtal")


def _partner(world):
    from kaa.casework.models import Partner

    return Partner.objects.get_or_create(municipality=world["municipality"], name="Arbetsförmedlingen",
                                         defaults={"kind": "employment_service"})[0]


def _referral(world):
    from kaa.casework.models import Referral

    return Referral.objects.create(youth=world["youth"], partner=partner(world), purpose="Praktik",
                                   referred_on=timezone.localdate(), consent=consent(world))


measure = _cached("measure", _measure)
consent = _cached("consent", _consent)
journal_entry = _cached("journal_entry", _journal_entry)
activity = _cached("activity", _activity)
partner = _cached("partner", _partner)
referral = _cached("referral", _referral)


# --- Reports (kaa.reporting) ----------------------------------------------------------------------

def _code(world):
    from kaa.casework.codes import ensure_default_codes
    from kaa.casework.models import Code

    ensure_default_codes()
    return Code.objects.get(kind="measure", code="syv")


code = _cached("code", _code)


# --- Board reports (kaa.reporting) ----------------------------------------------------------------

def _board_report(world):
    from weasyprint import HTML

    from kaa.core.tabular import xlsx_bytes
    from kaa.reporting.models import BoardReport

    # Real files: walks over every URL (tests/casework/test_confidential.py) read what they download.
    return BoardReport.objects.create(municipality=world["municipality"], kind="month", period="2026-01",
                                      pdf=HTML(string="<p>Månadsstatistik</p>").write_pdf(),
                                      xlsx=xlsx_bytes([["Månadsstatistik"]]), checksum="0" * 64)


board_report = _cached("board_report", _board_report)


# Meetings (kaa.meetings)

def _case_review(world):
    from kaa.meetings.models import CaseReview

    return CaseReview.objects.create(team=world["team"], held_on=timezone.localdate(), created_by=world["coach"])


def _meeting(world):
    from kaa.meetings.models import Meeting

    meeting = Meeting.objects.create(municipality=world["municipality"], held_on=timezone.localdate(),
                                     agenda="Ungdomar vi inte nått", created_by=world["coordinator"])
    meeting.partners.set([partner(world)])
    return meeting


def _follow_up(world):
    from kaa.meetings.models import FollowUp

    return FollowUp.objects.create(meeting=meeting(world), text="Bjud in Fontänhuset", responsible="Samordnaren",
                                   due_on=timezone.localdate() + datetime.timedelta(days=14))


case_review = _cached("case_review", _case_review)
meeting = _cached("meeting", _meeting)
follow_up = _cached("follow_up", _follow_up)
# --- Hand-over (kaa.handover) ---------------------------------------------------------------------

def _transfer(world):
    from kaa.handover.models import Transfer
    from kaa.organisations.models import Municipality

    other = Municipality.objects.get_or_create(code="0488", defaults={"name": "Trosa"})[0]
    return Transfer.objects.create(youth=world["youth"], from_municipality=world["municipality"],
                                   to_municipality=other, created_by=world["coordinator"])


def _fraktsedel(world):
    from kaa.handover.models import Fraktsedel

    return Fraktsedel.objects.create(youth=world["youth"], municipality=world["municipality"], transition="partner",
                                     recipient_organisation="Arbetsförmedlingen", sections=["about_me"],
                                     content=[{"key": "about_me", "title": "Om mig", "items": []}],
                                     given_on=timezone.localdate(), consent=consent(world))


transfer = _cached("transfer", _transfer)
fraktsedel = _cached("fraktsedel", _fraktsedel)
# --- Preventive work (kaa.prevention) -------------------------------------------------------------

def _early_signal(world):
    from kaa.register.models import EarlySignal
    from tests.factories import make_personnummer

    return EarlySignal.objects.create(
        municipality=world["municipality"], personnummer=make_personnummer(datetime.date(2011, 4, 2), 11),
        given_name="Elsa", family_name="Exempel", school_unit_name="Centralskolan", concern="Frånvaro",
        consent=True, consent_by="guardian", reported_by=world["school_staff"])


def _attendance_signal(world):
    from kaa.prevention.models import AttendanceSignal
    from tests.factories import make_personnummer

    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    return AttendanceSignal.objects.create(
        municipality=world["municipality"], personnummer=make_personnummer(datetime.date(2011, 5, 3), 12),
        first_week=monday - datetime.timedelta(weeks=2), last_week=monday, weeks=3, average_unexcused=30)


def _preventive_case(world):
    """Opened by the study counsellor, who named the coach: the coordinator is not among them (404)."""
    from kaa.prevention.services import preventive_case_open, preventive_worker_add

    case = preventive_case_open(
        user=world["study_counsellor"], municipality_id=world["municipality"].pk,
        personnummer=early_signal(world).personnummer, given_name="Elsa", family_name="Exempel", stage="year_9",
        consent=True, consent_by="guardian", consent_on=timezone.localdate())
    preventive_worker_add(case=case, user=world["study_counsellor"], colleague=world["coach"])
    return case


early_signal = _cached("early_signal", _early_signal)
attendance_signal = _cached("attendance_signal", _attendance_signal)
preventive_case = _cached("preventive_case", _preventive_case)
def _wheel_task(world):
    from kaa.reporting.models import WheelTask

    existing = WheelTask.objects.filter(municipality=world["municipality"]).first()
    return existing or WheelTask.objects.create(municipality=world["municipality"], title="Styrgrupp",
                                                kind="monthly", anchor=timezone.localdate(), months="2,9")


wheel_task = _cached("wheel_task", _wheel_task)
