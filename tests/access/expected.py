"""THE access table: every URL pattern of the project × every role, the status a GET returns.

One line per URL name (namespaced, as ``reverse`` takes it; an unnamed pattern by its route).
Columns, in this order: anonymous, coordinator, coach, study_counsellor, teacher, head,
school_staff, administrator. ``LOGIN`` = a redirect (302) to the login page; numbers are statuses
(405 = GET not allowed, e.g. a POST-only action). API URLs (``api:``) are called with a bearer
token of the role's user, anonymous without one.

A URL without a line here fails tests/access/test_matrix.py, which prints the line it measured.
See what is missing:  uv run pytest tests/access/test_matrix.py -k every_url -q
"""

from . import builders

LOGIN = "login"

# Which object fills a URL parameter. A value is the key of an object of the fixture world
# (tests/access/conftest.py: "youth", "user", "token", "municipality", "team", or a role name),
# a builder from tests/access/builders.py (makes the object once per world), or a literal.
# An object stands for its .pk.
PARAMS = {
    "pk": "youth",
    "youth_id": "youth",
    "user_id": "user",
    "municipality_id": "municipality",
    "municipality_pk": "municipality",
    "team_id": "team",
    # Case work (kaa.casework)
    "measure_id": builders.measure,
    "measure_pk": builders.measure,
    "consent_id": builders.consent,
    "consent_pk": builders.consent,
    "entry_pk": builders.journal_entry,
    "activity_pk": builders.activity,
}
# Per-URL parameters where the defaults above do not fit.
KWARGS = {
    "accounts:token_revoke": {"pk": "token"},
    "register:youth_correct": {"kind": "moved_in"},
    "organisations:municipality_edit": {"pk": "municipality"},
    "organisations:team_edit": {"pk": "team"},
    "organisations:staff_detail": {"pk": "coach"},
    "organisations:staff_roles": {"pk": "coach"},
    "organisations:staff_active": {"pk": "coach"},
    "outreach:concern_feedback": {"report_pk": builders.concern},
    "outreach:chain_detail": {"pk": builders.chain},
    "outreach:chain_activate": {"pk": builders.chain},
    "outreach:step_new": {"pk": builders.chain},
    "outreach:step_edit": {"pk": builders.chain, "step_pk": builders.step},
    "outreach:step_delete": {"pk": builders.chain, "step_pk": builders.step},
    "imports:run_detail": {"pk": builders.import_run},
    "messaging:template_edit": {"pk": builders.template},
    "messaging:template_preview": {"pk": builders.template},
    "messaging:batch_detail": {"pk": builders.batch},
    "messaging:batch_pdf": {"pk": builders.batch},
    "messaging:reply": {"code": builders.reply_code},
}

EXPECTED = {
    # name:                             (anon,  coord, coach, syv, teach, head, school, admin)
    "core:healthz":                     (200, 200, 200, 200, 200, 200, 200, 200),
    "core:home":                        (LOGIN, 200, 200, 200, 200, 200, 200, 200),
    "set_language":                     (302, 302, 302, 302, 302, 302, 302, 302),
    "accounts:login":                   (200, 302, 302, 302, 302, 302, 302, 302),
    "accounts:logout":                  (405, 405, 405, 405, 405, 405, 405, 405),
    "accounts:otp":                     (LOGIN, 200, 200, 200, 200, 200, 200, 200),
    "accounts:token_revoke":            (405, 405, 405, 405, 405, 405, 405, 405),
    "accounts:tokens":                  (LOGIN, 200, 200, 200, 200, 403, 403, 200),
    "register:early_signal_new":        (LOGIN, 200, 403, 403, 403, 403, 200, 403),
    "register:early_signal_status":     (405, 405, 405, 405, 405, 405, 405, 405),
    "register:early_signals":           (LOGIN, 200, 403, 403, 403, 403, 403, 403),
    "register:export":                  (405, 405, 405, 405, 405, 405, 405, 405),
    "register:list":                    (LOGIN, 200, 403, 403, 403, 403, 403, 403),
    "register:school_home":             (LOGIN, 200, 403, 403, 403, 403, 200, 403),
    "register:school_report_action":    (405, 405, 405, 405, 405, 405, 405, 405),
    "register:school_report_new":       (LOGIN, 200, 403, 403, 403, 403, 200, 403),
    "register:school_reports":          (LOGIN, 200, 403, 403, 403, 403, 403, 403),
    "register:youth_correct":           (LOGIN, 200, 403, 403, 403, 403, 403, 403),
    "register:youth_detail":            (LOGIN, 200, 200, 200, 200, 403, 403, 403),
    "register:youth_list":              (LOGIN, 200, 200, 200, 200, 403, 403, 403),
    "audit:index":                      (LOGIN, 200, 403, 403, 403, 403, 403, 200),
    "audit:user":                       (LOGIN, 200, 403, 403, 403, 403, 403, 200),
    "audit:youth":                      (LOGIN, 200, 403, 403, 403, 403, 403, 200),
    "organisations:index":              (LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "organisations:municipality_edit":  (LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "organisations:staff_active":       (405, 405, 405, 405, 405, 405, 405, 405),
    "organisations:staff_create":       (LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "organisations:staff_detail":       (LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "organisations:staff_list":         (LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "organisations:staff_roles":        (405, 405, 405, 405, 405, 405, 405, 405),
    "organisations:team_edit":          (LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "organisations:team_list":          (LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "imports:run_detail":               (LOGIN, 200, 403, 403, 403, 403, 403, 200),
    "imports:runs":                     (LOGIN, 200, 403, 403, 403, 403, 403, 200),
    "imports:upload":                   (LOGIN, 200, 403, 403, 403, 403, 403, 200),
    "outreach:assign":                  (LOGIN, 200, 403, 403, 403, 403, 403, 403),
    "outreach:chain_activate":          (405, 405, 405, 405, 405, 405, 405, 405),
    "outreach:chain_detail":            (LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "outreach:chain_list":              (LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "outreach:concern_feedback":        (LOGIN, 200, 200, 200, 200, 403, 403, 403),
    "outreach:concern_new":             (LOGIN, 200, 200, 200, 200, 403, 403, 403),
    "outreach:contact_new":             (LOGIN, 200, 200, 200, 200, 403, 403, 403),
    "outreach:log_call":                (405, 405, 405, 405, 405, 405, 405, 405),
    "outreach:log_call_form":           (LOGIN, 200, 200, 200, 200, 403, 403, 403),
    "outreach:meeting_new":             (LOGIN, 200, 200, 200, 200, 403, 403, 403),
    "outreach:overview":                (LOGIN, 200, 403, 403, 403, 403, 403, 403),
    "outreach:refusal_new":             (LOGIN, 200, 200, 200, 200, 403, 403, 403),
    "outreach:reply_handled":           (405, 405, 405, 405, 405, 405, 405, 405),
    "outreach:step_delete":             (405, 405, 405, 405, 405, 405, 405, 405),
    "outreach:step_done":               (405, 405, 405, 405, 405, 405, 405, 405),
    "outreach:step_edit":               (LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "outreach:step_new":                (LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "outreach:worklist":                (LOGIN, 200, 200, 200, 200, 403, 403, 403),
    "messaging:batch_detail":           (LOGIN, 200, 200, 403, 403, 403, 403, 403),
    "messaging:batch_pdf":              (LOGIN, 404, 404, 403, 403, 403, 403, 403),
    "messaging:compose":                (LOGIN, 200, 200, 200, 200, 403, 403, 403),
    "messaging:letter_single":          (LOGIN, 405, 405, 403, 403, 403, 403, 403),
    "messaging:print_letters":          (LOGIN, 200, 200, 403, 403, 403, 403, 403),
    "messaging:reply":                  (200, 200, 200, 200, 200, 200, 200, 200),
    "messaging:reply_start":            (200, 200, 200, 200, 200, 200, 200, 200),
    "messaging:reply_thanks":           (200, 200, 200, 200, 200, 200, 200, 200),
    "messaging:template_edit":          (LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "messaging:template_list":          (LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "messaging:template_preview":       (LOGIN, 403, 403, 403, 403, 403, 403, 200),
    "api:api-root":                     (404, 404, 404, 404, 404, 404, 404, 404),
    "api:create_contact":               (405, 405, 405, 405, 405, 405, 405, 405),
    "api:get_outreach":                 (401, 200, 200, 200, 200, 404, 404, 404),
    "api:get_youth":                    (401, 200, 200, 200, 200, 404, 404, 404),
    "api:list_youths":                  (401, 200, 200, 200, 200, 200, 200, 200),
    "api:openapi-json":                 (200, 200, 200, 200, 200, 200, 200, 200),
    "api:openapi-view":                 (200, 200, 200, 200, 200, 200, 200, 200),
    # Case work (kaa.casework)
    "api:create_consent":               (405, 405, 405, 405, 405, 405, 405, 405),
    "api:create_journal_entry":         (401, 200, 200, 200, 200, 404, 404, 404),
    "api:create_measure":               (401, 200, 200, 200, 200, 404, 404, 404),
    "api:create_occupation":            (401, 200, 200, 200, 200, 404, 404, 404),
    "api:list_journal":                 (401, 200, 200, 200, 200, 404, 404, 404),
    "api:list_measures":                (401, 200, 200, 200, 200, 404, 404, 404),
    "api:list_occupations":             (401, 200, 200, 200, 200, 404, 404, 404),
    "api:update_measure":               (405, 405, 405, 405, 405, 405, 405, 405),
    "api:withdraw_consent":             (405, 405, 405, 405, 405, 405, 405, 405),
}
