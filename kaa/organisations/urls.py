from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("", views.index, name="index"),
    path("municipality/<int:pk>/", views.municipality_edit, name="municipality_edit"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<int:pk>/", views.team_edit, name="team_edit"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/roles/<int:municipality_pk>/", views.staff_roles, name="staff_roles"),
    path("staff/<int:pk>/active/", views.staff_active, name="staff_active"),
    path("access-requests/", views.access_requests, name="access_requests"),
    path("access-requests/<int:pk>/", views.access_request_decide, name="access_request_decide"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
