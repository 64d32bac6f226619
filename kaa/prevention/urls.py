from django.urls import path

from . import views

app_name = "prevention"
urlpatterns = [
    path("signals/", views.signals, name="signals"),
    path("signals/attendance/<int:signal_pk>/dismiss/", views.signal_dismiss, name="signal_dismiss"),
    path("signals/attendance/<int:signal_pk>/open/", views.open_from_attendance, name="open_from_attendance"),
    path("signals/early/<int:signal_pk>/open/", views.open_from_early_signal, name="open_from_early_signal"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:case_pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_pk>/meeting/", views.meeting_new, name="meeting_new"),
    path("cases/<int:case_pk>/mapping/", views.mapping_edit, name="mapping_edit"),
    path("cases/<int:case_pk>/workers/", views.worker_add, name="worker_add"),
    path("cases/<int:case_pk>/close/", views.case_close, name="case_close"),
    path("attendance/import/", views.attendance_upload, name="attendance_upload"),
    path("attendance/settings/", views.attendance_settings, name="attendance_settings"),
]
