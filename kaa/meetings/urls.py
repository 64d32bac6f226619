from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<int:review_pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:review_pk>/print/", views.review_print, name="review_print"),
    path("reviews/<int:review_pk>/pdf/", views.review_pdf, name="review_pdf"),
    path("teams/<int:team_id>/", views.review_team, name="review_team"),
    path("teams/<int:team_id>/youths/<int:pk>/decide/", views.review_decide, name="review_decide"),
    path("network/", views.meeting_list, name="meeting_list"),
    path("network/new/", views.meeting_edit, name="meeting_new"),
    path("network/<int:meeting_pk>/", views.meeting_detail, name="meeting_detail"),
    path("network/<int:meeting_pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("network/<int:meeting_pk>/print/", views.meeting_print, name="meeting_print"),
    path("network/<int:meeting_pk>/pdf/", views.meeting_pdf, name="meeting_pdf"),
    path("network/<int:meeting_pk>/youths/<int:pk>/add/", views.meeting_youth_add, name="meeting_youth_add"),
    path("network/<int:meeting_pk>/youths/<int:pk>/decision/", views.meeting_youth_decide, name="meeting_youth_decide"),
    path("network/<int:meeting_pk>/follow-ups/", views.follow_up_add, name="follow_up_add"),
    path("network/<int:meeting_pk>/follow-ups/<int:follow_up_pk>/done/", views.follow_up_done, name="follow_up_done"),
]
