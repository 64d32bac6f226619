from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.index, name="index"),
    path("user/<int:user_id>/", views.user_log, name="user"),
]
