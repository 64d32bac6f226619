from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.runs, name="runs"),
    path("upload/", views.upload, name="upload"),
    path("<int:pk>/", views.run_detail, name="run_detail"),
]
