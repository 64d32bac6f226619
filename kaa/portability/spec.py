"""What a municipality's export holds: the explicit list of tables, per app, and what is left out and why.

Every model of the guarded apps that holds municipality-scoped data is either in ``EXPORTS`` (one file
each) or in ``EXCLUDED`` (with the reason); ``tests/portability/test_spec.py`` fails otherwise, so a
new model is not silently left behind. An app merged later is guarded by adding its label to
``GUARDED_APPS`` and its models to ``EXPORTS``
or ``EXCLUDED`` (docs/portability.md, "Extending the format").
"""

from __future__ import annotations

from dataclasses import dataclass

FORMAT = "kaa-municipality"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MUNICIPALITY_FILE = "municipality.json"
FILES_DIR = "files"  # stored files (letter batches' PDFs), under their storage name

# How a table is loaded by the import.
INSERT = "insert"  # new rows with new ids; every reference is translated
MERGE = "merge"  # installation-wide reference data: matched by its natural key, missing rows added
USERS = "users"  # matched by username, never created (docs/portability.md, "Staff")
INFORMATION = "information"  # exported for the receiving municipality to read, not loaded


@dataclass(frozen=True)
class Table:
    label: str  # the model, "app_label.ModelName"
    file: str
    about: str  # one line for docs/portability.md
    scope: str | None  # the lookup from the model to the municipality's id; None: chosen by the exporter
    mode: str = INSERT
    columns: tuple[str, ...] | None = None  # None: every stored field (its column name)
    key: tuple[str, ...] = ()  # natural key of a MERGE table


# Per app (the order of the documentation; the import orders the tables by their references).
EXPORTS: dict[str, tuple[Table, ...]] = {
    "organisations": (
        Table(
            "organisations.Municipality",
            MUNICIPALITY_FILE,
            "The municipality and its settings (one JSON object).",
            "id",
        ),
        Table("organisations.Team", "teams.csv", "The municipality's teams of coaches.", "municipality_id"),
        Table(
            "organisations.SchoolUnit",
            "school_units.csv",
            "School units named by the municipality's enrolments and school reports, or located in it "
            "(installation-wide: matched by code).",
            None,
            mode=MERGE,
            key=("code",),
        ),
    ),
    "accounts": (
        Table(
            "accounts.User",
            "users.csv",
            "Staff named anywhere in the data or holding a role in the municipality (no passwords).",
            None,
            mode=USERS,
            columns=("id", "username", "first_name", "last_name", "email", "is_active"),
        ),
        Table(
            "accounts.Membership",
            "memberships.csv",
            "Staff roles in the municipality, for the receiving installation to grant again (not loaded).",
            "municipality_id",
            mode=INFORMATION,
        ),
    ),
    "register": (
        Table("register.Youth", "youths.csv", "Youths and their register state.", "municipality_id"),
        Table("register.Guardian", "guardians.csv", "Guardians of a youth.", "youth__municipality_id"),
        Table(
            "register.Enrolment",
            "enrolments.csv",
            "School enrolments (facts from the school data).",
            "youth__municipality_id",
        ),
        Table(
            "register.RegisterPeriod",
            "register_periods.csv",
            "The register's history (in/out periods).",
            "municipality_id",
        ),
        Table("register.SchoolReport", "school_reports.csv", "Schools' reports of pupils leaving.", "municipality_id"),
        Table("register.EarlySignal", "early_signals.csv", "Early signals about pupils at risk.", "municipality_id"),
        Table(
            "register.YouthEvent",
            "youth_events.csv",
            "Each youth's timeline (append-only events; ids in the data are translated, see below).",
            "youth__municipality_id",
        ),
    ),
    "outreach": (
        Table(
            "outreach.ContactChain",
            "contact_chains.csv",
            "The contact chains (current and earlier).",
            "municipality_id",
        ),
        Table("outreach.ChainStep", "chain_steps.csv", "The steps of each contact chain.", "chain__municipality_id"),
        Table("outreach.ContactAttempt", "contact_attempts.csv", "Contact attempts.", "youth__municipality_id"),
        Table("outreach.FirstMeeting", "first_meetings.csv", "First meetings booked.", "youth__municipality_id"),
        Table(
            "outreach.ConcernReport",
            "concern_reports.csv",
            "Concern reports to social services.",
            "youth__municipality_id",
        ),
    ),
    "messaging": (
        Table("messaging.LetterTemplate", "letter_templates.csv", "Letter templates.", "municipality_id"),
        Table(
            "messaging.LetterTemplateVersion",
            "letter_template_versions.csv",
            "Every version of the letters' texts (each letter names the version it was printed from).",
            "template__municipality_id",
        ),
        Table(
            "messaging.LetterBatch",
            "letter_batches.csv",
            "Letter batches printed (their PDFs under files/).",
            "municipality_id",
        ),
        Table(
            "messaging.ReplyCode",
            "reply_codes.csv",
            "Reply codes (SHA-256 of the code, never the code).",
            "youth__municipality_id",
        ),
        Table("messaging.Letter", "letters.csv", "Letters sent to a youth.", "youth__municipality_id"),
    ),
    "casework": (
        Table(
            "casework.Code",
            "code_tables.csv",
            "The code tables (DOMAIN.md §10), every row (installation-wide: matched by list and code).",
            None,
            mode=MERGE,
            key=("kind", "code"),
        ),
        Table("casework.Case", "cases.csv", "Each youth's case (open, declined, closed).", "youth__municipality_id"),
        Table("casework.Closing", "closings.csv", "Closings of a case and their reopening.", "youth__municipality_id"),
        Table("casework.Occupation", "occupations.csv", "The occupation history.", "youth__municipality_id"),
        Table(
            "casework.Mapping", "mappings.csv", "Every version of the mapping conversation.", "youth__municipality_id"
        ),
        Table("casework.ActionPlan", "action_plans.csv", "Action plans.", "youth__municipality_id"),
        Table("casework.Activity", "activities.csv", "The activity bank.", "municipality_id"),
        Table("casework.Measure", "measures.csv", "Measures of the action plans.", "youth__municipality_id"),
        Table(
            "casework.PlanRevision",
            "plan_revisions.csv",
            "Kept versions of the action plans.",
            "plan__youth__municipality_id",
        ),
        Table(
            "casework.Evaluation",
            "evaluations.csv",
            "Follow-ups and evaluations of measures.",
            "measure__youth__municipality_id",
        ),
        Table(
            "casework.JournalEntry",
            "journal_entries.csv",
            "The journal, confidential entries included (column confidential = true).",
            "youth__municipality_id",
        ),
        Table("casework.Partner", "partners.csv", "The municipality's partners.", "municipality_id"),
        Table("casework.Consent", "consents.csv", "Consents to share information.", "youth__municipality_id"),
        Table(
            "casework.Referral", "referrals.csv", "Referrals to partners and their answers.", "youth__municipality_id"
        ),
    ),
    "handover": (
        Table("handover.Fraktsedel", "fraktsedlar.csv",
              "Hand-over documents given (sections chosen, the text as given, to whom, when, the consent).",
              "municipality_id"),
    ),
    "prevention": (
        Table("prevention.AttendanceSettings", "attendance_settings.csv",
              "The municipality's attendance signal rule and how long attendance and preventive cases are kept.",
              "municipality_id"),
        Table("prevention.AttendanceWeek", "attendance_weeks.csv", "Imported absence per pupil and week.",
              "municipality_id"),
        Table("prevention.AttendanceSignal", "attendance_signals.csv",
              "Pupils whose unexcused absence crossed the municipality's rule.", "municipality_id"),
        Table("prevention.PreventiveCase", "preventive_cases.csv",
              "Preventive cases (not the register): opened with consent from a school's signal.", "municipality_id"),
        Table("prevention.CaseWorker", "preventive_case_workers.csv", "The staff named on a preventive case.",
              "case__municipality_id"),
        Table("prevention.PreventiveMeeting", "preventive_meetings.csv",
              "Meetings of a preventive case (autumn of year 9, spring, follow-up).", "case__municipality_id"),
        Table("prevention.PreventiveMapping", "preventive_mappings.csv",
              "The pupil's own mapping in a preventive case, in versions.", "case__municipality_id"),
    ),
    "retention": (
        Table("retention.RetentionRule", "retention_rules.csv",
              "The municipality's thinning rules per kind of data, with the decision's reference.", "municipality_id"),
    ),
    "meetings": (
        Table("meetings.CaseReview", "case_reviews.csv",
              "The team's case reviews (elevgenomgång), one per team and day.", "team__municipality_id"),
        Table("meetings.CaseReview_present", "case_review_present.csv", "Who was present at a case review.",
              "casereview__team__municipality_id"),
        Table("meetings.ReviewDecision", "review_decisions.csv",
              "A case review's decision about a youth (its text is the journal entry it points to).",
              "review__team__municipality_id"),
        Table("meetings.Meeting", "meetings.csv", "Network meetings and steering-group meetings.", "municipality_id"),
        Table("meetings.Meeting_partners", "meeting_partners.csv", "The partner organisations taking part.",
              "meeting__municipality_id"),
        Table("meetings.MeetingYouth", "meeting_youths.csv", "A youth on a meeting's agenda (with consent).",
              "meeting__municipality_id"),
        Table("meetings.MeetingYouth_consents", "meeting_youth_consents.csv",
              "The consents a youth's place on the agenda relied on.", "meetingyouth__meeting__municipality_id"),
        Table("meetings.FollowUp", "meeting_follow_ups.csv", "A meeting's follow-ups: what, who, by when, done.",
              "meeting__municipality_id"),
    ),
    "reporting": (
        Table(
            "reporting.StatisticsFile",
            "statistics_files.csv",
            "Statistics files produced for SCB (the record).",
            "municipality_id",
        ),
        Table("reporting.PlanningSettings", "planning_settings.csv", "Resource planning settings.", "municipality_id"),
        Table("reporting.WheelTask", "wheel_tasks.csv", "The yearly wheel's recurring tasks (årshjul) and their rules.",
              "municipality_id"),
        Table("reporting.WheelDone", "wheel_done.csv", "Occurrences of the yearly wheel marked done, by whom, when.",
              "task__municipality_id"),
        Table("reporting.FollowUpGoals", "follow_up_goals.csv",
              "The coordinator's goals per year and how the municipality works towards them (the June follow-up).",
              "municipality_id"),
    ),
}

# Models of the guarded apps holding municipality-scoped data that are deliberately not exported.
EXCLUDED: dict[str, str] = {
    "accounts.AccessRequest": "A pending or decided request for access is this installation's own two-person "
    "decision; access is granted again in the receiving installation.",
    "accounts.ApiToken": "Credentials never leave the installation that issued them.",
    "handover.Transfer": "A transfer is between two municipalities of this installation; what it moved is in "
    "the receiving municipality's own export. Events that named a transfer keep their text, not its id.",
    "handover.CaseOwnership": "Which municipality of this installation held a case when; an exported case is "
    "held by the exporting municipality, which the receiving installation assumes.",
    "prevention.AttendanceImport": "The log of attendance imports is this installation's own record of an "
    "operation; the weeks it wrote are exported.",
    "retention.RetentionRun": "A thinning run is this installation's own record of an operation (and in its "
    "audit log); the rules are exported.",
    "reporting.WheelReminder": "The record of reminder e-mails sent is this installation's own (it keeps a "
    "reminder from being sent twice).",
    "outreach.OutreachSnapshot": "A memo of the contact chain's state computed from the exported events; the "
    "receiving installation computes it again.",
    "reporting.BoardReport": "A prepared board report is a file made from the exported data; the receiving "
    "installation makes it again for any month or half-year.",
    "accounts.EmergencyAccess": "Emergency access lasts three hours; it is in this installation's audit log.",
    "audit.AuditEntry": "The audit log is this installation's own record of who did what; it stays here, "
    "append-only, and is thinned by its own rule.",
    "imports.ImportRun": "The log of import runs (host, process, file names) describes this installation's "
    "operation; the facts the imports wrote are exported.",
}

# The apps whose models the guard test walks: every app on main when this format was written.
GUARDED_APPS = (
    "core",
    "accounts",
    "organisations",
    "register",
    "imports",
    "outreach",
    "messaging",
    "casework",
    "reporting",
    "audit",
    "meetings",
    "handover",
    "prevention",
    "retention",
)
# Tables whose rows only link a staff member to a record: a row naming a user missing in the receiving
# installation is left out (and counted), as a many-to-many link is.
USER_LINKS = frozenset({"prevention.CaseWorker"})

# Keys of YouthEvent.data that hold the id of another record (translated on import).
EVENT_REFERENCES: dict[str, str] = {
    "attempt_id": "outreach.ContactAttempt",
    "closing_id": "casework.Closing",
    "coach_id": "accounts.User",
    "code_id": "messaging.ReplyCode",
    "consent_id": "casework.Consent",
    "entry_id": "casework.JournalEntry",
    "evaluation_id": "casework.Evaluation",
    "fraktsedel_id": "handover.Fraktsedel",
    "mapping_id": "casework.Mapping",
    "measure_id": "casework.Measure",
    "meeting_id": "outreach.FirstMeeting",
    "occupation_id": "casework.Occupation",
    "partner_id": "casework.Partner",
    "plan_id": "casework.ActionPlan",
    "referral_id": "casework.Referral",
    "team_id": "organisations.Team",
}
# Keys of YouthEvent.data naming a record that is not exported (spec.EXCLUDED): null after the import.
EVENT_DROPPED_REFERENCES: dict[str, str] = {"transfer_id": "handover.Transfer"}
# ``report_id`` names a school report or a concern report, depending on the event's kind (a list of ids,
# such as ``consent_ids``, has each id translated).
EVENT_KIND_REFERENCES: dict[tuple[str, str], str] = {
    ("register.school_report", "report_id"): "register.SchoolReport",
    ("outreach.concern_feedback", "report_id"): "outreach.ConcernReport",
    # meeting_id names an outreach first meeting above; in the meetings app's events, a network meeting.
    ("meetings.review_decision", "review_id"): "meetings.CaseReview",
    ("meetings.review_decision", "decision_id"): "meetings.ReviewDecision",
    ("meetings.discussed", "meeting_id"): "meetings.Meeting",
    ("meetings.discussed", "consent_ids"): "casework.Consent",
    ("meetings.meeting_decision", "meeting_id"): "meetings.Meeting",
}
# Keys of each item of PlanRevision.measures (the plan's measures as they were) that hold an id.
REVISION_MEASURE_REFERENCES: dict[str, str] = {
    "id": "casework.Measure",
    "responsible_staff": "accounts.User",
    "activity": "casework.Activity",
}


def tables() -> list[Table]:
    """Every table, in the order of the documentation."""
    return [table for app_tables in EXPORTS.values() for table in app_tables]


def table_for(label: str) -> Table | None:
    return next((table for table in tables() if table.label == label), None)
