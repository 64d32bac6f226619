from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.index, name="index"),
    path("youth/<int:youth_id>/", views.youth_log, name="youth"),
    path("user/<int:user_id>/", views.user_log, name="user"),
]
