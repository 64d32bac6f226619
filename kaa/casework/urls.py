from django.urls import path

from . import extract_views, views

app_name = "casework"
urlpatterns = [
    path("youths/<int:pk>/occupation/", views.occupation_new, name="occupation_new"),
    path("youths/<int:pk>/mapping/", views.mapping_edit, name="mapping_edit"),
    path("youths/<int:pk>/mapping/history/", views.mapping_history, name="mapping_history"),
    path("youths/<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("youths/<int:pk>/plan/accept/", views.plan_accept, name="plan_accept"),
    path("youths/<int:pk>/plan/history/", views.plan_history, name="plan_history"),
    path("youths/<int:pk>/plan/pdf/", views.plan_pdf, name="plan_pdf"),
    path("youths/<int:pk>/measures/new/", views.measure_new, name="measure_new"),
    path("youths/<int:pk>/measures/<int:measure_pk>/", views.measure_edit, name="measure_edit"),
    path("youths/<int:pk>/measures/<int:measure_pk>/evaluate/", views.measure_evaluate, name="measure_evaluate"),
    path("youths/<int:pk>/measures/<int:measure_pk>/place/", views.measure_give_place, name="measure_give_place"),
    path("youths/<int:pk>/journal/", views.journal_list, name="journal_list"),
    path("youths/<int:pk>/journal/new/", views.journal_new, name="journal_new"),
    path("youths/<int:pk>/journal/<int:entry_pk>/correct/", views.journal_correct, name="journal_correct"),
    path("youths/<int:pk>/consents/new/", views.consent_new, name="consent_new"),
    path("youths/<int:pk>/consents/<int:consent_pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("youths/<int:pk>/referrals/new/", views.referral_new, name="referral_new"),
    path("youths/<int:pk>/referrals/<int:referral_pk>/answer/", views.referral_answer, name="referral_answer"),
    path("youths/<int:pk>/close/", views.case_close, name="case_close"),
    path("youths/<int:pk>/reopen/", views.case_reopen, name="case_reopen"),
    path("youths/<int:pk>/extract/pdf/", extract_views.extract_pdf, name="extract_pdf"),
    path("youths/<int:pk>/extract/json/", extract_views.extract_json, name="extract_json"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_edit, name="activity_new"),
    path("activities/<int:activity_pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:activity_pk>/edit/", views.activity_edit, name="activity_edit"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/new/", views.partner_edit, name="partner_new"),
    path("partners/<int:partner_pk>/", views.partner_edit, name="partner_edit"),
]
