from django.urls import path

from . import views

app_name = "register"
urlpatterns = [
    path("", views.register_list, name="list"),
    path("export/", views.register_export, name="export"),
    path("youths/", views.youth_list, name="youth_list"),
    path("youths/<int:pk>/", views.youth_detail, name="youth_detail"),
    path("youths/<int:pk>/correct/<slug:kind>/", views.youth_correct, name="youth_correct"),
    path("youths/<int:pk>/log/", views.youth_log, name="youth_log"),
    path("emergency/", views.emergency, name="emergency"),
    path("emergency/open/", views.emergency_open, name="emergency_open"),
    path("school/", views.school_home, name="school_home"),
    path("school/leaving/new/", views.school_report_new, name="school_report_new"),
    path("school/signal/new/", views.early_signal_new, name="early_signal_new"),
    path("school-reports/", views.school_reports, name="school_reports"),
    path("school-reports/<int:pk>/", views.school_report_action, name="school_report_action"),
    path("early-signals/", views.early_signals, name="early_signals"),
    path("early-signals/<int:pk>/", views.early_signal_status, name="early_signal_status"),
]
