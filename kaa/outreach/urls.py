from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("worklist/", views.worklist, name="worklist"),
    path("overview/", views.overview, name="overview"),
    path("assign/", views.assign, name="assign"),
    path("youths/<int:pk>/call/", views.log_call_form, name="log_call_form"),
    path("youths/<int:pk>/call/save/", views.log_call, name="log_call"),
    path("youths/<int:pk>/reply-handled/", views.reply_handled, name="reply_handled"),
    path("youths/<int:pk>/reply-phone/", views.reply_phone, name="reply_phone"),
    path("youths/<int:pk>/step-done/", views.step_done, name="step_done"),
    path("youths/<int:pk>/contact/", views.contact_new, name="contact_new"),
    path("youths/<int:pk>/refusal/", views.refusal_new, name="refusal_new"),
    path("youths/<int:pk>/meeting/", views.meeting_new, name="meeting_new"),
    path("youths/<int:pk>/concern/", views.concern_new, name="concern_new"),
    path("youths/<int:pk>/concern/<int:report_pk>/feedback/", views.concern_feedback, name="concern_feedback"),
    path("chains/", views.chain_list, name="chain_list"),
    path("chains/<int:pk>/", views.chain_detail, name="chain_detail"),
    path("chains/<int:pk>/activate/", views.chain_activate, name="chain_activate"),
    path("chains/<int:pk>/steps/new/", views.step_edit, name="step_new"),
    path("chains/<int:pk>/steps/<int:step_pk>/", views.step_edit, name="step_edit"),
    path("chains/<int:pk>/steps/<int:step_pk>/delete/", views.step_delete, name="step_delete"),
]
